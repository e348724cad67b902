package dev.portcullis.server.registry;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamConnection;
import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.mcp.UpstreamException;
import dev.portcullis.mcp.UpstreamListener;
import dev.portcullis.registry.Health;
import dev.portcullis.registry.Registration;
import dev.portcullis.registry.Registry;
import dev.portcullis.mcp.UpstreamTarget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks every enabled upstream's health on a background virtual thread and reports it to the registry.
 * Each upstream is checked through a connection the gateway owns (never a client's), kept between rounds
 * and reopened when it fails or the registration changes; a check that takes longer than its timeout
 * counts as unhealthy. Requests never wait for a check.
 */
final class HealthChecker implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(HealthChecker.class.getName());

    private final Registry registry;
    private final UpstreamConnector connector;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final ObjectNode clientInfo;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** A gateway-owned connection and the target it was opened for. */
    private record Probe(UpstreamTarget target, UpstreamConnection connection) {
    }

    /**
     * @param registry  the registry to read and report to
     * @param connector opens the checker's own connections (closed with the checker)
     * @param interval  time between rounds
     * @param version   gateway version, announced as client info
     */
    HealthChecker(Registry registry, UpstreamConnector connector, Duration interval, String version) {
        this.registry = registry;
        this.connector = connector;
        this.interval = interval;
        // long enough for a slow handshake, short enough that a hung upstream never delays the next round much
        this.timeout = Duration.ofMillis(Math.max(1000, Math.min(10_000, interval.toMillis())));
        this.clock = Clock.systemUTC();
        this.clientInfo = JsonRpc.mapper().createObjectNode().put("name", "portcullis-health").put("version", version);
        this.thread = Thread.ofVirtual().name("registry-health").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                round();
            } catch (RuntimeException e) {
                LOGGER.log(Level.ERROR, "Health check round failed", e);
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Checks every enabled upstream once, in parallel, each bounded by the timeout. */
    void round() {
        List<Registration> enabled = registry.list().stream().filter(Registration::enabled).toList();
        Set<String> names = enabled.stream().map(Registration::name).collect(Collectors.toSet());
        for (String name : Set.copyOf(probes.keySet())) {
            if (!names.contains(name)) {
                drop(name);
            }
        }
        if (enabled.isEmpty()) {
            return;
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Registration, Future<Health>> running = new LinkedHashMap<>();
            for (Registration r : enabled) {
                running.put(r, pool.submit(() -> check(r)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<Registration, Future<Health>> e : running.entrySet()) {
                String name = e.getKey().name();
                Health health;
                try {
                    health = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException ex) {
                    e.getValue().cancel(true);
                    drop(name);
                    health = Health.unhealthy(clock.instant(), "no answer within " + timeout.toMillis() + " ms");
                } catch (ExecutionException ex) {
                    drop(name);
                    health = Health.unhealthy(clock.instant(), "check failed");
                    LOGGER.log(Level.DEBUG, "Health check of " + name + " failed", ex.getCause());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    pool.shutdownNow();
                    return;
                }
                if (closed) {
                    return;
                }
                registry.reportHealth(name, health);
            }
            pool.shutdownNow();
        }
    }

    private Health check(Registration r) {
        Probe probe = probes.get(r.name());
        if (probe != null && !probe.target().equals(r.target())) {
            drop(r.name());
            probe = null;
        }
        if (probe == null) {
            try {
                UpstreamConnection connection = connector.connect(r.target(), clientInfo,
                        JsonRpc.mapper().createObjectNode(), Quiet.INSTANCE);
                probe = new Probe(r.target(), connection);
                Probe previous = probes.put(r.name(), probe);
                if (previous != null) {
                    previous.connection().close();
                }
                // the handshake just succeeded: that is the check
                return Health.healthy(clock.instant(), connection.protocolVersion());
            } catch (UpstreamException e) {
                // the message may name the URL (and its query); administrators see only the summary
                LOGGER.log(Level.DEBUG, "Health check of " + r.name() + ": " + e.getMessage());
                return Health.unhealthy(clock.instant(), "unreachable, or the MCP handshake failed");
            }
        }
        if (probe.connection().healthy()) {
            return Health.healthy(clock.instant(), probe.connection().protocolVersion());
        }
        drop(r.name());
        return Health.unhealthy(clock.instant(), "did not answer the health check");
    }

    private void drop(String name) {
        Probe probe = probes.remove(name);
        if (probe != null) {
            try {
                probe.connection().close();
            } catch (RuntimeException e) {
                LOGGER.log(Level.DEBUG, "Closing the health connection to " + name + " failed", e);
            }
        }
    }

    /** Stops checking and closes the checker's connections. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set.copyOf(probes.keySet()).forEach(this::drop);
        connector.close();
    }

    /** The checker's connections ignore what upstreams send on their own and answer no requests. */
    private enum Quiet implements UpstreamListener {
        INSTANCE;

        @Override
        public void onNotification(String method, ObjectNode params) {
        }

        @Override
        public JsonNode onRequest(String method, ObjectNode params) throws McpError {
            throw new McpError(McpError.METHOD_NOT_FOUND, "The gateway's health check answers no requests.");
        }
    }
}
