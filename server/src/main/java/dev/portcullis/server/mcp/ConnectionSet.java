package dev.portcullis.server.mcp;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamConnection;
import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.mcp.UpstreamException;
import dev.portcullis.mcp.UpstreamListener;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The upstream connections of one downstream context (a session-era session, or one principal's
 * stateless requests), opened lazily, with the catalog cache of what each upstream lists.
 */
final class ConnectionSet implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(ConnectionSet.class.getName());

    private final UpstreamConnector connector;
    private final ObjectNode clientInfo;
    private final ObjectNode clientCapabilities;
    private final Downstream downstream;
    private final Map<String, UpstreamConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, UpstreamSpec> connectedTo = new ConcurrentHashMap<>();
    private final Map<String, Catalog.Listing> listings = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionSet(UpstreamConnector connector, ObjectNode clientInfo, ObjectNode clientCapabilities, Downstream downstream) {
        this.connector = connector;
        this.clientInfo = clientInfo;
        this.clientCapabilities = clientCapabilities;
        this.downstream = downstream;
    }

    /**
     * The live connection to an upstream, connecting (or reconnecting after a failure) as needed.
     *
     * @param spec the upstream
     * @return the connection
     * @throws McpError naming the upstream when it cannot be reached
     */
    UpstreamConnection connection(UpstreamSpec spec) throws McpError {
        if (closed) {
            throw McpErrors.error(McpErrors.SESSION_NOT_FOUND, "The session has ended.", "session-not-found");
        }
        UpstreamConnection existing = connections.get(spec.name());
        if (existing != null && existing.healthy() && spec.equals(connectedTo.get(spec.name()))) {
            return existing;
        }
        synchronized (this) {
            existing = connections.get(spec.name());
            // a registration replaced by a new version may point elsewhere: never reuse the old connection
            if (existing != null && existing.healthy() && spec.equals(connectedTo.get(spec.name()))) {
                return existing;
            }
            if (existing != null) {
                existing.close();
                connections.remove(spec.name());
                listings.remove(spec.name());
            }
            try {
                UpstreamConnection created = connector.connect(spec.target(), clientInfo, clientCapabilities,
                        new Listener(spec.name()));
                connections.put(spec.name(), created);
                connectedTo.put(spec.name(), spec);
                return created;
            } catch (UpstreamException e) {
                LOGGER.log(System.Logger.Level.WARNING, "Upstream " + spec.name() + " unavailable: " + e.getMessage());
                throw McpErrors.error(McpErrors.UPSTREAM_UNAVAILABLE,
                        "Upstream '" + spec.name() + "' is unavailable: " + e.getMessage(), "upstream-unavailable");
            }
        }
    }

    /** @return connections opened so far */
    Map<String, UpstreamConnection> open() {
        return Map.copyOf(connections);
    }

    /** @return the open connection to an upstream, without connecting; empty when there is none */
    Optional<UpstreamConnection> opened(String upstream) {
        return Optional.ofNullable(connections.get(upstream));
    }

    Optional<Catalog.Listing> listing(String upstream) {
        return Optional.ofNullable(listings.get(upstream));
    }

    void listing(String upstream, Catalog.Listing listing) {
        listings.put(upstream, listing);
    }

    void invalidate(String upstream) {
        listings.remove(upstream);
    }

    /**
     * Drops the cached listing of an upstream and, when it left the directory, closes its connection
     * (in the background: closing may wait for the upstream).
     *
     * @param upstream upstream name
     * @param gone     whether the upstream is no longer registered and enabled
     */
    void invalidate(String upstream, boolean gone) {
        listings.remove(upstream);
        if (gone) {
            // no lock: a connect in progress for this set must not hold up the registry's listener
            UpstreamConnection connection = connections.remove(upstream);
            connectedTo.remove(upstream);
            if (connection != null) {
                Thread.ofVirtual().name("close-upstream-" + upstream).start(() -> {
                    try {
                        connection.close();
                    } catch (RuntimeException e) {
                        LOGGER.log(System.Logger.Level.DEBUG, "Closing upstream " + upstream + " failed", e);
                    }
                });
            }
        }
    }

    /** An exchange for the gateway's own requests (list fetches): no client input is possible. */
    Exchange quietExchange() {
        return Exchange.withoutClient(() -> closed, clientCapabilities, java.util.Map.of());
    }

    @Override
    public void close() {
        closed = true;
        for (UpstreamConnection c : connections.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "Closing upstream " + c.name() + " failed", e);
            }
        }
        connections.clear();
        connectedTo.clear();
        listings.clear();
    }

    private final class Listener implements UpstreamListener {
        private final String upstream;

        Listener(String upstream) {
            this.upstream = upstream;
        }

        @Override
        public void onNotification(String method, ObjectNode params) {
            if (method.endsWith("/list_changed")) {
                invalidate(upstream);
            }
            downstream.notification(upstream, method, params);
        }

        @Override
        public JsonNode onRequest(String method, ObjectNode params) throws McpError {
            return downstream.request(upstream, method, params);
        }
    }
}
