package dev.portcullis.mcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What every upstream connection shares: identity, negotiated state, progress mapping, listener fan-out, health. */
abstract class BaseConnection implements UpstreamConnection {
    static final JsonNodeFactory F = JsonRpc.mapper().getNodeFactory();
    private static final AtomicLong CONNECTION_SEQ = new AtomicLong();

    final System.Logger log = System.getLogger(getClass().getName());
    final String name;
    final Duration requestTimeout;
    final ObjectNode clientInfo;
    final ObjectNode clientCapabilities;
    final UpstreamListener listener;
    final Watchdog watchdog;
    final UpstreamConnectors.Options options;

    volatile ProtocolVersion version;
    volatile ObjectNode serverCapabilities = F.objectNode();
    volatile ObjectNode serverInfo = F.objectNode();
    volatile String instructions = "";
    volatile boolean closed;

    private final AtomicLong ids = new AtomicLong();
    private final String tokenPrefix = "pc-" + CONNECTION_SEQ.incrementAndGet() + "-";
    private final AtomicLong tokens = new AtomicLong();
    private final Map<String, Inflight> progress = new ConcurrentHashMap<>();
    static final int MAX_TASK_PROGRESS = 256;
    /**
     * Progress tokens of calls the upstream answered with a task (2025-11-25): the token stays valid for the task's
     * lifetime, after the call. Upstream token → the client's; the most recent {@link #MAX_TASK_PROGRESS} are kept.
     */
    private final Map<String, JsonNode> taskProgress = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, JsonNode> eldest) {
                    return size() > MAX_TASK_PROGRESS;
                }
            });
    final Set<String> listChanges = ConcurrentHashMap.newKeySet();
    final Set<String> resourceUris = ConcurrentHashMap.newKeySet();
    final Set<Inflight> active = ConcurrentHashMap.newKeySet();

    private volatile boolean healthy = true;
    private volatile long lastObserved = System.nanoTime();
    private final AtomicBoolean checking = new AtomicBoolean();

    BaseConnection(UpstreamTarget target, ObjectNode clientInfo, ObjectNode clientCapabilities,
                   UpstreamListener listener, Watchdog watchdog, UpstreamConnectors.Options options) {
        this.name = target.name();
        this.requestTimeout = target.requestTimeout();
        this.clientInfo = clientInfo.deepCopy();
        this.clientCapabilities = clientCapabilities.deepCopy();
        this.listener = listener;
        this.watchdog = watchdog;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProtocolVersion protocolVersion() {
        return version;
    }

    @Override
    public ObjectNode serverCapabilities() {
        return serverCapabilities.deepCopy();
    }

    @Override
    public ObjectNode serverInfo() {
        return serverInfo.deepCopy();
    }

    @Override
    public String instructions() {
        return instructions;
    }

    /** A fresh upstream request id; ids are ours, never the client's, so clients sharing a connection cannot collide. */
    JsonNode nextId() {
        return LongNode.valueOf(ids.incrementAndGet());
    }

    /** Runs a call under the watchdog (cancellation and deadline) with the progress mapping cleaned up after. */
    final JsonNode call(String method, ObjectNode params, Exchange exchange, CallBody body) throws McpError {
        if (closed) {
            throw new UpstreamException(name, "upstream '" + name + "': connection closed", null);
        }
        Inflight f = new Inflight(exchange, requestTimeout);
        watchdog.watch(f);
        active.add(f);
        JsonNode result = null;
        try {
            result = body.run(f);
            observed(true);
            return result;
        } catch (McpError e) {
            observed(true);
            throw e;
        } catch (UpstreamException e) {
            if (f.end() == Inflight.End.NONE || f.end() == Inflight.End.TIMED_OUT) {
                observed(false);
            }
            throw e;
        } finally {
            f.stop(Inflight.End.CLOSED); // releases abort hooks; no-op when the call already ended otherwise
            watchdog.unwatch(f);
            active.remove(f);
            String t = f.upstreamProgressToken;
            if (t != null) {
                progress.remove(t);
                if (result != null && result.get("task") instanceof ObjectNode) {
                    taskProgress.put(t, f.clientProgressToken); // a task: its progress goes on after the call
                }
            }
        }
    }

    /** The body of a call. */
    @FunctionalInterface
    interface CallBody {
        JsonNode run(Inflight f) throws McpError;
    }

    /** Replaces the client's progress token with one unique on this connection, remembering the mapping. */
    void mapProgressToken(ObjectNode params, Inflight f) {
        JsonNode meta = params.get("_meta");
        if (meta instanceof ObjectNode m && m.has("progressToken")) {
            String token = tokenPrefix + tokens.incrementAndGet();
            f.clientProgressToken = m.get("progressToken");
            f.upstreamProgressToken = token;
            progress.put(token, f);
            m.put("progressToken", token);
        }
    }

    /** Routes {@code notifications/progress} back to the exchange that asked for it; false when unknown. */
    boolean dispatchProgress(ObjectNode params) {
        JsonNode token = params == null ? null : params.get("progressToken");
        if (token == null || !token.isTextual()) {
            return false;
        }
        Inflight f = progress.get(token.textValue());
        if (f != null && f.stopped.isDone()) {
            return false;
        }
        JsonNode client = f != null ? f.clientProgressToken : taskProgress.get(token.textValue());
        if (client == null) {
            return false;
        }
        ObjectNode mapped = params.deepCopy();
        mapped.set("progressToken", client);
        if (f != null) {
            notifyQuietly(f.exchange, "notifications/progress", mapped);
        } else {
            deliverUnsolicited("notifications/progress", mapped); // a task's: its call is over, the session hears it
        }
        return true;
    }

    void notifyQuietly(Exchange exchange, String method, ObjectNode params) {
        try {
            exchange.notify(method, params == null ? F.objectNode() : params);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': exchange rejected a notification", e);
        }
    }

    /** Delivers an unsolicited notification, honouring the list-change and resource opt-ins of {@link #listen}. */
    void deliverUnsolicited(String method, ObjectNode params) {
        boolean wanted = switch (method) {
            case "notifications/tools/list_changed" -> listChanges.contains("tools");
            case "notifications/prompts/list_changed" -> listChanges.contains("prompts");
            case "notifications/resources/list_changed" -> listChanges.contains("resources");
            case "notifications/resources/updated" -> params != null && resourceUris.contains(params.path("uri").asText());
            case "notifications/subscriptions/acknowledged" -> false;
            default -> true;
        };
        if (!wanted) {
            log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': dropped unrequested " + method);
            return;
        }
        try {
            listener.onNotification(method, params == null ? F.objectNode() : params);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': listener failed on " + method, e);
        }
    }

    /** Answers a server-initiated request through the exchange (request-scoped) or the listener (unsolicited). */
    JsonRpcMessage answer(JsonRpcMessage.Request req, Exchange exchange) {
        ObjectNode params = req.params() == null ? F.objectNode() : req.params();
        try {
            if ("ping".equals(req.method())) {
                return new JsonRpcMessage.Result(req.id(), F.objectNode());
            }
            JsonNode result = exchange != null ? exchange.ask(req.method(), params, req.id())
                    : listener.onRequest(req.method(), params);
            return new JsonRpcMessage.Result(req.id(), result == null ? F.objectNode() : result);
        } catch (McpError e) {
            return new JsonRpcMessage.Error(req.id(), e);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': answering " + req.method() + " failed", e);
            return new JsonRpcMessage.Error(req.id(), new McpError(McpError.INTERNAL_ERROR, "Internal error"));
        }
    }

    /**
     * Asks the exchange for every input request of an {@code input_required} result, concurrently, and
     * waits until all are answered or the call stops (cancel, deadline).
     */
    ObjectNode askAll(Inflight f, ObjectNode inputRequests) throws McpError {
        for (Map.Entry<String, JsonNode> e : inputRequests.properties()) {
            if (e.getValue().path("method").asText("").isEmpty()) {
                throw new UpstreamException(name, "upstream '" + name + "': malformed input request", null);
            }
        }
        CompletableFuture<ObjectNode> answered = new CompletableFuture<>();
        Thread.ofVirtual().name("upstream-ask-" + name).start(() -> {
            try {
                answered.complete(f.exchange.askAll(inputRequests));
            } catch (Throwable t) {
                answered.completeExceptionally(t);
            }
        });
        try {
            CompletableFuture.anyOf(answered, f.stopped).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.stop(Inflight.End.CANCELLED);
        } catch (ExecutionException e) {
            // the ask failed: reported below
        }
        if (f.end() != Inflight.End.NONE) {
            throw f.failure(name, null);
        }
        try {
            ObjectNode responses = answered.join();
            for (Map.Entry<String, JsonNode> e : inputRequests.properties()) {
                if (!responses.has(e.getKey())) {
                    responses.set(e.getKey(), F.objectNode());
                }
            }
            return responses;
        } catch (java.util.concurrent.CompletionException ce) {
            if (ce.getCause() instanceof McpError me) {
                throw me;
            }
            throw new UpstreamException(name, "upstream '" + name + "': answering an input request failed", ce.getCause());
        }
    }

    /** Sends one round of a stateless request and returns its result. */
    @FunctionalInterface
    interface Round {
        JsonNode send(ObjectNode params) throws McpError;
    }

    /**
     * The multi-round-trip loop: while the result is {@code input_required}, asks the exchange for every
     * input request and retries the original params with {@code inputResponses} and the opaque
     * {@code requestState} (each round is a new JSON-RPC request, so a new id).
     */
    JsonNode multiRoundTrip(ObjectNode base, Inflight f, Round round) throws McpError {
        ObjectNode p = base;
        for (int n = 1; ; n++) {
            JsonNode result = round.send(p);
            if (!"input_required".equals(result.path("resultType").asText())) {
                return result;
            }
            if (n >= options.maxInputRounds()) {
                throw failure("too many input rounds", null);
            }
            ObjectNode next = JsonRpc.copyOuter(base);
            if (result.get("inputRequests") instanceof ObjectNode requests && !requests.isEmpty()) {
                next.set("inputResponses", askAll(f, requests));
            }
            JsonNode state = result.get("requestState");
            if (state != null && state.isTextual()) {
                next.set("requestState", state);
            }
            p = next;
        }
    }

    /**
     * The connection's own copy of a request's params ({@link JsonRpc#copyOuter}), to map and annotate. Absent params
     * stay absent unless the call carries a trace context, which needs a {@code _meta} to travel in.
     */
    static ObjectNode ownParams(ObjectNode params, Exchange exchange) {
        return params == null && exchange.traceContext().isEmpty() ? null : JsonRpc.copyOuter(params);
    }

    /**
     * Puts the call's trace context into {@code params._meta} ({@code traceparent}, {@code tracestate}), replacing
     * what the client sent there, so that the upstream's spans follow from the gateway's. {@code params} must be
     * the connection's own copy ({@link #ownParams}). Nothing changes when the call carries none.
     */
    static void addTraceMeta(ObjectNode params, Exchange exchange) {
        Map<String, String> trace = exchange.traceContext();
        String parent = trace.get(Meta.TRACEPARENT);
        if (parent == null) {
            return;
        }
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.put(Meta.TRACEPARENT, parent);
        String state = trace.get(Meta.TRACESTATE);
        if (state == null) {
            meta.remove(Meta.TRACESTATE);
        } else {
            meta.put(Meta.TRACESTATE, state);
        }
    }

    /** Adds the stateless-era per-request {@code _meta} (version, client capabilities and info, log level). */
    void addStatelessMeta(ObjectNode params, Exchange exchange) {
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.put(Meta.PROTOCOL_VERSION, ProtocolVersion.V2026_07_28.text());
        ObjectNode caps = exchange.clientCapabilities();
        meta.set(Meta.CLIENT_CAPABILITIES, caps == null ? clientCapabilities : caps);
        meta.set(Meta.CLIENT_INFO, clientInfo);
        Optional<String> level = exchange.logLevel();
        level.ifPresent(l -> meta.put(Meta.LOG_LEVEL, l));
    }

    /** The filter of a {@code subscriptions/listen} request for the current opt-ins. */
    ObjectNode subscriptionFilter() {
        ObjectNode n = F.objectNode();
        if (listChanges.contains("tools")) {
            n.put("toolsListChanged", true);
        }
        if (listChanges.contains("prompts")) {
            n.put("promptsListChanged", true);
        }
        if (listChanges.contains("resources")) {
            n.put("resourcesListChanged", true);
        }
        if (!resourceUris.isEmpty()) {
            var arr = n.putArray("resourceSubscriptions");
            resourceUris.stream().sorted().forEach(arr::add);
        }
        return n;
    }

    /** Applies a {@code server/discover} result. */
    void applyDiscover(JsonNode result) {
        version = ProtocolVersion.V2026_07_28;
        serverCapabilities = result.get("capabilities") instanceof ObjectNode c ? c : F.objectNode();
        serverInfo = result.path("_meta").get(Meta.SERVER_INFO) instanceof ObjectNode i ? i : F.objectNode();
        instructions = result.path("instructions").asText("");
    }

    static List<String> supportedVersions(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(v -> out.add(v.asText()));
        return out;
    }

    void observed(boolean ok) {
        healthy = ok;
        lastObserved = System.nanoTime();
    }

    /**
     * The last observation, refreshed by a cheap check (ping or discover) when it is older than
     * {@link UpstreamConnectors.Options#healthCheckAfter()}; at most one check runs at a time.
     */
    @Override
    public boolean healthy() {
        if (closed) {
            return false;
        }
        if (System.nanoTime() - lastObserved > options.healthCheckAfter().toNanos() && checking.compareAndSet(false, true)) {
            try {
                healthCheck();
                observed(true);
            } catch (McpError e) {
                observed(true); // it answered
            } catch (RuntimeException e) {
                observed(false);
            } finally {
                checking.set(false);
            }
        }
        return healthy;
    }

    /** The era's cheap liveness check. */
    abstract void healthCheck() throws McpError;

    @Override
    public void listen(Set<String> listChanges, Set<String> resourceUris) {
        this.listChanges.addAll(listChanges);
        this.resourceUris.addAll(resourceUris);
        startListening();
    }

    abstract void startListening();

    /** An exchange for the connection's own requests (subscribe, ping): no client to ask. */
    Exchange internalExchange() {
        return Exchange.withoutClient(() -> closed, clientCapabilities, Map.of());
    }

    /** Stops every call in flight (they fail with "connection closed"). */
    void stopAll() {
        for (Inflight f : active) {
            f.stop(Inflight.End.CLOSED);
        }
    }

    UpstreamException failure(String kind, Throwable cause) {
        return new UpstreamException(name, "upstream '" + name + "': " + kind, cause);
    }
}
