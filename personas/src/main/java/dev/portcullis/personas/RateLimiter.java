package dev.portcullis.personas;

import java.time.Duration;

/**
 * Token buckets keyed by string. The in-memory {@link #inMemory()} serves one gateway; a shared store
 * (Redis, a database) implements the same contract for several replicas.
 */
public interface RateLimiter {

    /**
     * Takes one permit from the bucket {@code key}, created full at {@code rate} on first use.
     *
     * @param key  bucket key
     * @param rate the bucket's rate and burst
     * @return {@link Duration#ZERO} when a permit was taken, else how long until one will be available
     *         (nothing is taken then)
     */
    Duration acquire(String key, Rate rate);

    /**
     * @return token buckets in this JVM, timed with {@link System#nanoTime()}
     */
    static RateLimiter inMemory() {
        return new TokenBuckets(System::nanoTime);
    }
}
