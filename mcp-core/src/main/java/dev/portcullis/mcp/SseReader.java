package dev.portcullis.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A blocking, streaming parser for {@code text/event-stream}, following the WHATWG event-stream
 * interpretation rules: {@code \n}, {@code \r\n} and {@code \r} line ends (also split across reads), a
 * leading UTF-8 BOM, comment lines, multi-line data, {@code id} (ignored when it contains NUL),
 * {@code retry} (digits only) and the rule that an unterminated event at the end of the stream is
 * dropped. Events are returned as they complete, so a long-lived stream is handled event by event.
 *
 * <p>One event may hold at most {@code maxEventBytes} bytes; a larger one fails with an
 * {@link IOException}, so a hostile server cannot exhaust memory. Not thread-safe.
 */
public final class SseReader implements AutoCloseable {

    private static final byte[] FIELD_DATA = {'d', 'a', 't', 'a'};
    private static final byte[] FIELD_EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] FIELD_ID = {'i', 'd'};
    private static final byte[] FIELD_RETRY = {'r', 'e', 't', 'r', 'y'};

    /** Default bound on the size of one event: 16 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean start = true;
    private boolean skipLf;

    private byte[] line = new byte[256];
    private int lineLen;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private int eventBytes;
    private String eventType = "";
    private String lastEventId = "";
    private Duration retry;
    private Duration eventRetry;

    /**
     * @param in the stream (read from, closed by {@link #close()})
     */
    public SseReader(InputStream in) {
        this(in, DEFAULT_MAX_EVENT_BYTES);
    }

    /**
     * @param in            the stream
     * @param maxEventBytes bound on one event's size
     */
    public SseReader(InputStream in, int maxEventBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
        }
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Blocks until the next event is complete.
     *
     * @return the event, or {@code null} at the end of the stream
     * @throws IOException reading failed, or an event exceeded the size bound
     */
    public SseEvent next() throws IOException {
        while (readLine()) {
            SseEvent event = processLine();
            if (event != null) {
                return event;
            }
        }
        return null;
    }

    /** @return the last event id seen (what to send as {@code Last-Event-ID}), if any */
    public Optional<String> lastEventId() {
        return lastEventId.isEmpty() ? Optional.empty() : Optional.of(lastEventId);
    }

    /** @return the most recent reconnection delay the server set, if any */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // reads one line into line/lineLen; false at end of stream (a partial last line is dropped with the event)
    private boolean readLine() throws IOException {
        lineLen = 0;
        while (true) {
            if (pos == limit) {
                if (eof) {
                    return false;
                }
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    eof = true;
                    return false;
                }
                pos = 0;
                limit = n;
                if (start) {
                    if (limit >= 3 && (buf[0] & 0xff) == 0xEF && (buf[1] & 0xff) == 0xBB && (buf[2] & 0xff) == 0xBF) {
                        pos = 3;
                        start = false;
                    } else if (limit >= 3 || (buf[0] & 0xff) != 0xEF) {
                        start = false;
                    } else {
                        // fewer than 3 bytes that may start a BOM: read on until we can decide
                        readBomSlowly();
                    }
                }
                continue;
            }
            byte b = buf[pos++];
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n') {
                return true;
            }
            if (b == '\r') {
                skipLf = true;
                return true;
            }
            if (lineLen == line.length) {
                if (eventBytes + lineLen >= maxEventBytes) {
                    throw new IOException("SSE event exceeds " + maxEventBytes + " bytes");
                }
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes + 1));
            }
            line[lineLen++] = b;
        }
    }

    private void readBomSlowly() throws IOException {
        byte[] head = Arrays.copyOf(buf, 3);
        int have = limit;
        while (have < 3) {
            int n = in.read(head, have, 3 - have);
            if (n < 0) {
                eof = true;
                break;
            }
            have += n;
        }
        start = false;
        boolean bom = have == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF;
        if (bom) {
            pos = 0;
            limit = 0;
        } else {
            System.arraycopy(head, 0, buf, 0, have);
            pos = 0;
            limit = have;
        }
    }

    private SseEvent processLine() throws IOException {
        if (lineLen == 0) {
            return dispatch();
        }
        if (line[0] == ':') {
            return null;
        }
        int colon = -1;
        for (int i = 0; i < lineLen; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        int fieldLen = colon < 0 ? lineLen : colon;
        int vs = colon < 0 ? lineLen : colon + 1;
        if (vs < lineLen && line[vs] == ' ') {
            vs++;
        }
        // field names are ASCII: match on bytes, decode only the value
        if (is(FIELD_DATA, fieldLen)) {
            eventBytes += lineLen + 1;
            if (eventBytes > maxEventBytes) {
                throw new IOException("SSE event exceeds " + maxEventBytes + " bytes");
            }
            data.append(new String(line, vs, lineLen - vs, StandardCharsets.UTF_8)).append('\n');
            hasData = true;
        } else if (is(FIELD_EVENT, fieldLen)) {
            eventType = new String(line, vs, lineLen - vs, StandardCharsets.UTF_8);
        } else if (is(FIELD_ID, fieldLen)) {
            String value = new String(line, vs, lineLen - vs, StandardCharsets.UTF_8);
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        } else if (is(FIELD_RETRY, fieldLen)) {
            int n = lineLen - vs;
            boolean digits = n > 0 && n <= 18;
            for (int i = vs; digits && i < lineLen; i++) {
                digits = line[i] >= '0' && line[i] <= '9';
            }
            if (digits) {
                retry = Duration.ofMillis(Long.parseLong(new String(line, vs, n, StandardCharsets.US_ASCII)));
                eventRetry = retry;
            }
        }
        // unknown fields are ignored
        return null;
    }

    private boolean is(byte[] field, int fieldLen) {
        if (fieldLen != field.length) {
            return false;
        }
        for (int i = 0; i < fieldLen; i++) {
            if (line[i] != field[i]) {
                return false;
            }
        }
        return true;
    }

    private SseEvent dispatch() {
        Duration r = eventRetry;
        eventRetry = null;
        if (!hasData) {
            eventType = "";
            data.setLength(0);
            eventBytes = 0;
            return null;
        }
        String d = data.substring(0, data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        data.setLength(0);
        hasData = false;
        eventBytes = 0;
        eventType = "";
        return new SseEvent(lastEventId(), type, d, Optional.ofNullable(r));
    }
}
