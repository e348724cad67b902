package dev.portcullis.personas;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When a persona may act: on the given days, from {@code from} (inclusive) to {@code to} (exclusive),
 * in a time zone. {@code to} before {@code from} spans midnight (the night belongs to the day it
 * starts on).
 *
 * @param zone time zone
 * @param days days of the week
 * @param from start time
 * @param to   end time
 */
public record Hours(ZoneId zone, Set<DayOfWeek> days, LocalTime from, LocalTime to) {
    /** Copies and validates. */
    public Hours {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (days.isEmpty()) {
            throw new IllegalArgumentException("days: [] (expected: at least one day)");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
        if (from.equals(to)) {
            throw new IllegalArgumentException("from: " + from + " equals to (expected: a non-empty window)");
        }
    }

    /**
     * @param instant a point in time
     * @return whether it falls inside the window
     */
    public boolean contains(Instant instant) {
        ZonedDateTime t = instant.atZone(zone);
        LocalTime time = t.toLocalTime();
        if (from.isBefore(to)) {
            return days.contains(t.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
        }
        if (!time.isBefore(from)) {
            return days.contains(t.getDayOfWeek());
        }
        return time.isBefore(to) && days.contains(t.getDayOfWeek().minus(1));
    }
}
