package dev.portcullis.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body as a blocking {@link InputStream} whose {@link #close()} wakes a reader blocked in
 * {@code read()} (the JDK's {@code BodyHandlers.ofInputStream()} stream does not when the server stalls),
 * so a deadline or a client cancellation always ends the read. Requests one chunk at a time (back-pressure).
 */
final class AbortableBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
    // distinct instances: compared by identity, never equal to a chunk the client delivers
    private static final List<ByteBuffer> END = new java.util.ArrayList<>(0);
    private static final List<ByteBuffer> CLOSED = new java.util.ArrayList<>(0);

    private final LinkedBlockingQueue<List<ByteBuffer>> chunks = new LinkedBlockingQueue<>();
    private final CompletableFuture<InputStream> body = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private volatile Throwable error;
    private Iterator<ByteBuffer> current;
    private ByteBuffer buffer;
    private boolean eof;

    static HttpResponse.BodyHandler<InputStream> handler() {
        return info -> new AbortableBody();
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        chunks.offer(item);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        chunks.offer(END);
    }

    @Override
    public void onComplete() {
        chunks.offer(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (buffer == null || !buffer.hasRemaining()) {
            if (current != null && current.hasNext()) {
                buffer = current.next();
                continue;
            }
            if (eof) {
                return -1;
            }
            if (closed) {
                throw new IOException("body closed");
            }
            if (current != null) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.request(1);
                }
            }
            List<ByteBuffer> next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (next == CLOSED) {
                throw new IOException("body closed");
            }
            if (next == END) {
                eof = true;
                if (error != null) {
                    throw new IOException("body failed", error);
                }
                return -1;
            }
            current = next.iterator();
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        chunks.offer(CLOSED);
    }
}
