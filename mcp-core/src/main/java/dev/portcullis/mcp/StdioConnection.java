package dev.portcullis.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An upstream launched as a child process speaking newline-delimited JSON-RPC on stdin/stdout, in either
 * era (probed with {@code server/discover}, falling back to {@code initialize}). Requests are multiplexed
 * by id; stderr lines go to the log at DEBUG; when the child dies, calls in flight fail and the child is
 * restarted with exponential back-off.
 */
final class StdioConnection extends BaseConnection {
    private static final Duration BACKOFF_MIN = Duration.ofMillis(250);
    private static final Duration STABLE_AFTER = Duration.ofSeconds(60);
    private static final int MAX_LINE = 16 * 1024 * 1024;

    private final UpstreamTarget.Stdio target;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private volatile Process process;
    private volatile OutputStream stdin;
    private volatile Boolean stateless;
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Duration backoff = BACKOFF_MIN;
    private volatile long startedAt;
    private volatile JsonNode listenId;
    private volatile int restarts;

    private record Pending(Inflight f, CompletableFuture<JsonRpcMessage> response) { }

    StdioConnection(UpstreamTarget.Stdio target, ObjectNode clientInfo, ObjectNode clientCapabilities,
                    UpstreamListener listener, Watchdog watchdog, UpstreamConnectors.Options options) {
        super(target, clientInfo, clientCapabilities, listener, watchdog, options);
        this.target = target;
    }

    /** Launches the child and performs the handshake; fails with an {@link UpstreamException}. */
    StdioConnection start() {
        try {
            launch();
            handshake();
            ready.complete(null);
            return this;
        } catch (RuntimeException e) {
            closed = true;
            stopProcess();
            throw e instanceof UpstreamException ue ? ue : failure("start failed", e);
        }
    }

    private void launch() {
        ProcessBuilder pb = new ProcessBuilder(target.command());
        pb.environment().putAll(target.env());
        target.workingDir().ifPresent(d -> pb.directory(d.toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw failure("could not launch the process", e);
        }
        process = p;
        stdin = p.getOutputStream();
        startedAt = System.nanoTime();
        Thread.ofVirtual().name("upstream-stdout-" + name).start(() -> readStdout(p));
        Thread.ofVirtual().name("upstream-stderr-" + name).start(() -> readStderr(p));
        log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': process started (pid " + p.pid() + ")");
    }

    private void handshake() {
        if (stateless == null) {
            stateless = probe();
        }
        if (stateless) {
            JsonNode result = internalRequest("server/discover", F.objectNode(), requestTimeout);
            applyDiscover(result);
        } else {
            initialize();
        }
    }

    /** true when the child is modern; false when it is legacy (any non-modern error or no answer in time). */
    private boolean probe() {
        ObjectNode params = F.objectNode();
        try {
            JsonNode result = internalRequest("server/discover", params, min(options.stdioProbeTimeout(), requestTimeout));
            List<String> versions = supportedVersions(result.path("supportedVersions"));
            if (versions.contains(ProtocolVersion.V2026_07_28.text())) {
                return true;
            }
            return false;
        } catch (ProbeError e) {
            if (e.error.code() == McpError.UNSUPPORTED_PROTOCOL_VERSION) {
                throw failure("no mutually supported protocol version", null);
            }
            return false;
        } catch (UpstreamException e) {
            if (process != null && process.isAlive()) {
                return false; // no answer within the probe timeout: legacy
            }
            throw e;
        }
    }

    private void initialize() {
        ObjectNode params = F.objectNode();
        params.put("protocolVersion", ProtocolVersion.latestSession().text());
        params.set("capabilities", clientCapabilities);
        params.set("clientInfo", clientInfo);
        JsonNode result;
        try {
            result = internalRequest("initialize", params, requestTimeout);
        } catch (ProbeError e) {
            throw failure("initialize rejected (code " + e.error.code() + ")", null);
        }
        ProtocolVersion negotiated = ProtocolVersion.parse(result.path("protocolVersion").asText(""))
                .filter(v -> v.era() == ProtocolVersion.Era.SESSION)
                .orElseThrow(() -> failure("unsupported protocol version", null));
        version = negotiated;
        serverCapabilities = result.get("capabilities") instanceof ObjectNode c ? c : F.objectNode();
        serverInfo = result.get("serverInfo") instanceof ObjectNode i ? i : F.objectNode();
        instructions = result.path("instructions").asText("");
        write(new JsonRpcMessage.Notification("notifications/initialized", null));
    }

    /** A JSON-RPC error answer to a handshake request. */
    private static final class ProbeError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient McpError error;

        ProbeError(McpError error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    /** A request of the connection itself, before the connection is ready. */
    private JsonNode internalRequest(String method, ObjectNode params, Duration timeout) {
        if (params != null && "server/discover".equals(method)) {
            addStatelessMeta(params, internalExchange());
        }
        Inflight f = new Inflight(internalExchange(), timeout);
        watchdog.watch(f);
        try {
            JsonRpcMessage m = exchangeMessage(method, params, f, false);
            if (m instanceof JsonRpcMessage.Error e) {
                throw new ProbeError(e.error());
            }
            return ((JsonRpcMessage.Result) m).result();
        } finally {
            f.stop(Inflight.End.CLOSED);
            watchdog.unwatch(f);
        }
    }

    /** Writes a request and waits for its response, the call's end, or the child's death. */
    private JsonRpcMessage exchangeMessage(String method, ObjectNode params, Inflight f, boolean cancellable) {
        JsonNode id = nextId();
        f.upstreamId = id;
        Pending p = new Pending(f, new CompletableFuture<>());
        pending.put(id.asText(), p);
        try {
            write(new JsonRpcMessage.Request(id, method, params));
            CompletableFuture.anyOf(p.response, f.stopped).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.stop(Inflight.End.CANCELLED);
        } catch (ExecutionException e) {
            // the response future failed: the child died
        } finally {
            pending.remove(id.asText());
        }
        if (p.response.isDone()) {
            try {
                return p.response.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof UpstreamException ue ? ue : failure("request failed", e.getCause());
            }
        }
        Inflight.End end = f.end();
        if (cancellable && (end == Inflight.End.CANCELLED || end == Inflight.End.TIMED_OUT)) {
            ObjectNode c = F.objectNode();
            c.set("requestId", id);
            c.put("reason", end == Inflight.End.CANCELLED ? "cancelled by the client" : "timed out");
            try {
                write(new JsonRpcMessage.Notification("notifications/cancelled", c));
            } catch (UpstreamException ignored) {
                // the child is gone; nothing to cancel
            }
        }
        throw f.failure(name, null);
    }

    private void write(JsonRpcMessage m) {
        byte[] bytes = JsonRpc.encodeBytes(m);
        synchronized (writeLock) {
            OutputStream out = stdin;
            try {
                out.write(bytes);
                out.write('\n');
                out.flush();
            } catch (IOException | NullPointerException e) {
                throw failure("process not accepting input", null);
            }
        }
    }

    @Override
    public JsonNode request(String method, ObjectNode params, Exchange exchange) throws McpError {
        return call(method, params, exchange, f -> {
            awaitReady(f);
            ObjectNode base = ownParams(params, exchange);
            if (Boolean.TRUE.equals(stateless)) {
                ObjectNode b = base == null ? F.objectNode() : base;
                mapProgressToken(b, f);
                addStatelessMeta(b, exchange);
                addTraceMeta(b, exchange);
                return multiRoundTrip(b, f, p -> result(exchangeMessage(method, p, f, true)));
            }
            if (base != null) {
                mapProgressToken(base, f);
                addTraceMeta(base, exchange);
            }
            return result(exchangeMessage(method, base, f, true));
        });
    }

    private static JsonNode result(JsonRpcMessage m) throws McpError {
        if (m instanceof JsonRpcMessage.Error e) {
            throw e.error();
        }
        return ((JsonRpcMessage.Result) m).result();
    }

    private void awaitReady(Inflight f) {
        CompletableFuture<Void> r = ready;
        if (r.isDone()) {
            return;
        }
        try {
            CompletableFuture.anyOf(r, f.stopped).get(f.remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // handled below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!r.isDone()) {
            if (f.end() != Inflight.End.NONE) {
                throw f.failure(name, null);
            }
            throw failure("process not running", null);
        }
    }

    private void readStdout(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.length() > MAX_LINE) {
                    log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': oversized message dropped");
                    continue;
                }
                JsonRpcMessage m;
                try {
                    m = JsonRpc.decode(line);
                } catch (JsonRpcException e) {
                    log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': malformed line on stdout dropped");
                    continue;
                }
                onMessage(m);
            }
        } catch (IOException e) {
            // the stream broke: same as exit
        }
        onExit(p);
    }

    private void onMessage(JsonRpcMessage m) {
        switch (m) {
            case JsonRpcMessage.Result r -> complete(r.id(), r);
            case JsonRpcMessage.Error e -> {
                if (e.id().isNull()) {
                    log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': error without id dropped");
                } else {
                    complete(e.id(), e);
                }
            }
            case JsonRpcMessage.Notification n -> {
                if ("notifications/progress".equals(n.method())) {
                    if (!dispatchProgress(n.params())) {
                        log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': progress for an unknown token");
                    }
                } else {
                    deliverUnsolicited(n.method(), n.params());
                }
            }
            case JsonRpcMessage.Request req -> Thread.ofVirtual().name("upstream-answer-" + name).start(() -> {
                JsonRpcMessage answer = answer(req, soleExchange());
                try {
                    write(answer);
                } catch (UpstreamException e) {
                    log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': answer not delivered");
                }
            });
        }
    }

    /**
     * stdio carries no link between a server request and the client request that caused it; when exactly one
     * client call is in flight it is the only candidate, otherwise the request goes to the listener.
     */
    private Exchange soleExchange() {
        List<Pending> calls = pending.values().stream().filter(p -> active.contains(p.f)).toList();
        return calls.size() == 1 ? calls.get(0).f.exchange : null;
    }

    private void complete(JsonNode id, JsonRpcMessage m) {
        Pending p = pending.get(id.asText());
        if (p != null) {
            p.response.complete(m);
        } else if (listenId != null && id.asText().equals(listenId.asText())) {
            log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': subscription ended by the server");
        } else {
            log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "': response for an unknown id dropped");
        }
    }

    private void readStderr(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String shown = line.length() > 2000 ? line.substring(0, 2000) + "..." : line;
                log.log(System.Logger.Level.DEBUG, () -> "upstream '" + name + "' stderr: " + shown);
            }
        } catch (IOException e) {
            // process gone
        }
    }

    private void onExit(Process p) {
        if (p != process) {
            return;
        }
        ready = new CompletableFuture<>();
        UpstreamException dead = failure("process exited", null);
        for (Pending pd : pending.values()) {
            pd.response.completeExceptionally(dead);
        }
        if (closed) {
            return;
        }
        observed(false);
        try {
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String code = p.isAlive() ? "?" : String.valueOf(p.exitValue());
        log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': process exited (code " + code + "), restarting");
        if (System.nanoTime() - startedAt > STABLE_AFTER.toNanos()) {
            backoff = BACKOFF_MIN;
        }
        Thread.ofVirtual().name("upstream-restart-" + name).start(this::restart);
    }

    private void restart() {
        while (!closed) {
            Duration wait = backoff;
            backoff = min(backoff.multipliedBy(2), options.stdioRestartMax());
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                stopProcess();
                launch();
                handshake();
                restarts++;
                observed(true);
                ready.complete(null);
                if (!listChanges.isEmpty() || !resourceUris.isEmpty()) {
                    startListening();
                }
                return;
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': restart failed (" + e.getMessage() + ")");
            }
        }
    }

    @Override
    public void notify(String method, ObjectNode params) {
        try {
            write(new JsonRpcMessage.Notification(method, params));
        } catch (UpstreamException e) {
            log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': notification not delivered");
        }
    }

    @Override
    synchronized void startListening() {
        if (closed || !ready.isDone()) {
            return;
        }
        if (Boolean.TRUE.equals(stateless)) {
            JsonNode old = listenId;
            if (old != null) {
                ObjectNode c = F.objectNode();
                c.set("requestId", old);
                notify("notifications/cancelled", c);
            }
            ObjectNode params = F.objectNode();
            addStatelessMeta(params, internalExchange());
            params.set("notifications", subscriptionFilter());
            JsonNode id = nextId();
            listenId = id;
            write(new JsonRpcMessage.Request(id, "subscriptions/listen", params));
        } else {
            for (String uri : resourceUris) {
                Thread.ofVirtual().name("upstream-subscribe-" + name).start(() -> {
                    try {
                        request("resources/subscribe", F.objectNode().put("uri", uri), internalExchange());
                    } catch (McpError | UpstreamException e) {
                        log.log(System.Logger.Level.WARNING, () -> "upstream '" + name + "': resources/subscribe failed");
                    }
                });
            }
        }
    }

    @Override
    void healthCheck() throws McpError {
        request(Boolean.TRUE.equals(stateless) ? "server/discover" : "ping", null, internalExchange());
    }

    /** @return the child's pid (tests and diagnostics) */
    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** @return how often the child was restarted */
    int restarts() {
        return restarts;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll();
        stopProcess();
        log.log(System.Logger.Level.INFO, () -> "upstream '" + name + "': process stopped");
    }

    /** Closes stdin, waits, then escalates to SIGTERM and SIGKILL (children of the child too). */
    private void stopProcess() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                List<ProcessHandle> children = p.descendants().toList();
                p.destroy();
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(2, TimeUnit.SECONDS);
                }
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

}
