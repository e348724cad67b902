package dev.portcullis.server.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.portcullis.mcp.Bodies;
import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.JsonRpcException;
import dev.portcullis.mcp.JsonRpcMessage;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.Meta;
import dev.portcullis.mcp.ProtocolVersion;
import dev.portcullis.mcp.UpstreamConnection;
import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.server.Gateway;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The MCP endpoint: {@code /mcp} (every upstream, names prefixed) and {@code /mcp/{upstream}} (one
 * upstream, names as the upstream gives them), serving clients of both protocol eras on the same URL.
 *
 * <p>Era per request: a request carrying {@code io.modelcontextprotocol/protocolVersion} in its
 * {@code _meta} (or {@code MCP-Protocol-Version: 2026-07-28}) is a stateless request; {@code initialize}
 * and requests with {@code Mcp-Session-Id} are session-era. Each upstream is spoken to in its own era by
 * the upstream connection; this class bridges: server-initiated requests from any upstream reach a
 * session-era client as JSON-RPC requests on its SSE stream, and a stateless client as
 * {@code input_required} rounds whose {@code requestState} is HMAC-protected.
 */
public final class McpEndpoint implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(McpEndpoint.class.getName());

    static final HeaderName SESSION_ID = HeaderNames.create(Meta.H_SESSION);
    static final HeaderName PROTOCOL_VERSION = HeaderNames.create(Meta.H_VERSION);
    static final HeaderName MCP_METHOD = HeaderNames.create(Meta.H_METHOD);
    static final HeaderName MCP_NAME = HeaderNames.create(Meta.H_NAME);
    static final HeaderName LAST_EVENT_ID = HeaderNames.create(Meta.H_LAST_EVENT_ID);
    private static final HeaderName ACCEL_BUFFERING = HeaderNames.create("X-Accel-Buffering");

    static final String META_VERSION = Meta.PROTOCOL_VERSION;
    static final String META_CAPABILITIES = Meta.CLIENT_CAPABILITIES;
    static final String META_CLIENT_INFO = Meta.CLIENT_INFO;
    static final String META_LOG_LEVEL = Meta.LOG_LEVEL;
    static final String META_SERVER_INFO = Meta.SERVER_INFO;
    static final String META_SUBSCRIPTION = Meta.SUBSCRIPTION_ID;

    private static final Set<String> INPUT_METHODS = Set.of("tools/call", "prompts/get", "resources/read");
    private static final Set<String> LIST_METHODS = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list");
    private static final Duration POLL = Duration.ofSeconds(15);
    /**
     * A session-era upstream's requests for input that follow one another this closely make one
     * {@code input_required} round for a stateless client (it sends what it has at once, one request at a time).
     */
    static final Duration ASK_GATHER = Duration.ofMillis(50);
    /** Revisions whose clients use sessions; a session accepts any of them in the version header. */
    private static final Set<String> SESSION_ERA_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    private final McpSettings settings;
    private final UpstreamDirectory directory;
    private final UpstreamConnector connector;
    private final Catalog catalog;
    private final OriginGuard guard;
    private final RequestStates states;
    private final Function<ServerRequest, String> principals;
    private final ObjectNode serverInfo;
    private volatile Tracer tracer = OpenTelemetry.noop().getTracer("portcullis.mcp");
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, ConnectionSet> statelessSets = new ConcurrentHashMap<>();
    /** When each stateless principal last made a request: idle principals' upstream connections are closed. */
    private final Map<String, Long> statelessLastUse = new ConcurrentHashMap<>();
    private final Map<String, Continuation> continuations = new ConcurrentHashMap<>();
    private final Map<String, List<Listen>> listens = new ConcurrentHashMap<>();
    private final AtomicLong continuationIds = new AtomicLong();
    private final Thread reaper;
    private volatile boolean closed;
    private volatile McpPolicy policy = McpPolicy.OPEN;

    /**
     * @param settings   endpoint settings
     * @param directory  registered upstreams
     * @param connector  opens upstream connections
     * @param bindHost   the address the gateway listens on (for the default allowed hosts)
     * @param principals who is asking: a stable key of the authenticated caller
     * @param version    the gateway version, reported as server info
     */
    McpEndpoint(McpSettings settings, UpstreamDirectory directory, UpstreamConnector connector, String bindHost,
                Function<ServerRequest, String> principals, String version) {
        this.settings = settings;
        this.directory = directory;
        this.connector = connector;
        this.catalog = new Catalog(directory);
        this.guard = OriginGuard.create(settings, bindHost);
        this.states = new RequestStates(settings.stateKey(), Clock.systemUTC());
        this.principals = principals;
        this.serverInfo = JsonRpc.mapper().createObjectNode().put("name", "portcullis").put("version", version)
                .put("title", "Portcullis MCP gateway");
        this.reaper = Thread.ofVirtual().name("mcp-session-reaper").start(this::reap);
    }

    /**
     * Creates the endpoint.
     *
     * @param settings   endpoint settings
     * @param upstreams  configured upstreams
     * @param connector  upstream connector
     * @param bindHost   listener address
     * @param principals caller key per request
     * @param version    gateway version
     * @return the endpoint
     */
    public static McpEndpoint create(McpSettings settings, List<UpstreamSpec> upstreams, UpstreamConnector connector,
                                     String bindHost, Function<ServerRequest, String> principals, String version) {
        return new McpEndpoint(settings, UpstreamDirectory.of(upstreams), connector, bindHost, principals, version);
    }

    /**
     * Creates the endpoint over a directory of upstreams (the registry, with tool pinning).
     *
     * @param settings   endpoint settings
     * @param directory  registered upstreams and their pinning
     * @param connector  upstream connector
     * @param bindHost   listener address
     * @param principals caller key per request
     * @param version    gateway version
     * @return the endpoint
     */
    public static McpEndpoint create(McpSettings settings, UpstreamDirectory directory, UpstreamConnector connector,
                                     String bindHost, Function<ServerRequest, String> principals, String version) {
        return new McpEndpoint(settings, directory, connector, bindHost, principals, version);
    }

    /**
     * Tells the endpoint that what an upstream offers changed in the directory (registered, removed,
     * enabled, disabled, a tool quarantined or approved): cached listings are dropped in every session and
     * stateless context, connections to an upstream that left the directory are closed, and clients
     * learn of it through {@code notifications/tools/list_changed} (session clients on their GET stream,
     * stateless clients on {@code subscriptions/listen} streams that asked for tool changes).
     *
     * @param upstream the upstream's name
     */
    public void catalogChanged(String upstream) {
        boolean gone = directory.find(upstream).isEmpty();
        for (Session session : sessions.values()) {
            session.connections.invalidate(upstream, gone);
            new SessionDownstream(session).notification(upstream, "notifications/tools/list_changed", null);
        }
        statelessSets.values().forEach(set -> set.invalidate(upstream, gone));
        listens.keySet().forEach(principal -> new StatelessDownstream(principal)
                .notification(upstream, "notifications/tools/list_changed", null));
    }

    /**
     * Sets the tracer for the MCP spans of relayed requests ({@link CallTrace}).
     *
     * @param tracer the gateway's tracer
     */
    public void tracer(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Installs the authorisation stage: from now on lists show, and invocations reach, only what the
     * policy allows the caller.
     *
     * @param policy the policy hook
     */
    public void policy(McpPolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    /**
     * Tells every connected client that its lists may have changed because the policy changed
     * ({@code notifications/tools|prompts|resources/list_changed}); cached upstream listings stay valid.
     */
    public void policyChanged() {
        for (String method : List.of("notifications/tools/list_changed", "notifications/prompts/list_changed",
                "notifications/resources/list_changed")) {
            for (Session session : sessions.values()) {
                new SessionDownstream(session).notification("*", method, null);
            }
            listens.keySet().forEach(principal -> new StatelessDownstream(principal).notification("*", method, null));
        }
    }

    /**
     * Registers {@code /mcp} and {@code /mcp/{upstream}}.
     *
     * @param routes the gateway's routes
     */
    public void register(Gateway.Routes routes) {
        routes.routing()
                .post("/mcp", (req, res) -> post(req, res, Catalog.Scope.ALL))
                .get("/mcp", (req, res) -> get(req, res))
                .delete("/mcp", (req, res) -> delete(req, res))
                .post("/mcp/{upstream}", (req, res) -> post(req, res, scope(req)))
                .get("/mcp/{upstream}", (req, res) -> get(req, res))
                .delete("/mcp/{upstream}", (req, res) -> delete(req, res));
        routes.table().declare("/mcp", List.of("POST", "GET", "DELETE"));
        routes.table().declare("/mcp/*", List.of("POST", "GET", "DELETE"));
    }

    private static Catalog.Scope scope(ServerRequest req) {
        return new Catalog.Scope(Optional.of(req.path().pathParameters().get("upstream")));
    }

    // ---------------------------------------------------------------------------------------------- POST

    private void post(ServerRequest req, ServerResponse res, Catalog.Scope scope) {
        if (!guarded(req, res)) {
            return;
        }
        if (!scope.aggregated() && directory.find(scope.single().get()).isEmpty()) {
            // an unregistered upstream is indistinguishable from a missing endpoint: no shadow MCP
            sendError(res, Status.NOT_FOUND_404, null, McpErrors.error(McpError.INVALID_REQUEST,
                    "No such MCP endpoint.", "upstream-not-found"));
            return;
        }
        String contentType = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
        if (!contentType.equalsIgnoreCase("application/json")) {
            sendError(res, Status.UNSUPPORTED_MEDIA_TYPE_415, null, McpErrors.error(McpError.INVALID_REQUEST,
                    "Content-Type must be application/json.", "unsupported-media-type"));
            return;
        }
        JsonRpcMessage message;
        try (InputStream in = req.content().inputStream()) {
            // the server has already bounded the body by its payload limit
            message = JsonRpc.decode(Bodies.read(in, req.headers().contentLength(), Integer.MAX_VALUE));
        } catch (JsonRpcException e) {
            sendError(res, Status.BAD_REQUEST_400, e.id(), new McpError(e.code(), e.getMessage()));
            return;
        } catch (IOException e) {
            sendError(res, Status.BAD_REQUEST_400, null, new McpError(McpError.INVALID_REQUEST, "The body could not be read."));
            return;
        }
        String principal = principals.apply(req);
        Optional<String> sessionId = req.headers().first(SESSION_ID);
        boolean stateless = statelessRequest(req, message);
        if (stateless) {
            postStateless(req, res, scope, principal, message);
            return;
        }
        if (message instanceof JsonRpcMessage.Request r && r.method().equals("initialize")) {
            if (sessionId.isPresent()) {
                sendError(res, Status.BAD_REQUEST_400, r.id(), McpErrors.error(McpError.INVALID_REQUEST,
                        "initialize must not carry an Mcp-Session-Id.", "invalid-request"));
                return;
            }
            initialize(req, res, principal, r);
            return;
        }
        if (sessionId.isEmpty()) {
            sendError(res, Status.BAD_REQUEST_400, idOf(message), McpErrors.error(McpError.INVALID_REQUEST,
                    "Bad Request: no Mcp-Session-Id; send initialize first, or use protocol version 2026-07-28 with "
                            + "per-request _meta.", "session-required"));
            return;
        }
        Session session = sessions.get(sessionId.get());
        if (session == null || !session.principal.equals(principal)) {
            sendError(res, Status.NOT_FOUND_404, idOf(message), McpErrors.error(McpErrors.SESSION_NOT_FOUND,
                    "Session not found or expired; initialize a new session.", "session-not-found"));
            return;
        }
        Optional<String> headerVersion = req.headers().first(PROTOCOL_VERSION);
        if (headerVersion.isPresent() && !SESSION_ERA_VERSIONS.contains(headerVersion.get())) {
            sendError(res, Status.BAD_REQUEST_400, idOf(message), McpErrors.error(McpError.INVALID_REQUEST,
                    "Unsupported MCP-Protocol-Version: " + headerVersion.get() + " (this session uses "
                            + session.version.text() + ").", "unsupported-protocol-version"));
            return;
        }
        session.touch();
        switch (message) {
            case JsonRpcMessage.Request r -> sessionRequest(req, res, scope, session, r);
            case JsonRpcMessage.Notification n -> {
                sessionNotification(session, n);
                res.status(Status.ACCEPTED_202).send();
            }
            case JsonRpcMessage.Result r -> {
                answer(session, r.id(), CompletableFuture::complete, r.result());
                res.status(Status.ACCEPTED_202).send();
            }
            case JsonRpcMessage.Error e -> {
                CompletableFuture<JsonNode> ask = session.pendingAsks.remove(key(e.id()));
                if (ask != null) {
                    ask.completeExceptionally(e.error());
                }
                res.status(Status.ACCEPTED_202).send();
            }
        }
    }

    private static boolean statelessRequest(ServerRequest req, JsonRpcMessage message) {
        ObjectNode params = switch (message) {
            case JsonRpcMessage.Request r -> r.params();
            case JsonRpcMessage.Notification n -> n.params();
            default -> null;
        };
        if (params != null && params.path("_meta").has(META_VERSION)) {
            return true;
        }
        Optional<String> header = req.headers().first(PROTOCOL_VERSION);
        if (header.isPresent() && ProtocolVersion.parse(header.get()).map(v -> v.era() == ProtocolVersion.Era.STATELESS)
                .orElse(false)) {
            return true;
        }
        return message instanceof JsonRpcMessage.Request r && r.method().equals("server/discover");
    }

    private static JsonNode idOf(JsonRpcMessage message) {
        return switch (message) {
            case JsonRpcMessage.Request r -> r.id();
            case JsonRpcMessage.Result r -> r.id();
            case JsonRpcMessage.Error e -> e.id();
            case JsonRpcMessage.Notification n -> null;
        };
    }

    private static String key(JsonNode id) {
        return id == null ? "" : id.isTextual() ? "s:" + id.asText() : "n:" + id.asText();
    }

    private static void answer(Session session, JsonNode id, java.util.function.BiConsumer<CompletableFuture<JsonNode>, JsonNode> how,
                               JsonNode value) {
        CompletableFuture<JsonNode> ask = session.pendingAsks.remove(key(id));
        if (ask != null) {
            how.accept(ask, value);
        }
    }

    // ------------------------------------------------------------------------------------ session era

    private void initialize(ServerRequest req, ServerResponse res, String principal, JsonRpcMessage.Request r) {
        ObjectNode params = r.params() == null ? JsonRpc.mapper().createObjectNode() : r.params();
        String requested = params.path("protocolVersion").asText("");
        if (requested.isEmpty()) {
            sendError(res, Status.BAD_REQUEST_400, r.id(), McpErrors.error(McpError.INVALID_PARAMS,
                    "initialize requires params.protocolVersion.", "invalid-params"));
            return;
        }
        ProtocolVersion version = ProtocolVersion.parse(requested)
                .filter(v -> v.era() == ProtocolVersion.Era.SESSION)
                .orElse(ProtocolVersion.latestSession());
        if (sessions.size() >= settings.maxSessions()) {
            sendError(res, Status.SERVICE_UNAVAILABLE_503, r.id(), McpErrors.error(McpErrors.OVERLOADED,
                    "Too many sessions; try again later.", "overloaded"));
            return;
        }
        ObjectNode capabilities = params.path("capabilities") instanceof ObjectNode c ? c.deepCopy()
                : JsonRpc.mapper().createObjectNode();
        ObjectNode clientInfo = params.path("clientInfo") instanceof ObjectNode c ? c.deepCopy()
                : JsonRpc.mapper().createObjectNode();
        Session session = new Session(principal, version, clientInfo, capabilities,
                s -> new ConnectionSet(connector, gatewayClientInfo(clientInfo), capabilities, new SessionDownstream(s)));
        sessions.put(session.id, session);
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        result.put("protocolVersion", version.text());
        result.set("capabilities", serverCapabilities(session.tasks != null));
        result.set("serverInfo", serverInfo.deepCopy());
        String instructions = instructions();
        if (!instructions.isEmpty()) {
            result.put("instructions", instructions);
        }
        res.header(SESSION_ID, session.id);
        sendJson(res, Status.OK_200, McpErrors.result(r.id(), result));
        LOGGER.log(System.Logger.Level.DEBUG, () -> "Session " + session.id + " initialized (" + version.text() + ")");
    }

    private void sessionNotification(Session session, JsonRpcMessage.Notification n) {
        switch (n.method()) {
            case "notifications/initialized" -> session.initialized(true);
            case "notifications/cancelled" -> {
                JsonNode requestId = n.params() == null ? null : n.params().get("requestId");
                Call call = requestId == null ? null : session.calls.get(requestId);
                if (call != null) {
                    call.cancel();
                }
            }
            default -> {
                // e.g. notifications/roots/list_changed: every upstream of the session should know
                for (UpstreamConnection c : session.connections.open().values()) {
                    try {
                        c.notify(n.method(), n.params());
                    } catch (RuntimeException e) {
                        LOGGER.log(System.Logger.Level.DEBUG, "Forwarding " + n.method() + " to " + c.name() + " failed", e);
                    }
                }
            }
        }
    }

    private void sessionRequest(ServerRequest req, ServerResponse res, Catalog.Scope scope, Session session,
                                JsonRpcMessage.Request r) {
        ObjectNode params = r.params() == null ? JsonRpc.mapper().createObjectNode() : r.params();
        try {
            switch (r.method()) {
                case "ping" -> sendJson(res, Status.OK_200, McpErrors.result(r.id(), JsonRpc.mapper().createObjectNode()));
                case "logging/setLevel" -> {
                    String level = params.path("level").asText("");
                    if (!Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency").contains(level)) {
                        throw new McpError(McpError.INVALID_PARAMS, "Unknown log level: " + level);
                    }
                    session.logLevel(level);
                    forwardLogLevel(session, scope, level);
                    sendJson(res, Status.OK_200, McpErrors.result(r.id(), JsonRpc.mapper().createObjectNode()));
                }
                case "tools/list", "prompts/list", "resources/list", "resources/templates/list" ->
                        sendJson(res, Status.OK_200, McpErrors.result(r.id(), list(req.context(), session.connections, scope,
                                r.method(), params, false, session.tasks != null)));
                case "tasks/list" -> {
                    if (session.tasks == null) {
                        throw methodNotFound(r.method());
                    }
                    sendJson(res, Status.OK_200, McpErrors.result(r.id(), listTasks(req.context(), session, scope, params)));
                }
                case "initialize" -> throw new McpError(McpError.INVALID_REQUEST, "The session is already initialized.");
                default -> {
                    Relay relay = relay(req.context(), session.connections, scope, r.method(), params, false, session.tasks);
                    Call call = new Call(session.clientCapabilities, session.logLevel(), settings.inputTimeout(),
                            CallTrace.start(tracer, req, r.method(), params, r.id(), session.version.text(),
                                    relay.upstream()));
                    session.calls.put(r.id(), call);
                    try {
                        // the answer always fits in this exchange (input requests travel on its SSE stream)
                        call.runInline(relay.work(), new SessionAnswer(req, res, session, r.id(), call), POLL);
                    } finally {
                        session.calls.remove(r.id());
                    }
                }
            }
        } catch (McpError e) {
            sendError(res, Status.OK_200, r.id(), e);
        }
    }

    private void forwardLogLevel(Session session, Catalog.Scope scope, String level) {
        ObjectNode params = JsonRpc.mapper().createObjectNode().put("level", level);
        try {
            for (UpstreamSpec spec : catalog.upstreams(scope)) {
                Thread.ofVirtual().start(() -> {
                    try {
                        UpstreamConnection c = session.connections.connection(spec);
                        if (c.protocolVersion().era() == ProtocolVersion.Era.SESSION && c.serverCapabilities().has("logging")) {
                            c.request("logging/setLevel", params, session.connections.quietExchange());
                        }
                    } catch (McpError | RuntimeException e) {
                        LOGGER.log(System.Logger.Level.DEBUG, "logging/setLevel to " + spec.name() + " failed: " + e.getMessage());
                    }
                });
            }
        } catch (McpError e) {
            LOGGER.log(System.Logger.Level.DEBUG, "logging/setLevel: " + e.getMessage());
        }
    }

    /** What both eras' answers share: an SSE stream opened on demand and released once. */
    private abstract static class StreamedAnswer implements Call.Handler {
        final ServerResponse res;
        /** Whether the client accepts an SSE answer. */
        final boolean sse;
        EventStream stream;
        OutputStream out;
        private boolean closed;

        StreamedAnswer(ServerRequest req, ServerResponse res) {
            this.res = res;
            this.sse = acceptsSse(req);
        }

        @Override
        public boolean streaming() {
            return stream != null;
        }

        @Override
        public void close() {
            if (stream != null && !closed) {
                closed = true;
                stream.close();
                released(stream);
                closeQuietly(out);
            }
        }

        /** @param stream the stream just closed */
        void released(EventStream stream) {
        }
    }

    /**
     * Answers a relayed request for a session-era client: JSON when the result comes first, otherwise an
     * SSE stream carrying progress, logs and requests to the client, then the result.
     */
    private final class SessionAnswer extends StreamedAnswer {
        private final Session session;
        private final JsonNode id;
        private final Call call;

        SessionAnswer(ServerRequest req, ServerResponse res, Session session, JsonNode id, Call call) {
            super(req, res);
            this.session = session;
            this.id = id;
            this.call = call;
        }

        @Override
        public boolean handle(Call.Event event) {
            if (call.cancelled() && !(event instanceof Call.Event.Done || event instanceof Call.Event.Failed
                    || event instanceof Call.Event.Cancelled)) {
                return false;
            }
            switch (event) {
                case Call.Event.Cancelled c -> {
                    return true;
                }
                case Call.Event.Notify n -> {
                    if (sse) {
                        open();
                        stream.append(JsonRpc.encode(new JsonRpcMessage.Notification(n.method(), n.params())));
                    }
                    return false;
                }
                case Call.Event.Ask ask -> {
                    if (!sse) {
                        for (Call.Input input : ask.inputs().values()) {
                            input.answer().completeExceptionally(new McpError(McpError.INTERNAL_ERROR,
                                    "The client does not accept text/event-stream, so it cannot be asked for input."));
                        }
                        return false;
                    }
                    open();
                    for (Call.Input input : ask.inputs().values()) {
                        String askId = session.nextAskId();
                        session.pendingAsks.put(key(JsonRpc.mapper().getNodeFactory().textNode(askId)), input.answer());
                        stream.append(JsonRpc.encode(new JsonRpcMessage.Request(
                                JsonRpc.mapper().getNodeFactory().textNode(askId), input.method(), input.params())));
                    }
                    return false;
                }
                case Call.Event.Done done -> {
                    if (!call.cancelled()) {
                        answer(McpErrors.result(id, forSessionClient(done.result())));
                    }
                    return true;
                }
                case Call.Event.Failed failed -> {
                    if (!call.cancelled()) {
                        answer(McpErrors.response(id, failed.error()));
                    }
                    return true;
                }
            }
        }

        private void open() {
            if (stream == null) {
                stream = session.newStream();
                out = openSse(res, session);
                stream.attach(out, -1, session.version != ProtocolVersion.V2025_06_18);
            }
        }

        private void answer(ObjectNode response) {
            if (stream == null) {
                sendJson(res, Status.OK_200, response);
            } else {
                stream.append(response);
            }
        }

        @Override
        public boolean idle() {
            if (stream != null) {
                stream.keepAlive();
            }
            return true;
        }

        @Override
        void released(EventStream stream) {
            session.streamDone(stream);
        }
    }

    private static JsonNode forSessionClient(JsonNode result) {
        if (result instanceof ObjectNode object && object.has("resultType")) {
            ObjectNode copy = JsonRpc.copyOuter(object);
            copy.remove("resultType");
            return copy;
        }
        return result;
    }

    private OutputStream openSse(ServerResponse res, Session session) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(ACCEL_BUFFERING, "no");
        if (session != null) {
            res.header(SESSION_ID, session.id);
        }
        return res.outputStream();
    }

    // ---------------------------------------------------------------------------------------------- GET

    private void get(ServerRequest req, ServerResponse res) {
        if (!guarded(req, res)) {
            return;
        }
        Session session = existingSession(req, res, "POST, DELETE").orElse(null);
        if (session == null) {
            return;
        }
        if (!acceptsSse(req)) {
            sendError(res, Status.NOT_ACCEPTABLE_406, null, McpErrors.error(McpError.INVALID_REQUEST,
                    "GET answers with text/event-stream; the Accept header must allow it.", "not-acceptable"));
            return;
        }
        session.touch();
        EventStream stream = session.serverStream;
        long after = -1;
        Optional<String> lastEventId = req.headers().first(LAST_EVENT_ID);
        if (lastEventId.isPresent()) {
            EventStream.Position position = EventStream.parse(lastEventId.get());
            EventStream resumed = position == null ? null : session.streams.get(position.stream());
            if (resumed != null) {
                stream = resumed;
                after = position.seq();
            }
        }
        OutputStream out = openSse(res, session);
        CountDownLatch done = stream.attach(out, after, session.version != ProtocolVersion.V2025_06_18);
        try {
            while (!closed && !done.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                stream.keepAlive();
                session.touch();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(out);
        }
    }

    /**
     * The caller's session named by {@code Mcp-Session-Id}, for GET and DELETE; answers 405 (no session
     * header: those methods exist only for session-era clients) or 404 (unknown, expired, or another
     * caller's session) itself.
     */
    private Optional<Session> existingSession(ServerRequest req, ServerResponse res, String allowWithoutSession) {
        Optional<String> sessionId = req.headers().first(SESSION_ID);
        if (sessionId.isEmpty()) {
            res.header(HeaderNames.ALLOW, allowWithoutSession);
            sendError(res, Status.METHOD_NOT_ALLOWED_405, null, McpErrors.error(McpError.INVALID_REQUEST,
                    req.prologue().method().text() + " needs an Mcp-Session-Id (session-era clients only).",
                    "method-not-allowed"));
            return Optional.empty();
        }
        Session session = sessions.get(sessionId.get());
        if (session == null || !session.principal.equals(principals.apply(req))) {
            sendError(res, Status.NOT_FOUND_404, null, McpErrors.error(McpErrors.SESSION_NOT_FOUND,
                    "Session not found or expired; initialize a new session.", "session-not-found"));
            return Optional.empty();
        }
        return Optional.of(session);
    }

    // ------------------------------------------------------------------------------------------- DELETE

    private void delete(ServerRequest req, ServerResponse res) {
        if (!guarded(req, res)) {
            return;
        }
        Session session = existingSession(req, res, "POST, GET").orElse(null);
        if (session == null) {
            return;
        }
        sessions.remove(session.id);
        session.close();
        res.status(Status.NO_CONTENT_204).send();
    }

    // ------------------------------------------------------------------------------------ stateless era

    private void postStateless(ServerRequest req, ServerResponse res, Catalog.Scope scope, String principal,
                               JsonRpcMessage message) {
        if (!(message instanceof JsonRpcMessage.Request r)) {
            // no client-to-server notifications are defined for Streamable HTTP in this revision
            res.status(Status.ACCEPTED_202).send();
            return;
        }
        ObjectNode params = r.params() == null ? JsonRpc.mapper().createObjectNode() : r.params();
        JsonNode meta = params.path("_meta");
        JsonNode versionNode = meta.get(META_VERSION);
        if (!(meta instanceof ObjectNode) || versionNode == null || !versionNode.isTextual()
                || !(meta.get(META_CAPABILITIES) instanceof ObjectNode)
                || (meta.has(META_CLIENT_INFO) && !meta.get(META_CLIENT_INFO).isObject())
                || (meta.has(META_LOG_LEVEL) && !meta.get(META_LOG_LEVEL).isTextual())) {
            sendError(res, Status.BAD_REQUEST_400, r.id(), McpErrors.error(McpError.INVALID_PARAMS,
                    "Invalid request _meta: " + META_VERSION + " (string) and " + META_CAPABILITIES
                            + " (object) are required.", "invalid-meta"));
            return;
        }
        String requested = versionNode.asText();
        Optional<String> mismatch = headerMismatch(req, r, requested, params);
        if (mismatch.isPresent()) {
            sendError(res, Status.BAD_REQUEST_400, r.id(), new McpError(McpError.HEADER_MISMATCH, mismatch.get()));
            return;
        }
        Optional<ProtocolVersion> version = ProtocolVersion.parse(requested)
                .filter(v -> v.era() == ProtocolVersion.Era.STATELESS);
        if (version.isEmpty()) {
            ObjectNode data = JsonRpc.mapper().createObjectNode();
            ArrayNode supported = data.putArray("supported");
            for (ProtocolVersion v : ProtocolVersion.values()) {
                if (v.era() == ProtocolVersion.Era.STATELESS) {
                    supported.add(v.text());
                }
            }
            data.put("requested", requested);
            sendError(res, Status.BAD_REQUEST_400, r.id(), new McpError(McpError.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version: " + requested, data));
            return;
        }
        ObjectNode capabilities = (ObjectNode) meta.get(META_CAPABILITIES);
        Optional<String> logLevel = Optional.ofNullable(meta.get(META_LOG_LEVEL)).map(JsonNode::asText);
        try {
            switch (r.method()) {
                case "server/discover" -> sendJson(res, Status.OK_200, McpErrors.result(r.id(), discover()));
                case "subscriptions/listen" -> listen(req, res, scope, principal, r, params);
                case "tools/list", "prompts/list", "resources/list", "resources/templates/list" -> {
                    ConnectionSet set = statelessSet(principal);
                    sendJson(res, Status.OK_200, McpErrors.result(r.id(), list(req.context(), set, scope, r.method(), params, true, false)));
                }
                case "initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe" ->
                        throw methodNotFound(r.method());
                default -> {
                    if (params.has("requestState")) {
                        resume(req, res, principal, r, params);
                        return;
                    }
                    ConnectionSet set = statelessSet(principal);
                    Relay relay = relay(req.context(), set, scope, r.method(), params, true, null);
                    Call call = new Call(capabilities, logLevel, settings.inputTimeout(),
                            CallTrace.start(tracer, req, r.method(), params, r.id(), version.get().text(),
                                    relay.upstream()));
                    if (askable(capabilities)) {
                        call.start(relay.work());
                        call.pump(new StatelessAnswer(req, res, principal, r, params, call, null, false), POLL,
                                ASK_GATHER);
                    } else {
                        call.runInline(relay.work(), new StatelessAnswer(req, res, principal, r, params, call, null, true), POLL);
                    }
                }
            }
        } catch (McpError e) {
            sendError(res, statelessStatus(e), r.id(), e);
        }
    }

    /** HTTP status of a JSON-RPC error answered to a stateless client (2026-07-28 transport rules). */
    private static Status statelessStatus(McpError e) {
        return switch (e.code()) {
            case McpError.METHOD_NOT_FOUND -> Status.NOT_FOUND_404;
            case McpError.MISSING_REQUIRED_CLIENT_CAPABILITY, McpError.HEADER_MISMATCH,
                 McpError.UNSUPPORTED_PROTOCOL_VERSION -> Status.BAD_REQUEST_400;
            default -> Status.OK_200;
        };
    }

    private static McpError methodNotFound(String method) {
        return McpErrors.error(McpError.METHOD_NOT_FOUND, "Method not found: " + method, "method-not-found");
    }

    private static Optional<String> headerMismatch(ServerRequest req, JsonRpcMessage.Request r, String version,
                                                   ObjectNode params) {
        Optional<String> headerVersion = req.headers().first(PROTOCOL_VERSION);
        if (headerVersion.isEmpty()) {
            return Optional.of("Header mismatch: MCP-Protocol-Version header is required.");
        }
        if (!headerVersion.get().equals(version)) {
            return Optional.of("Header mismatch: MCP-Protocol-Version header value '" + headerVersion.get()
                    + "' does not match _meta value '" + version + "'.");
        }
        Optional<String> method = req.headers().first(MCP_METHOD);
        if (method.isEmpty()) {
            return Optional.of("Header mismatch: Mcp-Method header is required.");
        }
        if (!method.get().equals(r.method())) {
            return Optional.of("Header mismatch: Mcp-Method header value '" + method.get()
                    + "' does not match body value '" + r.method() + "'.");
        }
        if (INPUT_METHODS.contains(r.method())) {
            String bodyName = r.method().equals("resources/read") ? params.path("uri").asText(null)
                    : params.path("name").asText(null);
            Optional<String> name = req.headers().first(MCP_NAME);
            if (name.isEmpty()) {
                return Optional.of("Header mismatch: Mcp-Name header is required for " + r.method() + ".");
            }
            Optional<String> decoded = decodeHeaderValue(name.get());
            if (decoded.isEmpty()) {
                return Optional.of("Header mismatch: Mcp-Name header value is not valid.");
            }
            if (!decoded.get().equals(bodyName)) {
                return Optional.of("Header mismatch: Mcp-Name header value does not match the body.");
            }
        }
        return Optional.empty();
    }

    static Optional<String> decodeHeaderValue(String value) {
        if (value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11) {
            try {
                return Optional.of(new String(Base64.getDecoder().decode(value.substring(9, value.length() - 2)),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                return Optional.empty();
            }
        }
        return Optional.of(value);
    }

    private ConnectionSet statelessSet(String principal) {
        statelessLastUse.put(principal, System.nanoTime());
        return statelessSets.computeIfAbsent(principal, p -> {
            ObjectNode capabilities = JsonRpc.mapper().createObjectNode();
            capabilities.putObject("sampling");
            capabilities.putObject("elicitation").putObject("form");
            capabilities.with("elicitation").putObject("url");
            capabilities.putObject("roots").put("listChanged", true);
            ObjectNode info = gatewayClientInfo(JsonRpc.mapper().createObjectNode());
            return new ConnectionSet(connector, info, capabilities, new StatelessDownstream(p));
        });
    }

    /**
     * Answers a relayed request for a stateless client: JSON, or an SSE stream of progress and logs then the
     * result; an input request ends the exchange with {@code input_required} (a queued call only: the call
     * keeps waiting for the answers, which come in a later request).
     */
    private final class StatelessAnswer extends StreamedAnswer {
        private final String principal;
        private final JsonRpcMessage.Request r;
        private final ObjectNode params;
        private final Call call;
        private final Continuation resumed;
        private final boolean logs;
        private final boolean inline;

        StatelessAnswer(ServerRequest req, ServerResponse res, String principal, JsonRpcMessage.Request r,
                        ObjectNode params, Call call, Continuation resumed, boolean inline) {
            super(req, res);
            this.principal = principal;
            this.r = r;
            this.params = params;
            this.call = call;
            this.resumed = resumed;
            this.logs = call.logLevel().isPresent();
            this.inline = inline;
        }

        @Override
        public boolean handle(Call.Event event) {
            switch (event) {
                case Call.Event.Cancelled c -> {
                    forget();
                    return true;
                }
                case Call.Event.Notify n -> {
                    if (!sse || (n.method().equals("notifications/message") && !logs)) {
                        return false;
                    }
                    if (stream == null) {
                        stream = new EventStream("x", false);
                        out = openSse(res, null);
                        stream.attach(out, -1, false);
                    }
                    if (!stream.append(JsonRpc.encode(new JsonRpcMessage.Notification(n.method(), n.params())))) {
                        call.cancel(); // closing the response stream cancels the request
                        return true;
                    }
                    return false;
                }
                case Call.Event.Ask ask -> {
                    if (inline) {
                        // not reached: inline calls are only those whose client declared nothing it could be asked
                        for (Call.Input input : ask.inputs().values()) {
                            input.answer().completeExceptionally(new McpError(McpError.INTERNAL_ERROR,
                                    "The client cannot be asked for " + input.method() + "."));
                        }
                        return false;
                    }
                    Continuation c = resumed != null ? resumed : new Continuation("k" + continuationIds.incrementAndGet(),
                            call, principal, r.method(), target(r.method(), params));
                    c.pending.clear();
                    c.pending.putAll(ask.inputs());
                    c.touch();
                    continuations.put(c.id, c);
                    finishStateless(res, stream, McpErrors.result(r.id(), inputRequired(c)));
                    return true;
                }
                case Call.Event.Done done -> {
                    finishStateless(res, stream, McpErrors.result(r.id(),
                            forStatelessClient(done.result(), r.method().equals("resources/read"))));
                    forget();
                    return true;
                }
                case Call.Event.Failed failed -> {
                    forget();
                    if (stream == null) {
                        sendError(res, statelessStatus(failed.error()), r.id(), failed.error());
                    } else {
                        stream.append(McpErrors.response(r.id(), failed.error()));
                    }
                    return true;
                }
            }
        }

        private void forget() {
            if (resumed != null) {
                continuations.remove(resumed.id);
            }
        }

        @Override
        public boolean idle() {
            if (stream != null && !stream.keepAlive()) {
                call.cancel(); // closing the response stream cancels the request
                return false;
            }
            return true;
        }
    }

    /** Whether a stateless client declared a capability the upstream could ask it to use (an input round). */
    private static boolean askable(ObjectNode capabilities) {
        return capabilities.has("sampling") || capabilities.has("elicitation") || capabilities.has("roots");
    }

    private ObjectNode inputRequired(Continuation c) {
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        result.put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        c.pending.forEach((key, input) -> {
            ObjectNode request = requests.putObject(key);
            request.put("method", input.method());
            request.set("params", input.params() == null ? JsonRpc.mapper().createObjectNode() : input.params());
        });
        result.put("requestState", states.issue(new RequestStates.State(c.id, c.principal, c.method, c.target),
                settings.inputTimeout()));
        result.putObject("_meta").set(META_SERVER_INFO, serverInfo.deepCopy());
        return result;
    }

    private void finishStateless(ServerResponse res, EventStream stream, ObjectNode response) {
        if (stream == null) {
            sendJson(res, Status.OK_200, response);
        } else {
            stream.append(response);
        }
    }

    private void resume(ServerRequest req, ServerResponse res, String principal, JsonRpcMessage.Request r,
                        ObjectNode params) throws McpError {
        String token = params.path("requestState").asText("");
        Optional<RequestStates.State> state = states.verify(token, principal, r.method(), target(r.method(), params));
        Continuation c = state.map(s -> continuations.get(s.continuation())).orElse(null);
        if (c == null) {
            throw McpErrors.error(McpError.INVALID_PARAMS,
                    "requestState is invalid or has expired; send the request again without it.", "invalid-request-state");
        }
        synchronized (c) {
            JsonNode responses = params.path("inputResponses");
            Map<String, Call.Input> missing = new LinkedHashMap<>();
            for (Map.Entry<String, Call.Input> e : c.pending.entrySet()) {
                JsonNode answer = responses.get(e.getKey());
                if (answer == null || !answer.isObject()) {
                    missing.put(e.getKey(), e.getValue());
                }
            }
            if (!missing.isEmpty()) {
                c.touch();
                sendJson(res, Status.OK_200, McpErrors.result(r.id(), inputRequired(c)));
                return;
            }
            for (Map.Entry<String, Call.Input> e : c.pending.entrySet()) {
                e.getValue().answer().complete(responses.get(e.getKey()));
            }
            c.pending.clear();
        }
        c.call.pump(new StatelessAnswer(req, res, principal, r, params, c.call, c, false), POLL, ASK_GATHER);
    }

    private static String target(String method, ObjectNode params) {
        return method.equals("resources/read") ? params.path("uri").asText("") : params.path("name").asText("");
    }

    private JsonNode forStatelessClient(JsonNode result, boolean cacheable) {
        if (!(result instanceof ObjectNode object)) {
            return result;
        }
        ObjectNode copy = JsonRpc.copyOuter(object);
        copy.put("resultType", "complete");
        if (cacheable) {
            if (!copy.path("ttlMs").canConvertToLong() || copy.path("ttlMs").asLong() < 0) {
                copy.put("ttlMs", 0);
            }
            // what the gateway answers is filtered for this caller: never shareable across callers
            copy.put("cacheScope", "private");
        }
        JsonNode meta = copy.get("_meta");
        ObjectNode metaObject = meta instanceof ObjectNode m ? m : copy.putObject("_meta");
        metaObject.set(META_SERVER_INFO, serverInfo.deepCopy());
        return copy;
    }

    private ObjectNode discover() {
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        ArrayNode versions = result.putArray("supportedVersions");
        for (ProtocolVersion v : ProtocolVersion.values()) {
            versions.add(v.text());
        }
        result.set("capabilities", serverCapabilities(false));
        result.set("serverInfo", serverInfo.deepCopy());
        String instructions = instructions();
        if (!instructions.isEmpty()) {
            result.put("instructions", instructions);
        }
        return (ObjectNode) forStatelessClient(result, true);
    }

    private void listen(ServerRequest req, ServerResponse res, Catalog.Scope scope, String principal,
                        JsonRpcMessage.Request r, ObjectNode params) throws McpError {
        JsonNode filter = params.path("notifications");
        if (!filter.isObject()) {
            throw McpErrors.error(McpError.INVALID_PARAMS, "subscriptions/listen requires params.notifications.",
                    "invalid-params");
        }
        ObjectNode honoured = JsonRpc.mapper().createObjectNode();
        for (String flag : List.of("toolsListChanged", "promptsListChanged", "resourcesListChanged")) {
            if (filter.path(flag).asBoolean(false)) {
                honoured.put(flag, true);
            }
        }
        List<String> uris = new ArrayList<>();
        for (JsonNode uri : filter.path("resourceSubscriptions")) {
            if (uri.isTextual()) {
                uris.add(uri.asText());
            }
        }
        if (!uris.isEmpty()) {
            ArrayNode array = honoured.putArray("resourceSubscriptions");
            uris.forEach(array::add);
        }
        ConnectionSet set = statelessSet(principal);
        Listen listen = new Listen(r.id(), scope, honoured, Set.copyOf(uris));
        // make upstreams deliver what was asked for
        Set<String> kinds = new java.util.HashSet<>();
        if (honoured.has("toolsListChanged")) {
            kinds.add("tools");
        }
        if (honoured.has("promptsListChanged")) {
            kinds.add("prompts");
        }
        if (honoured.has("resourcesListChanged")) {
            kinds.add("resources");
        }
        for (UpstreamSpec spec : catalog.upstreams(scope)) {
            try {
                set.connection(spec).listen(kinds, listen.uris);
            } catch (McpError | RuntimeException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "listen on " + spec.name() + " failed: " + e.getMessage());
            }
        }
        OutputStream out = openSse(res, null);
        listen.stream.attach(out, -1, false);
        ObjectNode ack = JsonRpc.mapper().createObjectNode();
        ack.set("notifications", honoured);
        ack.putObject("_meta").set(META_SUBSCRIPTION, r.id());
        listen.stream.append(JsonRpc.encode(new JsonRpcMessage.Notification("notifications/subscriptions/acknowledged", ack)));
        List<Listen> mine = listens.computeIfAbsent(principal, p -> new CopyOnWriteArrayList<>());
        mine.add(listen);
        try {
            while (!closed && listen.stream.keepAlive()) {
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            mine.remove(listen);
            if (closed) {
                ObjectNode result = JsonRpc.mapper().createObjectNode();
                result.putObject("_meta").set(META_SUBSCRIPTION, r.id());
                listen.stream.append(McpErrors.result(r.id(), forStatelessClient(result, false)));
            }
            listen.stream.close();
            closeQuietly(out);
        }
    }

    // ------------------------------------------------------------------------------------ shared logic

    /**
     * @param stateless whether the client is of the stateless era
     * @param tasks     whether the client may run tools as tasks through this gateway (2025-11-25 sessions)
     */
    private ObjectNode list(io.helidon.common.context.Context context, ConnectionSet set, Catalog.Scope scope, String method,
                            ObjectNode params, boolean stateless, boolean tasks) throws McpError {
        if (params.has("cursor")) {
            throw McpErrors.error(McpError.INVALID_PARAMS, "Invalid cursor.", "invalid-cursor");
        }
        Catalog.Kind kind = switch (method) {
            case "tools/list" -> Catalog.Kind.TOOLS;
            case "prompts/list" -> Catalog.Kind.PROMPTS;
            case "resources/list" -> Catalog.Kind.RESOURCES;
            default -> Catalog.Kind.TEMPLATES;
        };
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        ArrayNode items = result.putArray(kind.field);
        String policyKind = switch (kind) {
            case TOOLS -> "tool";
            case PROMPTS -> "prompt";
            case RESOURCES -> "resource";
            case TEMPLATES -> "template";
        };
        McpPolicy view = policy;
        catalog.list(set, scope, kind, (spec, item) -> view.visible(context, policyKind, spec.name(), item),
                (spec, item) -> {
                    if (kind == Catalog.Kind.TOOLS && item.get("execution") instanceof ObjectNode execution
                            && execution.has("taskSupport") && !(tasks && takesToolTasks(set, spec))) {
                        // the client could not run it as a task here: the tool is offered as an ordinary one
                        ObjectNode plain = execution.deepCopy();
                        plain.remove("taskSupport");
                        if (plain.isEmpty()) {
                            item.remove("execution");
                        } else {
                            item.set("execution", plain);
                        }
                    }
                }).forEach(items::add);
        return stateless ? (ObjectNode) forStatelessClient(result, true) : result;
    }

    /** A client request to relay and the upstream work that performs it. */
    private record Relay(String upstream, Call.UpstreamWork work) {
    }

    /** What the gateway does with an upstream's result before the client sees it. */
    private interface Answer {
        JsonNode apply(JsonNode result) throws McpError;
    }

    /**
     * @param tasks the client session's tasks; null when the client's protocol version has none (then a task
     *              augmentation is ignored, as the specification asks of a receiver that does not declare tasks)
     */
    private Relay relay(io.helidon.common.context.Context context, ConnectionSet set, Catalog.Scope scope, String method,
                        ObjectNode params, boolean stateless, Tasks tasks) throws McpError {
        ObjectNode forwarded = upstreamParams(params);
        UpstreamSpec upstream;
        Answer answer = result -> result;
        switch (method) {
            case "tools/call", "prompts/get" -> {
                String name = params.path("name").asText("");
                if (name.isEmpty()) {
                    throw McpErrors.error(McpError.INVALID_PARAMS, method + " requires params.name.", "invalid-params");
                }
                Catalog.Kind kind = method.equals("tools/call") ? Catalog.Kind.TOOLS : Catalog.Kind.PROMPTS;
                Catalog.Route route = catalog.resolve(set, scope, kind, name);
                ObjectNode item = catalog.item(set, route.upstream(), kind, route.original());
                admit(context, kind == Catalog.Kind.TOOLS ? "tool" : "prompt", route.upstream(), item,
                        () -> McpErrors.error(McpError.INVALID_PARAMS, "Unknown " + (kind == Catalog.Kind.TOOLS
                                ? "tool" : "prompt") + ": " + name, (kind == Catalog.Kind.TOOLS ? "tool" : "prompt")
                                + "-not-found"));
                forwarded.put("name", route.original());
                upstream = route.upstream();
                if (kind == Catalog.Kind.TOOLS && forwarded.has("task")) {
                    if (tasks == null) {
                        forwarded.remove("task");
                    } else if (!Tasks.toolTakesTasks(item) || !takesToolTasks(set, upstream)) {
                        // the listing showed no taskSupport for this tool: 2025-11-25 asks for -32601
                        throw McpErrors.error(McpError.METHOD_NOT_FOUND, "Tool " + name + " cannot run as a task.",
                                "task-not-supported");
                    } else {
                        String from = upstream.name();
                        answer = result -> tasks.created(from, route.original(), result);
                    }
                }
            }
            case "tasks/get", "tasks/result", "tasks/cancel" -> {
                if (tasks == null) {
                    throw methodNotFound(method);
                }
                if (!params.path("taskId").isTextual()) {
                    throw McpErrors.error(McpError.INVALID_PARAMS, method + " requires params.taskId (a string).",
                            "invalid-params");
                }
                String id = params.path("taskId").asText();
                Tasks.Task task = tasks.find(id).orElseThrow(() -> taskNotFound(id));
                upstream = catalog.upstreams(scope).stream().filter(u -> u.name().equals(task.upstream())).findFirst()
                        .orElseThrow(() -> taskNotFound(id));
                ObjectNode tool = catalog.item(set, upstream, Catalog.Kind.TOOLS, task.tool());
                // a person who may no longer use the tool no longer sees its task (cancelling stays possible);
                // polling is not a call, so it costs no rate-limit budget
                if (!method.equals("tasks/cancel") && !policy.visible(context, "tool", upstream.name(), tool)) {
                    throw taskNotFound(id);
                }
                // nor is anything read from a tool whose definition changed since (a "rug pull") until it is approved
                if (!method.equals("tasks/cancel") && catalog.quarantined(upstream, task.tool())) {
                    throw McpErrors.error(McpErrors.QUARANTINED, "Task " + id + " is unavailable: its tool's definition"
                            + " changed upstream and awaits administrator approval.", "tool-quarantined");
                }
                forwarded.put("taskId", task.upstreamId());
                String from = upstream.name();
                answer = method.equals("tasks/result") ? result -> tasks.relatedToClient(from, result)
                        : result -> Tasks.withClientId(result, task.id());
            }
            case "resources/read", "resources/subscribe", "resources/unsubscribe" -> {
                String uri = params.path("uri").asText("");
                if (uri.isEmpty()) {
                    throw McpErrors.error(McpError.INVALID_PARAMS, method + " requires params.uri.", "invalid-params");
                }
                upstream = catalog.resolveResource(set, scope, uri).orElseThrow(() -> McpErrors.error(
                        stateless ? McpError.INVALID_PARAMS : -32002, "Resource not found: " + uri, "resource-not-found"));
                admit(context, "resource", upstream, JsonRpc.mapper().createObjectNode().put("uri", uri), () -> McpErrors.error(
                        stateless ? McpError.INVALID_PARAMS : -32002, "Resource not found: " + uri, "resource-not-found"));
            }
            case "completion/complete" -> {
                JsonNode ref = params.path("ref");
                if ("ref/prompt".equals(ref.path("type").asText())) {
                    String promptName = ref.path("name").asText("");
                    Catalog.Route route = catalog.resolve(set, scope, Catalog.Kind.PROMPTS, promptName);
                    admit(context, "prompt", route.upstream(), JsonRpc.mapper().createObjectNode().put("name", route.original()),
                            () -> McpErrors.error(McpError.INVALID_PARAMS, "Unknown prompt: " + promptName,
                                    "prompt-not-found"));
                    // forwarded shares nested values with the client's params (JsonRpc.copyOuter): a new ref
                    forwarded.set("ref", ((ObjectNode) ref).deepCopy().put("name", route.original()));
                    upstream = route.upstream();
                } else if ("ref/resource".equals(ref.path("type").asText())) {
                    String uri = ref.path("uri").asText("");
                    upstream = catalog.resolveResource(set, scope, uri).orElseThrow(() -> McpErrors.error(
                            McpError.INVALID_PARAMS, "Resource not found: " + uri, "resource-not-found"));
                    admit(context, "resource", upstream, JsonRpc.mapper().createObjectNode().put("uri", uri), () ->
                            McpErrors.error(McpError.INVALID_PARAMS, "Resource not found: " + uri, "resource-not-found"));
                } else {
                    throw McpErrors.error(McpError.INVALID_PARAMS, "completion/complete requires a ref/prompt or ref/resource.",
                            "invalid-params");
                }
            }
            // default deny: a method the gateway has no rule for (vendor extensions) would reach
            // the upstream without a policy decision, so it is not relayed on /mcp/{upstream} either
            default -> throw methodNotFound(method);
        }
        UpstreamSpec target = upstream;
        Answer then = answer;
        return new Relay(upstream.name(), call -> {
            UpstreamConnection connection = set.connection(target);
            if (method.equals("resources/subscribe")) {
                // the connection subscribes in its own era (resources/subscribe, or subscriptions/listen) and
                // from then on delivers the updates to this client's stream
                connection.listen(Set.of("tools", "prompts", "resources"), Set.of(params.path("uri").asText()));
                return JsonRpc.mapper().createObjectNode();
            }
            if (method.equals("resources/unsubscribe") && connection.protocolVersion().era() == ProtocolVersion.Era.STATELESS) {
                return JsonRpc.mapper().createObjectNode();
            }
            return then.apply(connection.request(method, forwarded, tasks == null ? call : tasks.translating(target.name(), call)));
        });
    }

    private static McpError taskNotFound(String id) {
        // the gateway's ids are 22 characters: a longer one is shown cut, never echoed whole
        return McpErrors.error(McpError.INVALID_PARAMS, "Task not found: "
                + (id.length() > 64 ? id.substring(0, 64) + "…" : id), "task-not-found");
    }

    /** Whether the caller's connection to an upstream is open and the upstream accepts task-augmented tool calls. */
    private static boolean takesToolTasks(ConnectionSet set, UpstreamSpec upstream) {
        return set.opened(upstream.name()).filter(Tasks::takesToolTasks).isPresent();
    }

    /**
     * {@code tasks/list} for a session: the tasks it created that the upstreams still hold, as they are now. An
     * upstream that lists its tasks is asked once (following its pages), any other once per task; an upstream that
     * cannot be reached leaves its tasks out. Every task fits one page: a cursor is never handed out.
     */
    private ObjectNode listTasks(io.helidon.common.context.Context context, Session session, Catalog.Scope scope,
                                 ObjectNode params) throws McpError {
        if (params.has("cursor")) {
            throw McpErrors.error(McpError.INVALID_PARAMS, "Invalid cursor.", "invalid-cursor");
        }
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        ArrayNode out = result.putArray("tasks");
        Map<String, List<Tasks.Task>> byUpstream = new java.util.HashMap<>();
        for (Tasks.Task t : session.tasks.all()) {
            byUpstream.computeIfAbsent(t.upstream(), u -> new java.util.ArrayList<>()).add(t);
        }
        for (UpstreamSpec spec : catalog.upstreams(scope)) {
            List<Tasks.Task> created = byUpstream.get(spec.name());
            if (created == null) {
                continue;
            }
            try {
                UpstreamConnection connection = session.connections.connection(spec);
                Exchange quiet = session.connections.quietExchange();
                boolean lists = connection.serverCapabilities().path("tasks").has("list");
                Map<String, JsonNode> states = new java.util.HashMap<>();
                String cursor = null;
                for (int page = 0; lists && page < 100; page++) {
                    ObjectNode p = JsonRpc.mapper().createObjectNode();
                    if (cursor != null) {
                        p.put("cursor", cursor);
                    }
                    JsonNode listed = connection.request("tasks/list", p, quiet);
                    listed.path("tasks").forEach(t -> states.put(t.path("taskId").asText(), t));
                    cursor = listed.path("nextCursor").isTextual() ? listed.path("nextCursor").asText() : null;
                    if (cursor == null) {
                        break;
                    }
                }
                for (Tasks.Task t : created) {
                    ObjectNode tool = catalog.item(session.connections, spec, Catalog.Kind.TOOLS, t.tool());
                    if (!policy.visible(context, "tool", spec.name(), tool) || catalog.quarantined(spec, t.tool())) {
                        continue;
                    }
                    JsonNode state = states.get(t.upstreamId());
                    if (state == null && !lists) {
                        try {
                            state = connection.request("tasks/get",
                                    JsonRpc.mapper().createObjectNode().put("taskId", t.upstreamId()), quiet);
                        } catch (McpError e) {
                            if (e.code() != McpError.INVALID_PARAMS) {
                                continue; // not an answer about the task: keep it for the next time
                            }
                        }
                    }
                    if (state == null) {
                        session.tasks.forget(t); // the upstream no longer has it
                        continue;
                    }
                    out.add(Tasks.withClientId(state, t.id()));
                }
            } catch (McpError | dev.portcullis.mcp.UpstreamException e) {
                LOGGER.log(System.Logger.Level.DEBUG, () -> "tasks/list: upstream " + spec.name() + " left out: "
                        + e.getMessage());
            }
        }
        return result;
    }

    /** Asks the policy whether the caller may use the item now; a hidden item answers as a missing one. */
    private void admit(io.helidon.common.context.Context context, String kind, UpstreamSpec upstream, ObjectNode item,
                       java.util.function.Supplier<McpError> notFound) throws McpError {
        switch (policy.admit(context, kind, upstream.name(), item)) {
            case McpPolicy.Admission.Allowed allowed -> {
            }
            case McpPolicy.Admission.Hidden hidden -> throw notFound.get();
            case McpPolicy.Admission.StepUp stepUp -> {
                String scopes = String.join(" ", new java.util.TreeSet<>(stepUp.scopes()));
                ObjectNode data = JsonRpc.mapper().createObjectNode().put("reason", "insufficient-scope")
                        .put("scope", scopes);
                throw new McpError(dev.portcullis.core.ReasonCode.INSUFFICIENT_SCOPE.jsonRpcCode(),
                        "This needs the scope " + scopes + ".", data);
            }
            case McpPolicy.Admission.Throttled throttled -> {
                long seconds = Math.max(1, (throttled.retryAfter().toMillis() + 999) / 1000);
                ObjectNode data = JsonRpc.mapper().createObjectNode().put("reason", "rate-limited")
                        .put("retryAfter", seconds);
                throw new McpError(dev.portcullis.core.ReasonCode.RATE_LIMITED.jsonRpcCode(),
                        "Rate limit exceeded; retry after " + seconds + " s.", data);
            }
        }
    }

    /** The client's params minus what belongs to the client-gateway hop (protocol _meta, MRTR fields). */
    private static ObjectNode upstreamParams(ObjectNode params) {
        ObjectNode copy = JsonRpc.copyOuter(params);
        copy.remove("requestState");
        copy.remove("inputResponses");
        if (copy.get("_meta") instanceof ObjectNode meta) {
            meta.properties().removeIf(e -> e.getKey().startsWith("io.modelcontextprotocol/"));
            if (meta.isEmpty()) {
                copy.remove("_meta");
            }
        }
        return copy;
    }

    /** @param tasks whether the client's protocol version has tasks (2025-11-25 sessions) */
    private ObjectNode serverCapabilities(boolean tasks) {
        ObjectNode caps = JsonRpc.mapper().createObjectNode();
        caps.putObject("tools").put("listChanged", true);
        caps.putObject("prompts").put("listChanged", true);
        caps.putObject("resources").put("subscribe", true).put("listChanged", true);
        caps.putObject("logging");
        caps.putObject("completions");
        if (tasks) {
            // relayed to the upstreams that take them: a tool shows execution.taskSupport only when its upstream does
            ObjectNode t = caps.putObject("tasks");
            t.putObject("list");
            t.putObject("cancel");
            t.putObject("requests").putObject("tools").putObject("call");
        }
        return caps;
    }

    private String instructions() {
        return "";
    }

    private ObjectNode gatewayClientInfo(ObjectNode downstreamInfo) {
        ObjectNode info = JsonRpc.mapper().createObjectNode();
        info.put("name", "portcullis");
        info.put("version", serverInfo.path("version").asText());
        if (downstreamInfo.hasNonNull("name")) {
            info.put("title", "Portcullis for " + downstreamInfo.path("name").asText());
        }
        return info;
    }

    private boolean guarded(ServerRequest req, ServerResponse res) {
        Optional<String> problem = guard.check(req.headers().first(HeaderNames.HOST), req.headers().first(HeaderNames.ORIGIN));
        if (problem.isPresent()) {
            LOGGER.log(System.Logger.Level.INFO, "Refused MCP request: " + problem.get());
            sendError(res, Status.FORBIDDEN_403, null, McpErrors.error(McpError.INVALID_REQUEST,
                    "Forbidden: " + problem.get() + ".", "origin-not-allowed"));
            return false;
        }
        return true;
    }

    private static boolean acceptsSse(ServerRequest req) {
        List<String> accept = req.headers().all(HeaderNames.ACCEPT, List::of);
        if (accept.isEmpty()) {
            return true;
        }
        for (String a : accept) {
            String lower = a.toLowerCase(Locale.ROOT);
            if (lower.contains("text/event-stream") || lower.contains("*/*")) {
                return true;
            }
        }
        return false;
    }

    private static void sendJson(ServerResponse res, Status status, ObjectNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(JsonRpc.write(body));
    }

    private static void sendError(ServerResponse res, Status status, JsonNode id, McpError error) {
        // policy answers that HTTP clients act on: step-up (RFC 6750 challenge) and rate limits
        JsonNode data = error.data();
        String reason = data == null ? "" : data.path("reason").asText("");
        if (reason.equals("insufficient-scope")) {
            status = Status.FORBIDDEN_403;
            res.header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\""
                    + data.path("scope").asText("") + "\"");
        } else if (reason.equals("rate-limited")) {
            res.header("Retry-After", String.valueOf(data.path("retryAfter").asLong(1)));
        }
        sendJson(res, status, McpErrors.response(id == null ? NullNode.getInstance() : id, error));
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                LOGGER.log(System.Logger.Level.TRACE, "closing a stream failed", e);
            }
        }
    }

    private void reap() {
        while (!closed) {
            try {
                Thread.sleep(Math.min(30_000, Math.max(1000, settings.sessionIdleTimeout().toMillis() / 4)));
            } catch (InterruptedException e) {
                return;
            }
            long idle = settings.sessionIdleTimeout().toNanos();
            for (Session s : sessions.values()) {
                if (s.idleNanos() > idle && s.calls.isEmpty() && !s.serverStream.attached()) {
                    sessions.remove(s.id);
                    s.close();
                    LOGGER.log(System.Logger.Level.DEBUG, () -> "Session " + s.id + " expired");
                }
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Long> use : statelessLastUse.entrySet()) {
                String principal = use.getKey();
                boolean listening = !listens.getOrDefault(principal, List.of()).isEmpty();
                boolean parked = continuations.values().stream().anyMatch(c -> c.principal.equals(principal));
                if (now - use.getValue() > idle && !listening && !parked) {
                    statelessLastUse.remove(principal);
                    ConnectionSet set = statelessSets.remove(principal);
                    if (set != null) {
                        set.close();
                    }
                }
            }
            continuations.values().removeIf(c -> {
                boolean expired = now - c.touched > settings.inputTimeout().toNanos();
                if (expired) {
                    c.pending.values().forEach(i -> i.answer().completeExceptionally(
                            new McpError(McpError.INTERNAL_ERROR, "The client did not answer in time.")));
                    c.call.cancel();
                }
                return expired;
            });
        }
    }

    /** Ends every session and stream. */
    @Override
    public void close() {
        closed = true;
        reaper.interrupt();
        sessions.values().forEach(Session::close);
        sessions.clear();
        statelessSets.values().forEach(ConnectionSet::close);
        statelessSets.clear();
        listens.values().forEach(l -> l.forEach(x -> x.stream.close()));
    }

    /** @return open sessions (for metrics and tests) */
    int sessionCount() {
        return sessions.size();
    }

    // ------------------------------------------------------------------------------------ helpers

    /** A stateless request parked while its client gathers input. */
    private static final class Continuation {
        final String id;
        final Call call;
        final String principal;
        final String method;
        final String target;
        final Map<String, Call.Input> pending = new LinkedHashMap<>();
        volatile long touched = System.nanoTime();

        Continuation(String id, Call call, String principal, String method, String target) {
            this.id = id;
            this.call = call;
            this.principal = principal;
            this.method = method;
            this.target = target;
        }

        void touch() {
            touched = System.nanoTime();
        }
    }

    /** An open {@code subscriptions/listen} stream. */
    private static final class Listen {
        final JsonNode id;
        final Catalog.Scope scope;
        final ObjectNode filter;
        final Set<String> uris;
        final EventStream stream = new EventStream("l", false);

        Listen(JsonNode id, Catalog.Scope scope, ObjectNode filter, Set<String> uris) {
            this.id = id;
            this.scope = scope;
            this.filter = filter;
            this.uris = uris;
        }

        boolean wants(String upstream, String method, ObjectNode params) {
            if (scope.single().isPresent() && !scope.single().get().equals(upstream)) {
                return false;
            }
            return switch (method) {
                case "notifications/tools/list_changed" -> filter.has("toolsListChanged");
                case "notifications/prompts/list_changed" -> filter.has("promptsListChanged");
                case "notifications/resources/list_changed" -> filter.has("resourcesListChanged");
                case "notifications/resources/updated" -> params != null && uris.contains(params.path("uri").asText());
                default -> false;
            };
        }
    }

    /** Unsolicited upstream messages for a session-era client: on its GET stream. */
    private final class SessionDownstream implements Downstream {
        private final Session session;

        SessionDownstream(Session session) {
            this.session = session;
        }

        @Override
        public void notification(String upstream, String method, ObjectNode params) {
            ObjectNode p = session.tasks == null || params == null ? params : session.tasks.toClient(upstream, method, params);
            if (p == null && params != null) {
                return; // about a task this session did not create
            }
            session.serverStream.append(JsonRpc.encode(new JsonRpcMessage.Notification(method, p)));
        }

        @Override
        public JsonNode request(String upstream, String method, ObjectNode params) throws McpError {
            return session.tasks == null ? ask(method, params) : session.tasks.askClient(upstream, method, params, this::ask);
        }

        private JsonNode ask(String method, ObjectNode params) throws McpError {
            String askId = session.nextAskId();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            session.pendingAsks.put(key(JsonRpc.mapper().getNodeFactory().textNode(askId)), answer);
            session.serverStream.append(JsonRpc.encode(new JsonRpcMessage.Request(
                    JsonRpc.mapper().getNodeFactory().textNode(askId), method, params)));
            try {
                return answer.get(settings.inputTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof McpError error) {
                    throw error;
                }
                throw new McpError(McpError.INTERNAL_ERROR, "The client could not answer.");
            } catch (java.util.concurrent.TimeoutException e) {
                session.pendingAsks.remove(key(JsonRpc.mapper().getNodeFactory().textNode(askId)));
                throw new McpError(McpError.INTERNAL_ERROR, "The client did not answer in time.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new McpError(McpError.INTERNAL_ERROR, "Interrupted.");
            }
        }
    }

    /** Unsolicited upstream messages for a stateless principal: on its listen streams. */
    private final class StatelessDownstream implements Downstream {
        private final String principal;

        StatelessDownstream(String principal) {
            this.principal = principal;
        }

        @Override
        public void notification(String upstream, String method, ObjectNode params) {
            for (Listen listen : listens.getOrDefault(principal, List.of())) {
                if (listen.wants(upstream, method, params)) {
                    ObjectNode tagged = params == null ? JsonRpc.mapper().createObjectNode() : params.deepCopy();
                    ObjectNode meta = tagged.get("_meta") instanceof ObjectNode m ? m : tagged.putObject("_meta");
                    meta.set(META_SUBSCRIPTION, listen.id);
                    listen.stream.append(JsonRpc.encode(new JsonRpcMessage.Notification(method, tagged)));
                }
            }
        }

        @Override
        public JsonNode request(String upstream, String method, ObjectNode params) throws McpError {
            throw new McpError(McpError.METHOD_NOT_FOUND,
                    "A stateless client cannot receive requests outside of a request it made.");
        }
    }
}
