package dev.portcullis.server.mcp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.portcullis.mcp.JsonRpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One server-sent-events stream of a session-era client (a POST response stream or the GET stream).
 * Every message gets an event id {@code <stream>_<seq>} and is kept in a bounded log, so that when the
 * connection breaks the client can reconnect with {@code Last-Event-ID} and miss nothing (2025-11-25
 * resumption). Messages appended while no connection is attached are logged and delivered on resume.
 * Thread-safe.
 */
final class EventStream {
    private static final int LOG_LIMIT = 1024;

    private final String id;
    private final boolean withIds;
    private final Deque<Entry> log = new ArrayDeque<>();
    private long seq;
    private OutputStream sink;
    private CountDownLatch sinkDone;
    private boolean closed;

    EventStream(String id) {
        this(id, true);
    }

    /**
     * @param id      stream id (prefix of event ids)
     * @param withIds whether events carry ids (session era); stateless streams are not resumable
     */
    EventStream(String id, boolean withIds) {
        this.id = id;
        this.withIds = withIds;
    }

    String id() {
        return id;
    }

    /**
     * Attaches a connection and replays what it has not seen.
     *
     * @param out      the response body
     * @param afterSeq replay entries after this sequence number ({@code -1}: none, only new ones)
     * @param priming  send a priming event (id, empty data, retry hint) first
     * @return a latch released when the connection is detached or the stream closes
     */
    synchronized CountDownLatch attach(OutputStream out, long afterSeq, boolean priming) {
        detachQuietly();
        sink = out;
        sinkDone = new CountDownLatch(1);
        CountDownLatch done = sinkDone;
        try {
            if (priming) {
                write(out, "id: " + id + "_" + seq + "\nretry: 1000\ndata: \n\n");
            }
            if (afterSeq >= 0) {
                for (Entry e : log) {
                    if (e.seq() > afterSeq) {
                        write(out, frame(e));
                    }
                }
            }
            out.flush();
        } catch (IOException e) {
            detachQuietly();
        }
        if (closed) {
            detachQuietly();
        }
        return done;
    }

    /**
     * Appends a message; delivers it now when a connection is attached.
     *
     * @param message JSON-RPC message
     * @return whether it was delivered to a live connection
     */
    synchronized boolean append(JsonNode message) {
        if (closed) {
            return false;
        }
        Entry entry = new Entry(++seq, new String(JsonRpc.write(message), StandardCharsets.UTF_8));
        log.addLast(entry);
        if (log.size() > LOG_LIMIT) {
            log.removeFirst();
        }
        if (sink == null) {
            return false;
        }
        try {
            write(sink, frame(entry));
            sink.flush();
            return true;
        } catch (IOException e) {
            detachQuietly();
            return false;
        }
    }

    /**
     * Sends an SSE comment to keep intermediaries from timing the connection out.
     *
     * @return false when the connection is gone
     */
    synchronized boolean keepAlive() {
        if (sink == null) {
            return false;
        }
        try {
            write(sink, ":\n\n");
            sink.flush();
            return true;
        } catch (IOException e) {
            detachQuietly();
            return false;
        }
    }

    synchronized boolean attached() {
        return sink != null;
    }

    /** Ends the stream: the attached connection (if any) is released to finish its response. */
    synchronized void close() {
        closed = true;
        detachQuietly();
    }

    synchronized boolean closed() {
        return closed;
    }

    /**
     * Waits until the attached connection is released.
     *
     * @param latch the latch returned by {@link #attach}
     * @param max   longest wait
     */
    static void await(CountDownLatch latch, long max, TimeUnit unit) {
        try {
            latch.await(max, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void detachQuietly() {
        sink = null;
        if (sinkDone != null) {
            sinkDone.countDown();
            sinkDone = null;
        }
    }

    private String frame(Entry e) {
        StringBuilder sb = new StringBuilder(e.data().length() + 32);
        if (withIds) {
            sb.append("id: ").append(id).append('_').append(e.seq()).append('\n');
        }
        sb.append("event: message\n");
        sb.append("data: ").append(e.data()).append("\n\n");
        return sb.toString();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a {@code Last-Event-ID} value of this gateway's form.
     *
     * @param lastEventId header value
     * @return stream id and sequence, or null when the value is not ours
     */
    static Position parse(String lastEventId) {
        int us = lastEventId.lastIndexOf('_');
        if (us <= 0 || us == lastEventId.length() - 1) {
            return null;
        }
        try {
            return new Position(lastEventId.substring(0, us), Long.parseLong(lastEventId.substring(us + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    record Position(String stream, long seq) {
    }

    private record Entry(long seq, String data) {
    }
}
