package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.portcullis.conformance.harness.ProjectPaths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's {@code PORTCULLIS_AOT_CACHE}: a run while the file is missing writes the ahead-of-time cache, and the
 * next run starts from it ({@code -XX:AOTMode=on} makes that run fail unless the JVM could use the cache).
 */
class LauncherAotCacheTest {

    private record Run(int exit, String output) {
    }

    private static Run launch(Path cache, String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(ProjectPaths.root().resolve("portcullis").toString(), "version"))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PORTCULLIS_SKIP_BUILD", "1");
        env.put("PORTCULLIS_AOT_CACHE", cache.toString());
        env.put("PORTCULLIS_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish within 120 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void aTrainingRunWritesTheCacheAndTheNextRunStartsFromIt(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("portcullis.aot");

        Run training = launch(cache, "");
        assertThat(training.exit()).as(training.output()).isZero();
        assertThat(training.output()).contains("portcullis ");
        assertThat(cache).as(training.output()).isRegularFile();
        assertThat(Files.size(cache)).isPositive();

        Run fromCache = launch(cache, "-XX:AOTMode=on");
        assertThat(fromCache.exit()).as(fromCache.output()).isZero();
        assertThat(fromCache.output()).contains("portcullis ");

        // the mode check is real: the same option without a usable cache stops the JVM
        Files.write(cache, new byte[] {1, 2, 3});
        Run broken = launch(cache, "-XX:AOTMode=on");
        assertThat(broken.exit()).as(broken.output()).isNotZero();
    }
}
