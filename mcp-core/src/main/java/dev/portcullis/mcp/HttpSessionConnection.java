package dev.portcullis.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A session-era (2025-06-18 / 2025-11-25) upstream over Streamable HTTP: initialize handshake,
 * {@code Mcp-Session-Id}, server-initiated requests on POST streams and the GET stream, resumption with
 * {@code Last-Event-ID}, one re-initialize after a 404, {@code notifications/cancelled}, DELETE on close.
 */
final class HttpSessionConnection extends BaseConnection {
    private static final int MAX_RESUMES = 5;
    private static final Duration GET_BACKOFF_MIN = Duration.ofMillis(500);
    private static final Duration GET_BACKOFF_MAX = Duration.ofSeconds(30);

    private final HttpUpstream http;
    private final ProtocolVersion preferred;
    private final Object initLock = new Object();
    private volatile String sessionId;
    private volatile int generation;
    private volatile Thread getLoop;
    private volatile InputStream getBody;
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

    HttpSessionConnection(UpstreamTarget.Http target, HttpUpstream http, ProtocolVersion preferred, ObjectNode clientInfo,
                          ObjectNode clientCapabilities, UpstreamListener listener, Watchdog watchdog,
            UpstreamConnectors.Options options) {
        super(target, clientInfo, clientCapabilities, listener, watchdog, options);
        this.http = http;
        this.preferred = preferred;
    }

    /** Performs the handshake; fails with an {@link UpstreamException} naming the upstream. */
    HttpSessionConnection connect() {
        initialize();
        ObjectNode caps = serverCapabilities;
        if (caps.path("resources").path("subscribe").asBoolean(false)
                || caps.path("tools").path("listChanged").asBoolean(false)
                || caps.path("prompts").path("listChanged").asBoolean(false)
                || caps.path("resources").path("listChanged").asBoolean(false)) {
            startGetLoop();
            // notifications sent before the GET stream is open are lost (servers need not buffer them):
            // give the stream a moment to be established before the connection is handed out
            try {
                getReady.await(Math.min(2000, http.connectTimeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return this;
    }

    private void initialize() {
        ObjectNode params = F.objectNode();
        params.put("protocolVersion", preferred.text());
        params.set("capabilities", clientCapabilities);
        params.set("clientInfo", clientInfo);
        Inflight f = new Inflight(internalExchange(), requestTimeout);
        watchdog.watch(f);
        try {
            JsonNode id = nextId();
            HttpUpstream.Request req = http.post(JsonRpc.encodeBytes(new JsonRpcMessage.Request(id, "initialize", params)),
                    f.remaining()).build();
            HttpUpstream.Response resp = http.send(req, f);
            if (resp.statusCode() != 200) {
                Optional<JsonRpcMessage.Error> err = http.errorBody(resp);
                throw failure(err.map(e -> "initialize rejected (code " + e.error().code() + ")")
                        .orElse("initialize failed (HTTP " + resp.statusCode() + ")"), null);
            }
            String sid = resp.header(Meta.H_SESSION).orElse(null);
            JsonRpcMessage m = http.readResponse(resp, id, f, msg -> { }, new HttpUpstream.StreamState());
            if (m == null) {
                throw failure("initialize stream ended without a response", null);
            }
            if (m instanceof JsonRpcMessage.Error e) {
                throw failure("initialize rejected (code " + e.error().code() + ")", null);
            }
            JsonNode result = ((JsonRpcMessage.Result) m).result();
            String v = result.path("protocolVersion").asText("");
            ProtocolVersion negotiated = ProtocolVersion.parse(v)
                    .filter(p -> p.era() == ProtocolVersion.Era.SESSION)
                    .orElseThrow(() -> failure("unsupported protocol version", null));
            version = negotiated;
            serverCapabilities = result.get("capabilities") instanceof ObjectNode c ? c : F.objectNode();
            serverInfo = result.get("serverInfo") instanceof ObjectNode i ? i : F.objectNode();
            instructions = result.path("instructions").asText("");
            sessionId = sid;
            generation++;
            postNotification("notifications/initialized", null);
            log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': session established, protocol " + negotiated.text());
        } finally {
            f.stop(Inflight.End.CLOSED);
            watchdog.unwatch(f);
        }
    }

    private void reinitialize(int seenGeneration) {
        synchronized (initLock) {
            if (generation == seenGeneration && !closed) {
                log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': session expired, re-initializing");
                subscribed.clear();
                initialize();
                if (!resourceUris.isEmpty()) {
                    Thread.ofVirtual().name("upstream-resubscribe-" + name).start(this::subscribeResources);
                }
            }
        }
    }

    private HttpUpstream.Request withSession(HttpUpstream.Request b) {
        String sid = sessionId;
        if (sid != null) {
            b.header(Meta.H_SESSION, sid);
        }
        ProtocolVersion v = version;
        if (v != null) {
            b.header(Meta.H_VERSION, v.text());
        }
        return b;
    }

    @Override
    public JsonNode request(String method, ObjectNode params, Exchange exchange) throws McpError {
        return call(method, params, exchange, f -> {
            ObjectNode p = ownParams(params, exchange);
            if (p != null) {
                mapProgressToken(p, f);
                addTraceMeta(p, exchange);
            }
            f.onAbort(() -> sendCancelled(f));
            return send(method, p, f, true);
        });
    }

    private JsonNode send(String method, ObjectNode params, Inflight f, boolean mayReinit) throws McpError {
        JsonNode id = nextId();
        int gen = generation;
        String sid = sessionId;
        HttpUpstream.Request req = withSession(http.post(JsonRpc.encodeBytes(new JsonRpcMessage.Request(id, method, params)),
                f.remaining())).trace(f.exchange.traceContext()).build();
        f.upstreamId = id;
        HttpUpstream.Response resp = http.send(req, f);
        int status = resp.statusCode();
        if (status >= 300) {
            Optional<JsonRpcMessage.Error> err = http.errorBody(resp);
            if (sid != null && sessionGone(status, err)) {
                if (!mayReinit) {
                    throw failure("session expired", null);
                }
                reinitialize(gen);
                return send(method, params, f, false);
            }
            if (err.isPresent()) {
                throw err.get().error();
            }
            throw failure("HTTP " + status, null);
        }
        if (status == 202) {
            closeQuietly(resp.body());
            throw failure("accepted a request without answering it", null);
        }
        HttpUpstream.StreamState st = new HttpUpstream.StreamState();
        JsonRpcMessage m = http.readResponse(resp, id, f, msg -> onStreamMessage(msg, f), st);
        int resumes = 0;
        while (m == null) {
            if (f.end() != Inflight.End.NONE) {
                throw f.failure(name, null);
            }
            if (st.lastEventId.isEmpty() || resumes++ >= MAX_RESUMES) {
                throw failure("response stream ended before the response", null);
            }
            sleep(st.retry.orElse(Duration.ZERO), f);
            m = resume(id, f, st);
        }
        if (m instanceof JsonRpcMessage.Error e) {
            throw e.error();
        }
        return ((JsonRpcMessage.Result) m).result();
    }

    /**
     * The spec answers an unknown session with 404. Many servers built on the 2025 TypeScript SDK answer
     * 400 with {@code -32000 "Bad Request: No valid session ID provided"} instead; both mean the session is gone.
     */
    static boolean sessionGone(int status, Optional<JsonRpcMessage.Error> err) {
        if (status == 404) {
            return true;
        }
        return status == 400 && err.isPresent() && err.get().error().code() == -32000
                && String.valueOf(err.get().error().getMessage()).toLowerCase(java.util.Locale.ROOT).contains("session");
    }

    /** Resumes a POST stream that ended early with GET + Last-Event-ID. */
    private JsonRpcMessage resume(JsonNode id, Inflight f, HttpUpstream.StreamState st) {
        HttpUpstream.Request req = withSession(http.builder(f.remaining()).header("Accept", Sse.MEDIA_TYPE)
                .header(Meta.H_LAST_EVENT_ID, st.lastEventId.orElseThrow()).GET()).build();
        HttpUpstream.Response resp = http.send(req, f);
        if (resp.statusCode() != 200 || !HttpUpstream.isSse(resp)) {
            closeQuietly(resp.body());
            throw failure("could not resume the response stream (HTTP " + resp.statusCode() + ")", null);
        }
        return http.readResponse(resp, id, f, msg -> onStreamMessage(msg, f), st);
    }

    private void sleep(Duration d, Inflight f) {
        long ms = Math.min(d.toMillis(), f.remaining().toMillis());
        if (ms <= 0) {
            return;
        }
        try {
            f.stopped.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // slept the full delay
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // not completed exceptionally
        }
    }

    /** A message on a request's stream that is not its response. */
    private void onStreamMessage(JsonRpcMessage msg, Inflight f) {
        switch (msg) {
            case JsonRpcMessage.Notification n -> {
                if ("notifications/progress".equals(n.method())) {
                    if (!dispatchProgress(n.params())) {
                        log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': progress for an unknown token");
                    }
                } else if (n.method().endsWith("/list_changed") || "notifications/resources/updated".equals(n.method())) {
                    deliverUnsolicited(n.method(), n.params());
                } else {
                    notifyQuietly(f.exchange, n.method(), n.params());
                }
            }
            case JsonRpcMessage.Request r -> Thread.ofVirtual().name("upstream-answer-" + name)
                    .start(() -> postMessage(answer(r, f.exchange)));
            default -> log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': ignored a stray response");
        }
    }

    /** A message on the GET stream: unsolicited. */
    private void onGetMessage(JsonRpcMessage msg) {
        switch (msg) {
            case JsonRpcMessage.Notification n -> {
                if (!"notifications/progress".equals(n.method()) || !dispatchProgress(n.params())) {
                    deliverUnsolicited(n.method(), n.params());
                }
            }
            case JsonRpcMessage.Request r -> Thread.ofVirtual().name("upstream-answer-" + name)
                    .start(() -> postMessage(answer(r, null)));
            default -> log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': ignored a stray response");
        }
    }

    private void sendCancelled(Inflight f) {
        Inflight.End end = f.end();
        JsonNode id = f.upstreamId;
        if ((end == Inflight.End.CANCELLED || end == Inflight.End.TIMED_OUT) && id != null && !closed) {
            ObjectNode p = F.objectNode();
            p.set("requestId", id);
            p.put("reason", end == Inflight.End.CANCELLED ? "cancelled by the client" : "timed out");
            Thread.ofVirtual().name("upstream-cancel-" + name).start(() -> postNotification("notifications/cancelled", p));
        }
    }

    private void postNotification(String method, ObjectNode params) {
        postMessage(new JsonRpcMessage.Notification(method, params));
    }

    /** POSTs a notification or an answer to a server request; expects 202. Failures are logged, not thrown. */
    private void postMessage(JsonRpcMessage message) {
        HttpUpstream.Request req = withSession(http.post(JsonRpc.encodeBytes(message), requestTimeout)).build();
        try {
            int status = http.sendSimple(req);
            if (status >= 300) {
                log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': message not accepted (HTTP "
                        + status + ")");
            }
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': sending a message failed ("
                    + HttpUpstream.kind(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void notify(String method, ObjectNode params) {
        postNotification(method, params);
    }

    @Override
    void startListening() {
        startGetLoop();
        subscribeResources();
    }

    private void subscribeResources() {
        for (String uri : resourceUris) {
            if (subscribed.add(uri)) {
                ObjectNode p = F.objectNode().put("uri", uri);
                try {
                    request("resources/subscribe", p, internalExchange());
                } catch (McpError | UpstreamException e) {
                    subscribed.remove(uri);
                    log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': resources/subscribe failed");
                }
            }
        }
    }

    private final java.util.concurrent.CountDownLatch getReady = new java.util.concurrent.CountDownLatch(1);

    private synchronized void startGetLoop() {
        if (getLoop == null && !closed) {
            getLoop = Thread.ofVirtual().name("upstream-get-" + name).start(this::runGetLoop);
        }
    }

    private void runGetLoop() {
        Duration backoff = GET_BACKOFF_MIN;
        HttpUpstream.StreamState st = new HttpUpstream.StreamState();
        while (!closed) {
            Duration wait = backoff;
            try {
                HttpUpstream.Request b = http.builder(http.connectTimeout.plus(requestTimeout))
                        .header("Accept", Sse.MEDIA_TYPE).GET();
                st.lastEventId.ifPresent(id -> b.header(Meta.H_LAST_EVENT_ID, id));
                int gen = generation;
                HttpUpstream.Response resp = http.open(withSession(b).build());
                getBody = resp.body();
                int status = resp.statusCode();
                if (status == 405) {
                    getReady.countDown();
                    closeQuietly(resp.body());
                    log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': no GET stream offered");
                    return;
                }
                if (status >= 400 && status != 405 && sessionId != null
                        && sessionGone(status, status == 404 ? Optional.empty() : http.errorBody(resp))) {
                    closeQuietly(resp.body());
                    reinitialize(gen);
                    st = new HttpUpstream.StreamState();
                    continue;
                }
                if (status != 200 || !HttpUpstream.isSse(resp)) {
                    closeQuietly(resp.body());
                    backoff = min(backoff.multipliedBy(2), GET_BACKOFF_MAX);
                } else {
                    backoff = GET_BACKOFF_MIN;
                    getReady.countDown();
                    try (InputStream body = resp.body()) {
                        http.readSse(body, null, this::onGetMessage, st);
                    }
                    wait = st.retry.orElse(GET_BACKOFF_MIN);
                }
            } catch (IOException | UpstreamException e) {
                if (closed) {
                    return;
                }
                log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': GET stream broken (" + HttpUpstream.kind(e) + ")");
                backoff = min(backoff.multipliedBy(2), GET_BACKOFF_MAX);
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    void healthCheck() throws McpError {
        request("ping", null, internalExchange());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll();
        Thread loop = getLoop;
        if (loop != null) {
            loop.interrupt();
            closeQuietly(getBody);
        }
        String sid = sessionId;
        if (sid != null) {
            try {
                HttpUpstream.Request req = http.builder(Duration.ofSeconds(5)).header(Meta.H_SESSION, sid)
                        .header(Meta.H_VERSION, version.text()).DELETE().build();
                http.sendSimple(req);
            } catch (IOException e) {
                log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': DELETE failed (" + HttpUpstream.kind(e) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        http.close();
        log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': session closed");
    }

    /** @return the current session id (tests) */
    String sessionId() {
        return sessionId;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
