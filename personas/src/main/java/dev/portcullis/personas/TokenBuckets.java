package dev.portcullis.personas;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** In-memory token buckets; idle full buckets are dropped when the map grows large. */
final class TokenBuckets implements RateLimiter {
    private static final int SWEEP_ABOVE = 100_000;

    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    TokenBuckets(LongSupplier nanos) {
        this.nanos = nanos;
    }

    @Override
    public Duration acquire(String key, Rate rate) {
        long now = nanos.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) {
            buckets.values().removeIf(b -> b.fullAt(now));
        }
        Bucket bucket = buckets.computeIfAbsent(key + "@" + rate, k -> new Bucket(rate, now));
        return bucket.take(now);
    }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(Rate rate, long now) {
            this.capacity = rate.permits();
            this.perNano = rate.permits() / (double) rate.period().toNanos();
            this.tokens = capacity;
            this.last = now;
        }

        synchronized Duration take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Duration.ZERO;
            }
            return Duration.ofNanos(Math.max(1, (long) Math.ceil((1 - tokens) / perNano)));
        }

        synchronized boolean fullAt(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            long elapsed = now - last;
            if (elapsed > 0) {
                tokens = Math.min(capacity, tokens + elapsed * perNano);
                last = now;
            }
        }
    }
}
