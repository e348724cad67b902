package dev.portcullis.mcp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

/** State of one upstream call in flight: its exchange, deadline, abort hooks and progress-token mapping. */
final class Inflight {

    /** Why a call stopped before its response. */
    enum End { NONE, CANCELLED, TIMED_OUT, CLOSED }

    final Exchange exchange;
    final Duration timeout;
    final long deadlineNanos;
    final CompletableFuture<End> stopped = new CompletableFuture<>();
    private final List<AutoCloseable> aborts = new CopyOnWriteArrayList<>();
    volatile JsonNode clientProgressToken;
    volatile String upstreamProgressToken;
    volatile JsonNode upstreamId;

    Inflight(Exchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Registers something to close when the call is stopped (runs at once if it already is). */
    void onAbort(AutoCloseable c) {
        aborts.add(c);
        if (stopped.isDone()) {
            closeQuietly(c);
        }
    }

    void stop(End why) {
        if (stopped.complete(why)) {
            for (AutoCloseable c : aborts) {
                closeQuietly(c);
            }
        }
    }

    End end() {
        return stopped.getNow(End.NONE);
    }

    Duration remaining() {
        long left = deadlineNanos - System.nanoTime();
        return Duration.ofNanos(Math.max(left, 1_000_000));
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos > 0;
    }

    /** The exception describing why the call stopped; only the failure kind, never payloads. */
    UpstreamException failure(String upstream, Throwable cause) {
        return switch (end()) {
            case CANCELLED -> new UpstreamException(upstream, "upstream '" + upstream + "': request cancelled", cause);
            case TIMED_OUT -> new UpstreamException(upstream,
                    "upstream '" + upstream + "': no response within " + timeout.toMillis() + " ms", cause);
            case CLOSED -> new UpstreamException(upstream, "upstream '" + upstream + "': connection closed", cause);
            case NONE -> new UpstreamException(upstream, "upstream '" + upstream + "': request failed", cause);
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort: the call is being abandoned
        }
    }
}
