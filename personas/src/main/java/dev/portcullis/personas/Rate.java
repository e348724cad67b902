package dev.portcullis.personas;

import java.time.Duration;
import java.util.Objects;

/**
 * A token-bucket rate: up to {@code permits} calls per {@code period}, with a burst of {@code permits}.
 * Written {@code 60/min} in bundles ({@code s}, {@code min}, {@code h}).
 *
 * @param permits permits per period, &gt; 0
 * @param period  refill period, &gt; 0
 */
public record Rate(long permits, Duration period) {
    /** Validates. */
    public Rate {
        Objects.requireNonNull(period, "period");
        if (permits <= 0) {
            throw new IllegalArgumentException("permits: " + permits + " (expected: > 0)");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
    }

    /**
     * Parses {@code N/s}, {@code N/min} or {@code N/h}.
     *
     * @param text the rate
     * @return the rate
     * @throws IllegalArgumentException when the text is not a rate
     */
    public static Rate parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("'" + text + "' (expected: N/s, N/min or N/h)");
        }
        long permits;
        try {
            permits = Long.parseLong(text.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: N/s, N/min or N/h)");
        }
        Duration period = switch (text.substring(slash + 1).trim()) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            default -> throw new IllegalArgumentException("'" + text + "' (expected: N/s, N/min or N/h)");
        };
        if (permits <= 0) {
            throw new IllegalArgumentException("'" + text + "' (expected: more than 0 permits)");
        }
        return new Rate(permits, period);
    }

    @Override
    public String toString() {
        long s = period.toSeconds();
        return permits + "/" + (s == 1 ? "s" : s == 60 ? "min" : s == 3600 ? "h" : period.toString());
    }
}
