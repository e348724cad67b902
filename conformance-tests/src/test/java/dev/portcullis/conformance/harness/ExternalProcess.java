package dev.portcullis.conformance.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a command to completion with a deadline, capturing stdout and stderr; the process tree dies on timeout. */
public final class ExternalProcess {
    /** What a finished command left behind. */
    public record Outcome(int exitCode, String stdout, String stderr, Duration elapsed) {
        /** stdout and stderr together, for failure messages. */
        public String transcript() {
            return "--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private ExternalProcess() {
    }

    /**
     * Runs {@code command} in {@code dir}.
     *
     * @throws AssertionError when the command cannot start or outlives {@code timeout} (it is then killed, children
     *                        first)
     */
    public static Outcome run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new AssertionError(command + " did not finish within " + timeout + "\n--- stdout ---\n"
                                         + stdout.getNow("") + "\n--- stderr ---\n" + stderr.getNow(""));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Outcome(process.exitValue(), stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS),
                               elapsed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            throw new AssertionError("interrupted while running " + command, e);
        } catch (IOException | ExecutionException | TimeoutException e) {
            kill(process);
            throw new AssertionError("cannot read the output of " + command, e);
        } finally {
            if (process.isAlive()) {
                kill(process);
            }
        }
    }

    /** Ends the process and every descendant it started, by PID. */
    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e.getMessage() + ">";
            }
        }, task -> Thread.ofVirtual().start(task));
    }
}
