package dev.portcullis.mcp;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One Server-Sent Event as defined by the WHATWG HTML standard ({@code text/event-stream}).
 *
 * @param id    the event id ({@code id:} field), if the event set one
 * @param event the event type ({@code event:} field); {@code message} when absent
 * @param data  the data, lines joined with {@code \n}
 * @param retry the reconnection delay the event set ({@code retry:} field), if any
 */
public record SseEvent(Optional<String> id, String event, String data, Optional<Duration> retry) {

    /** Rejects nulls and ids or event names that cannot be framed. */
    public SseEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(retry, "retry");
        id.ifPresent(i -> requireSingleLine(i, "id"));
        requireSingleLine(event, "event");
        if (id.isPresent() && id.get().indexOf('\0') >= 0) {
            throw new IllegalArgumentException("id: contains NUL (expected: no NUL)");
        }
    }

    /**
     * @param data data of a {@code message} event
     * @return an event with only data
     */
    public static SseEvent message(String data) {
        return new SseEvent(Optional.empty(), "message", data, Optional.empty());
    }

    /**
     * @param id   event id
     * @param data data of a {@code message} event
     * @return an event with an id and data
     */
    public static SseEvent message(String id, String data) {
        return new SseEvent(Optional.of(id), "message", data, Optional.empty());
    }

    private static void requireSingleLine(String s, String what) {
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + ": contains a line break (expected: one line)");
        }
    }
}
