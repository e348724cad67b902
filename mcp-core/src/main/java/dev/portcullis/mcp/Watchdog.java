package dev.portcullis.mcp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls every call in flight for client cancellation ({@link Exchange#cancelled()} has no callback) and
 * for its deadline, and stops the call when either fires. One platform thread per connector.
 */
final class Watchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());
    static final long TICK_MILLIS = 50;

    private final Set<Inflight> inflight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portcullis-upstream-watchdog");
        t.setDaemon(true);
        return t;
    });

    Watchdog() {
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    void watch(Inflight f) {
        inflight.add(f);
    }

    void unwatch(Inflight f) {
        inflight.remove(f);
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    private void tick() {
        for (Inflight f : inflight) {
            try {
                if (f.stopped.isDone()) {
                    inflight.remove(f);
                } else if (f.exchange.cancelled()) {
                    f.stop(Inflight.End.CANCELLED);
                } else if (f.expired()) {
                    f.stop(Inflight.End.TIMED_OUT);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "watchdog: exchange check failed", e);
                f.stop(Inflight.End.CANCELLED);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Inflight f : inflight) {
            f.stop(Inflight.End.CLOSED);
        }
    }
}
