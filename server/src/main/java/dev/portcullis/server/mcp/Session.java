package dev.portcullis.server.mcp;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.mcp.ProtocolVersion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A session-era client's session (2025-06-18, 2025-11-25): what it negotiated, its streams, the requests
 * it has in flight, the requests the gateway relayed to it and awaits answers for, and its upstream
 * connections. Bound to the principal that created it.
 */
final class Session {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String id;
    final String principal;
    final ProtocolVersion version;
    final ObjectNode clientInfo;
    final ObjectNode clientCapabilities;
    final ConnectionSet connections;
    final Map<String, EventStream> streams = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<JsonNode>> pendingAsks = new ConcurrentHashMap<>();
    final Map<JsonNode, Call> calls = new ConcurrentHashMap<>();
    final EventStream serverStream;
    /** Tasks created through this session; null when its protocol version has none (before 2025-11-25). */
    final Tasks tasks;
    private final AtomicLong streamIds = new AtomicLong();
    private final AtomicLong askIds = new AtomicLong();
    private volatile String logLevel;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean initialized;

    Session(String principal, ProtocolVersion version, ObjectNode clientInfo, ObjectNode clientCapabilities,
            java.util.function.Function<Session, ConnectionSet> connections) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        this.id = HexFormat.of().formatHex(bytes);
        this.principal = principal;
        this.version = version;
        this.clientInfo = clientInfo;
        this.clientCapabilities = clientCapabilities;
        this.tasks = version == ProtocolVersion.V2025_11_25 ? new Tasks() : null;
        this.serverStream = new EventStream("g" + id.substring(0, 8));
        streams.put(serverStream.id(), serverStream);
        this.connections = connections.apply(this);
    }

    EventStream newStream() {
        EventStream stream = new EventStream("s" + streamIds.incrementAndGet());
        streams.put(stream.id(), stream);
        return stream;
    }

    void streamDone(EventStream stream) {
        // keep finished POST streams briefly resumable: the log is small and bounded
        if (streams.size() > 64) {
            streams.values().removeIf(s -> s != serverStream && s.closed());
        }
    }

    String nextAskId() {
        return "portcullis-" + askIds.incrementAndGet();
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - lastActivity;
    }

    Optional<String> logLevel() {
        return Optional.ofNullable(logLevel);
    }

    void logLevel(String level) {
        this.logLevel = level;
    }

    boolean initialized() {
        return initialized;
    }

    void initialized(boolean value) {
        this.initialized = value;
    }

    void close() {
        for (Call call : calls.values()) {
            call.cancel();
        }
        for (CompletableFuture<JsonNode> ask : pendingAsks.values()) {
            ask.completeExceptionally(new dev.portcullis.mcp.McpError(McpErrors.SESSION_NOT_FOUND, "The session has ended."));
        }
        for (EventStream s : streams.values()) {
            s.close();
        }
        connections.close();
    }
}
