package dev.portcullis.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The HTTP side of one Streamable HTTP upstream: builds POST/GET/DELETE requests with the static headers,
 * sends them abortably, and reads JSON or SSE response bodies until the response to a given id.
 */
final class HttpUpstream {
    static final String ACCEPT_BOTH = "application/json, text/event-stream";
    static final int MAX_JSON_BODY = 32 * 1024 * 1024;

    final String name;
    final URI url;
    final Map<String, String> headers;
    final Duration connectTimeout;
    /** The JDK client: {@code https://} upstreams (TLS, HTTP/2). */
    private final HttpClient client;
    /** Cleartext {@code http://} upstreams: blocking HTTP/1.1 on the caller's (virtual) thread; else null. */
    private final Http1Client h1;
    private final ScheduledExecutorService timer;

    HttpUpstream(UpstreamTarget.Http target, HttpClient client, ScheduledExecutorService timer) {
        this.name = target.name();
        this.client = client;
        this.timer = timer;
        this.url = target.url();
        this.headers = target.headers();
        this.connectTimeout = target.connectTimeout();
        try {
            HttpRequest.Builder probe = HttpRequest.newBuilder(url);
            headers.forEach(probe::header);
            this.h1 = "http".equalsIgnoreCase(url.getScheme()) ? new Http1Client(url) : null;
            if (h1 != null) {
                headers.forEach(Http1Client::checkHeader);
            }
        } catch (IllegalArgumentException e) {
            // the JDK rejects restricted or malformed header names; do not echo values
            throw new UpstreamException(name, "upstream '" + name + "': invalid static header name or URL", null);
        }
    }

    /** An upstream request being built: method, headers, body and the deadline for its response headers. */
    static final class Request {
        private String method = "GET";
        private final List<String[]> headers = new ArrayList<>(12);
        private byte[] body;
        private final Duration timeout;

        Request(Duration timeout) {
            this.timeout = timeout;
        }

        Request header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** Adds the call's trace context headers ({@link Exchange#traceContext()}). */
        Request trace(Map<String, String> context) {
            context.forEach(this::header);
            return this;
        }

        Request GET() {
            method = "GET";
            body = null;
            return this;
        }

        Request DELETE() {
            method = "DELETE";
            body = null;
            return this;
        }

        Request POST(byte[] bytes) {
            method = "POST";
            body = bytes;
            return this;
        }

        Request build() {
            return this;
        }

        String method() {
            return method;
        }
    }

    /** A response whose headers have arrived; its body is streamed. */
    interface Response {
        int statusCode();

        Optional<String> header(String name);

        InputStream body();
    }

    private record JdkResponse(HttpResponse<InputStream> r) implements Response {
        @Override
        public int statusCode() {
            return r.statusCode();
        }

        @Override
        public Optional<String> header(String name) {
            return r.headers().firstValue(name);
        }

        @Override
        public InputStream body() {
            return r.body();
        }
    }

    private record H1Response(Http1Client.Response r) implements Response {
        @Override
        public int statusCode() {
            return r.statusCode();
        }

        @Override
        public Optional<String> header(String name) {
            return r.header(name);
        }

        @Override
        public InputStream body() {
            return r.body();
        }
    }

    Request builder(Duration timeout) {
        Request b = new Request(timeout);
        headers.forEach(b::header);
        return b;
    }

    Request post(byte[] body, Duration timeout) {
        return builder(timeout)
                .header("Accept", ACCEPT_BOTH)
                .header("Content-Type", "application/json")
                .POST(body);
    }

    private HttpRequest jdk(Request req) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(req.timeout);
        for (String[] h : req.headers) {
            b.header(h[0], h[1]);
        }
        return switch (req.method) {
            case "POST" -> b.POST(HttpRequest.BodyPublishers.ofByteArray(req.body)).build();
            case "DELETE" -> b.DELETE().build();
            default -> b.GET().build();
        };
    }

    private Duration connectTimeout(Duration timeout) {
        return connectTimeout.compareTo(timeout) < 0 ? connectTimeout : timeout;
    }

    /** Sends abortably: stopping the call closes the connection (or cancels the exchange, or closes the body). */
    Response send(Request request, Inflight f) {
        if (h1 != null) {
            try {
                return new H1Response(h1.send(request.method, request.headers, request.body,
                        connectTimeout(request.timeout), x -> f.onAbort(x::abort)));
            } catch (IOException e) {
                if (f.end() != Inflight.End.NONE) {
                    throw f.failure(name, null);
                }
                throw new UpstreamException(name, "upstream '" + name + "': unreachable (" + kind(e) + ")", e);
            }
        }
        CompletableFuture<HttpResponse<InputStream>> fut = client.sendAsync(jdk(request), AbortableBody.handler());
        f.onAbort(() -> fut.cancel(true));
        try {
            HttpResponse<InputStream> resp = fut.get();
            f.onAbort(resp.body());
            return new JdkResponse(resp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.stop(Inflight.End.CANCELLED);
            throw f.failure(name, null);
        } catch (CancellationException e) {
            throw f.failure(name, null);
        } catch (ExecutionException e) {
            if (f.end() != Inflight.End.NONE) {
                throw f.failure(name, null);
            }
            if (e.getCause() instanceof HttpTimeoutException) {
                f.stop(Inflight.End.TIMED_OUT);
                throw f.failure(name, null);
            }
            throw new UpstreamException(name, "upstream '" + name + "': unreachable (" + kind(e.getCause()) + ")", e.getCause());
        }
    }

    /**
     * Sends without a call context (GET and listen streams) and waits for the response headers, at most the
     * request's timeout; the body is streamed and ends when closed.
     */
    Response open(Request request) throws IOException, InterruptedException {
        if (h1 == null) {
            return new JdkResponse(client.send(jdk(request), AbortableBody.handler()));
        }
        return new H1Response(sendH1(request));
    }

    private Http1Client.Response sendH1(Request request) throws IOException {
        AtomicReference<Http1Client.Response> current = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> deadline = schedule(() -> {
            Http1Client.Response x = current.getAndSet(null);
            if (x != null) {
                timedOut.set(true);
                x.abort();
            }
        }, request.timeout);
        try {
            Http1Client.Response r = h1.send(request.method, request.headers, request.body,
                    connectTimeout(request.timeout), current::set);
            if (current.getAndSet(null) == null) {
                r.abort(); // the deadline passed as the headers arrived
                throw new HttpTimeoutException("request timed out");
            }
            return r;
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new HttpTimeoutException("request timed out");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) throws IOException {
        try {
            return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("connector closed");
        }
    }

    /** Sends without a call context (notifications, answers, DELETE), bounded by the timeout; returns the status. */
    int sendSimple(Request request) throws IOException, InterruptedException {
        if (h1 == null) {
            return client.send(jdk(request), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        Http1Client.Response r = sendH1(request);
        ScheduledFuture<?> deadline;
        try {
            deadline = schedule(r::abort, request.timeout);
        } catch (IOException e) {
            r.abort();
            throw e;
        }
        try (InputStream body = r.body()) {
            body.transferTo(OutputStream.nullOutputStream());
            return r.statusCode();
        } finally {
            deadline.cancel(false);
        }
    }

    void close() {
        if (h1 != null) {
            h1.close();
        }
    }

    static String kind(Throwable t) {
        return t == null ? "unknown" : t.getClass().getSimpleName();
    }

    static boolean isSse(Response resp) {
        return resp.header("Content-Type").map(v -> v.toLowerCase().startsWith(Sse.MEDIA_TYPE)).orElse(false);
    }

    static boolean isJson(Response resp) {
        return resp.header("Content-Type").map(v -> v.toLowerCase().startsWith("application/json")).orElse(false);
    }

    /** Receives the messages of a stream other than the awaited response. */
    @FunctionalInterface
    interface Sink {
        void accept(JsonRpcMessage message);
    }

    /**
     * {@link Bodies#read} with the upstream's {@code Content-Length} header (an unparsable one counts as absent).
     */
    static byte[] readBody(InputStream body, Optional<String> contentLength, int max) throws IOException {
        OptionalLong declared = OptionalLong.empty();
        if (contentLength.isPresent()) {
            try {
                declared = OptionalLong.of(Long.parseLong(contentLength.get().trim()));
            } catch (NumberFormatException e) {
                declared = OptionalLong.empty();
            }
        }
        return Bodies.read(body, declared, max);
    }

    /** What a read left behind, for resumption. */
    static final class StreamState {
        Optional<String> lastEventId = Optional.empty();
        Optional<Duration> retry = Optional.empty();
    }

    /**
     * Reads a response body until the response to {@code id}.
     *
     * @return the response, or {@code null} if the stream ended before it
     */
    JsonRpcMessage readResponse(Response resp, JsonNode id, Inflight f, Sink sink, StreamState state) {
        try (InputStream body = resp.body()) {
            if (isSse(resp)) {
                return readSse(body, id, sink, state);
            }
            byte[] bytes = readBody(body, resp.header("content-length"), MAX_JSON_BODY);
            if (bytes.length > MAX_JSON_BODY) {
                throw new UpstreamException(name, "upstream '" + name + "': response body too large", null);
            }
            JsonRpcMessage m = decode(bytes);
            if (isResponseTo(m, id)) {
                return m;
            }
            throw new UpstreamException(name, "upstream '" + name + "': response does not answer the request", null);
        } catch (IOException e) {
            if (f.end() != Inflight.End.NONE) {
                throw f.failure(name, null);
            }
            throw new UpstreamException(name, "upstream '" + name + "': response stream broken (" + kind(e) + ")", e);
        }
    }

    JsonRpcMessage readSse(InputStream body, JsonNode id, Sink sink, StreamState state) throws IOException {
        SseReader reader = new SseReader(body);
        try {
            for (SseEvent ev = reader.next(); ev != null; ev = reader.next()) {
                state.lastEventId = reader.lastEventId();
                state.retry = reader.retry();
                if (ev.data().isEmpty() || !"message".equals(ev.event())) {
                    continue; // priming events carry no data; other event types are not MCP messages
                }
                JsonRpcMessage m = decode(ev.data().getBytes(StandardCharsets.UTF_8));
                if (id != null && isResponseTo(m, id)) {
                    return m;
                }
                sink.accept(m);
            }
            return null;
        } finally {
            state.lastEventId = reader.lastEventId();
            state.retry = reader.retry();
        }
    }

    JsonRpcMessage decode(byte[] bytes) {
        try {
            return JsonRpc.decode(bytes);
        } catch (JsonRpcException e) {
            throw new UpstreamException(name, "upstream '" + name + "': malformed JSON-RPC message", null);
        }
    }

    /** Reads an error body of a non-2xx response as a JSON-RPC error, if it is one. */
    Optional<JsonRpcMessage.Error> errorBody(Response resp) {
        try (InputStream body = resp.body()) {
            byte[] bytes = body.readNBytes(1024 * 1024);
            if (bytes.length == 0) {
                return Optional.empty();
            }
            JsonRpcMessage m = JsonRpc.decode(bytes);
            return m instanceof JsonRpcMessage.Error e ? Optional.of(e) : Optional.empty();
        } catch (IOException | JsonRpcException e) {
            return Optional.empty();
        }
    }

    static boolean isResponseTo(JsonRpcMessage m, JsonNode id) {
        return switch (m) {
            case JsonRpcMessage.Result r -> sameId(r.id(), id);
            case JsonRpcMessage.Error e -> sameId(e.id(), id) || e.id().isNull();
            default -> false;
        };
    }

    static boolean sameId(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.bigIntegerValue().equals(b.bigIntegerValue()) && a.isIntegralNumber() && b.isIntegralNumber();
        }
        return a.equals(b);
    }

    /** Header-safe form of a value: as is when plain visible ASCII, else the {@code =?base64?...?=} sentinel form. */
    static String headerValue(String v) {
        if (v.isEmpty()) {
            return v;
        }
        boolean plain = v.charAt(0) != ' ' && v.charAt(0) != '\t'
                && v.charAt(v.length() - 1) != ' ' && v.charAt(v.length() - 1) != '\t'
                && !(v.startsWith("=?base64?") && v.endsWith("?="));
        for (int i = 0; plain && i < v.length(); i++) {
            char c = v.charAt(i);
            plain = (c >= 0x20 && c <= 0x7E) || c == '\t';
        }
        return plain ? v : "=?base64?" + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
