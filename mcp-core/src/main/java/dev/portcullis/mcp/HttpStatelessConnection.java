package dev.portcullis.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A stateless-era (2026-07-28) upstream over Streamable HTTP: per-request {@code _meta} and
 * {@code MCP-Protocol-Version}/{@code Mcp-Method}/{@code Mcp-Name} headers, the multi-round-trip loop for
 * {@code input_required} results, cancellation by closing the response stream, and
 * {@code subscriptions/listen} for change notifications.
 */
final class HttpStatelessConnection extends BaseConnection {
    private static final Duration LISTEN_BACKOFF_MIN = Duration.ofMillis(500);
    private static final Duration LISTEN_BACKOFF_MAX = Duration.ofSeconds(30);

    private final HttpUpstream http;
    private volatile Thread listenLoop;
    private volatile InputStream listenBody;
    private volatile int listenGeneration;
    /** x-mcp-header parameters per tool, learnt from tools/list results that passed through. */
    private final Map<String, List<McpParamHeaders.Param>> paramHeaders = new ConcurrentHashMap<>();

    HttpStatelessConnection(UpstreamTarget.Http target, HttpUpstream http, ObjectNode clientInfo,
                            ObjectNode clientCapabilities, UpstreamListener listener, Watchdog watchdog,
            UpstreamConnectors.Options options) {
        super(target, clientInfo, clientCapabilities, listener, watchdog, options);
        this.http = http;
    }

    /** How an upstream answered a {@code server/discover} probe. */
    sealed interface Probe {
        /** A modern server supporting 2026-07-28; carries the discover result. */
        record Modern(JsonNode discover) implements Probe { }

        /** A legacy server, or a modern one offering only a session-era version; initialize with it. */
        record Legacy(ProtocolVersion version) implements Probe { }
    }

    /**
     * Probes with {@code server/discover} as the transport's backward-compatibility section says: a
     * result or a recognised modern error identifies a modern server; anything else a legacy one.
     */
    Probe probe() {
        ObjectNode params = F.objectNode();
        addStatelessMeta(params, internalExchange());
        Inflight f = new Inflight(internalExchange(), requestTimeout);
        watchdog.watch(f);
        try {
            JsonNode id = nextId();
            HttpUpstream.Response resp = http.send(request(id, "server/discover", params, f), f);
            int status = resp.statusCode();
            JsonRpcMessage m;
            if (status >= 300) {
                m = http.errorBody(resp).orElse(null);
            } else {
                try {
                    m = http.readResponse(resp, id, f, msg -> { }, new HttpUpstream.StreamState());
                } catch (UpstreamException e) {
                    if (f.end() != Inflight.End.NONE) {
                        throw e;
                    }
                    m = null; // not a JSON-RPC answer: a legacy or foreign server
                }
            }
            if (m instanceof JsonRpcMessage.Result r && r.result().has("supportedVersions")) {
                List<String> versions = supportedVersions(r.result().get("supportedVersions"));
                if (versions.contains(ProtocolVersion.V2026_07_28.text())) {
                    return new Probe.Modern(r.result());
                }
                return new Probe.Legacy(bestSessionVersion(versions));
            }
            if (m instanceof JsonRpcMessage.Error e) {
                switch (e.error().code()) {
                    case McpError.UNSUPPORTED_PROTOCOL_VERSION -> {
                        JsonNode supported = e.error().data() == null ? null : e.error().data().get("supported");
                        return new Probe.Legacy(bestSessionVersion(supported == null ? List.of() : supportedVersions(supported)));
                    }
                    case McpError.HEADER_MISMATCH, McpError.MISSING_REQUIRED_CLIENT_CAPABILITY ->
                            throw failure("discovery rejected (code " + e.error().code() + ")", null);
                    default -> {
                        // a legacy server answering an unknown pre-initialize request
                    }
                }
            }
            return new Probe.Legacy(ProtocolVersion.latestSession());
        } finally {
            f.stop(Inflight.End.CLOSED);
            watchdog.unwatch(f);
        }
    }

    private ProtocolVersion bestSessionVersion(List<String> versions) {
        return versions.stream().map(ProtocolVersion::parse).flatMap(Optional::stream)
                .filter(v -> v.era() == ProtocolVersion.Era.SESSION)
                .max(Enum::compareTo)
                .orElseThrow(() -> failure("no mutually supported protocol version", null));
    }

    HttpStatelessConnection connect(JsonNode discover) {
        applyDiscover(discover);
        log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': stateless protocol " + version.text());
        return this;
    }

    /** Connects when the era is configured as stateless: discover must succeed. */
    HttpStatelessConnection connect() {
        Probe p = probe();
        if (p instanceof Probe.Modern m) {
            return connect(m.discover());
        }
        throw failure("does not support protocol " + ProtocolVersion.V2026_07_28.text(), null);
    }

    private HttpUpstream.Request request(JsonNode id, String method, ObjectNode params, Inflight f) {
        HttpUpstream.Request b = http.post(JsonRpc.encodeBytes(new JsonRpcMessage.Request(id, method, params)), f.remaining())
                .header(Meta.H_VERSION, ProtocolVersion.V2026_07_28.text())
                .header(Meta.H_METHOD, method);
        String target = switch (method) {
            case "tools/call", "prompts/get" -> params.path("name").asText(null);
            case "resources/read" -> params.path("uri").asText(null);
            default -> null;
        };
        if (target != null) {
            b.header(Meta.H_NAME, HttpUpstream.headerValue(target));
        }
        b.trace(f.exchange.traceContext());
        if ("tools/call".equals(method) && target != null) {
            JsonNode args = params.path("arguments");
            for (McpParamHeaders.Param p : paramHeaders.getOrDefault(target, List.of())) {
                String v = McpParamHeaders.value(args, p);
                if (v != null) {
                    b.header("Mcp-Param-" + p.header(), v);
                }
            }
        }
        return b.build();
    }

    @Override
    public JsonNode request(String method, ObjectNode params, Exchange exchange) throws McpError {
        return call(method, params, exchange, f -> {
            ObjectNode base = JsonRpc.copyOuter(params);
            mapProgressToken(base, f);
            addStatelessMeta(base, exchange);
            addTraceMeta(base, exchange);
            JsonNode result;
            try {
                result = multiRoundTrip(base, f, p -> post(method, p, f));
            } catch (McpError e) {
                if (e.code() != McpError.HEADER_MISMATCH || !"tools/call".equals(method)) {
                    throw e;
                }
                // the tool's x-mcp-header annotations may have changed: re-learn them and retry once
                refreshToolHeaders();
                result = multiRoundTrip(base, f, p -> post(method, p, f));
            }
            return "tools/list".equals(method) ? learnToolHeaders(result) : result;
        });
    }

    /**
     * Learns the x-mcp-header parameters of the listed tools and leaves out tools whose annotations are
     * invalid, as the transport requires.
     */
    private JsonNode learnToolHeaders(JsonNode result) {
        if (!(result instanceof ObjectNode r) || !(r.get("tools") instanceof com.fasterxml.jackson.databind.node.ArrayNode tools)) {
            return result;
        }
        ObjectNode out = r.deepCopy();
        var kept = out.putArray("tools");
        for (JsonNode tool : tools) {
            String toolName = tool.path("name").asText("");
            McpParamHeaders.Analysis a = McpParamHeaders.analyze(tool.get("inputSchema"));
            if (a.valid()) {
                if (a.params().isEmpty()) {
                    paramHeaders.remove(toolName); // most tools have none: keep only those that have some
                } else {
                    paramHeaders.put(toolName, a.params());
                }
                kept.add(tool);
            } else {
                paramHeaders.remove(toolName);
                log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': tool '" + toolName
                        + "' left out of tools/list: " + a.invalidReason());
            }
        }
        return out;
    }

    private void refreshToolHeaders() throws McpError {
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            ObjectNode p = F.objectNode();
            if (cursor != null) {
                p.put("cursor", cursor);
            }
            JsonNode r = request("tools/list", p, internalExchange());
            cursor = r.path("nextCursor").asText(null);
            if (cursor == null) {
                return;
            }
        }
    }

    private JsonNode post(String method, ObjectNode params, Inflight f) throws McpError {
        JsonNode id = nextId();
        f.upstreamId = id;
        HttpUpstream.Response resp = http.send(request(id, method, params, f), f);
        int status = resp.statusCode();
        if (status >= 300) {
            Optional<JsonRpcMessage.Error> err = http.errorBody(resp);
            if (err.isPresent()) {
                throw translate(err.get().error());
            }
            throw failure("HTTP " + status, null);
        }
        JsonRpcMessage m = http.readResponse(resp, id, f, msg -> onStreamMessage(msg, f), new HttpUpstream.StreamState());
        if (m == null) {
            if (f.end() != Inflight.End.NONE) {
                throw f.failure(name, null);
            }
            throw failure("response stream ended before the response", null);
        }
        if (m instanceof JsonRpcMessage.Error e) {
            throw translate(e.error());
        }
        return ((JsonRpcMessage.Result) m).result();
    }

    private McpError translate(McpError e) {
        if (e.code() == McpError.UNSUPPORTED_PROTOCOL_VERSION) {
            throw failure("unsupported protocol version", null);
        }
        return e;
    }

    private void onStreamMessage(JsonRpcMessage msg, Inflight f) {
        if (msg instanceof JsonRpcMessage.Notification n) {
            if (!"notifications/progress".equals(n.method()) || !dispatchProgress(n.params())) {
                if (!"notifications/progress".equals(n.method())) {
                    notifyQuietly(f.exchange, n.method(), n.params());
                }
            }
        } else {
            log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': ignored a non-notification on a response stream");
        }
    }

    @Override
    public void notify(String method, ObjectNode params) {
        // the stateless era defines no client notifications over HTTP; cancellation closes the stream
        log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': notification " + method + " not sent (stateless HTTP)");
    }

    @Override
    synchronized void startListening() {
        if (closed) {
            return;
        }
        int gen = ++listenGeneration;
        HttpSessionConnection.closeQuietly(listenBody);
        listenLoop = Thread.ofVirtual().name("upstream-listen-" + name).start(() -> runListen(gen));
    }

    private void runListen(int gen) {
        Duration backoff = LISTEN_BACKOFF_MIN;
        while (!closed && gen == listenGeneration) {
            try {
                ObjectNode params = F.objectNode();
                addStatelessMeta(params, internalExchange());
                params.set("notifications", subscriptionFilter());
                JsonNode id = nextId();
                HttpUpstream.Request req = http.post(JsonRpc.encodeBytes(new JsonRpcMessage.Request(id, "subscriptions/listen", params)),
                                http.connectTimeout.plus(requestTimeout))
                        .header(Meta.H_VERSION, ProtocolVersion.V2026_07_28.text())
                        .header(Meta.H_METHOD, "subscriptions/listen").build();
                HttpUpstream.Response resp = http.open(req);
                listenBody = resp.body();
                if (gen != listenGeneration) {
                    HttpSessionConnection.closeQuietly(resp.body());
                    return;
                }
                if (resp.statusCode() == 200) {
                    try (InputStream body = resp.body()) {
                        if (HttpUpstream.isSse(resp)) {
                            backoff = LISTEN_BACKOFF_MIN;
                            JsonRpcMessage end = http.readSse(body, id, this::onListenMessage, new HttpUpstream.StreamState());
                            if (end instanceof JsonRpcMessage.Error e) {
                                log.log(System.Logger.Level.WARNING, () -> "upstream '" + name
                                        + "': subscriptions/listen rejected (code " + e.error().code() + ")");
                                backoff = LISTEN_BACKOFF_MAX;
                            }
                        } else {
                            http.readResponse(resp, id, new Inflight(internalExchange(), requestTimeout), m -> { },
                                    new HttpUpstream.StreamState());
                            backoff = LISTEN_BACKOFF_MAX;
                        }
                    }
                } else {
                    HttpSessionConnection.closeQuietly(resp.body());
                    log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': subscriptions/listen failed (HTTP "
                            + resp.statusCode() + ")");
                    backoff = LISTEN_BACKOFF_MAX;
                }
            } catch (IOException | RuntimeException e) {
                if (closed || gen != listenGeneration) {
                    return;
                }
                log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': listen stream broken (" + HttpUpstream.kind(e) + ")");
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(LISTEN_BACKOFF_MAX) > 0 ? LISTEN_BACKOFF_MAX : backoff.multipliedBy(2);
        }
    }

    private void onListenMessage(JsonRpcMessage msg) {
        if (msg instanceof JsonRpcMessage.Notification n) {
            deliverUnsolicited(n.method(), n.params());
        }
    }

    @Override
    void healthCheck() throws McpError {
        request("server/discover", null, internalExchange());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll();
        listenGeneration++;
        Thread t = listenLoop;
        if (t != null) {
            t.interrupt();
        }
        HttpSessionConnection.closeQuietly(listenBody);
        http.close();
        log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': closed");
    }
}
