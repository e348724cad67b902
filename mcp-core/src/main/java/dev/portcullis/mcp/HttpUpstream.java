package dev.portcullis.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The HTTP side of one Streamable HTTP upstream: builds POST/GET/DELETE requests with the static headers,
 * sends them abortably, and reads JSON or SSE response bodies until the response to a given id.
 */
final class HttpUpstream {
    static final String ACCEPT_BOTH = "application/json, text/event-stream";
    static final int MAX_JSON_BODY = 32 * 1024 * 1024;

    final String name;
    final HttpClient client;
    final URI url;
    final Map<String, String> headers;
    final Duration connectTimeout;

    HttpUpstream(UpstreamTarget.Http target, HttpClient client) {
        this.name = target.name();
        this.client = client;
        this.url = target.url();
        this.headers = target.headers();
        this.connectTimeout = target.connectTimeout();
        try {
            HttpRequest.Builder probe = HttpRequest.newBuilder(url);
            headers.forEach(probe::header);
        } catch (IllegalArgumentException e) {
            // the JDK rejects restricted or malformed header names; do not echo values
            throw new UpstreamException(name, "upstream '" + name + "': invalid static header name or URL", null);
        }
    }

    HttpRequest.Builder builder(Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout);
        if ("http".equalsIgnoreCase(url.getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance on cleartext
        }
        headers.forEach(b::header);
        return b;
    }

    HttpRequest.Builder post(byte[] body, Duration timeout) {
        return builder(timeout)
                .header("Accept", ACCEPT_BOTH)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Sends abortably: stopping the call cancels the exchange or closes the body stream. */
    HttpResponse<InputStream> send(HttpRequest request, Inflight f) {
        CompletableFuture<HttpResponse<InputStream>> fut = client.sendAsync(request, AbortableBody.handler());
        f.onAbort(() -> fut.cancel(true));
        try {
            HttpResponse<InputStream> resp = fut.get();
            f.onAbort(resp.body());
            return resp;
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

    /** Sends without a call context (notifications, answers, DELETE), bounded by the timeout. */
    HttpResponse<byte[]> sendSimple(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static String kind(Throwable t) {
        return t == null ? "unknown" : t.getClass().getSimpleName();
    }

    static boolean isSse(HttpResponse<?> resp) {
        return resp.headers().firstValue("Content-Type").map(v -> v.toLowerCase().startsWith(Sse.MEDIA_TYPE)).orElse(false);
    }

    static boolean isJson(HttpResponse<?> resp) {
        return resp.headers().firstValue("Content-Type").map(v -> v.toLowerCase().startsWith("application/json")).orElse(false);
    }

    /** Receives the messages of a stream other than the awaited response. */
    @FunctionalInterface
    interface Sink {
        void accept(JsonRpcMessage message);
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
    JsonRpcMessage readResponse(HttpResponse<InputStream> resp, JsonNode id, Inflight f, Sink sink, StreamState state) {
        try (InputStream body = resp.body()) {
            if (isSse(resp)) {
                return readSse(body, id, sink, state);
            }
            byte[] bytes = body.readNBytes(MAX_JSON_BODY + 1);
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
    Optional<JsonRpcMessage.Error> errorBody(HttpResponse<InputStream> resp) {
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
