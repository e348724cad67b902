package dev.portcullis.mcp;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A live connection to one upstream MCP server, in whichever era the server speaks. The same calls
 * work for both eras: for a session-era server the connection owns the session (initialize,
 * {@code Mcp-Session-Id}, GET stream, resumption, re-initialize after 404, DELETE on close); for a
 * stateless server it adds the per-request {@code _meta} and headers and runs the multi-round-trip
 * loop, asking the {@link Exchange} for each input request. Thread-safe: many requests may be in
 * flight at once.
 */
public interface UpstreamConnection extends AutoCloseable {

    /** @return the upstream's registered name */
    String name();

    /** @return the negotiated protocol revision */
    ProtocolVersion protocolVersion();

    /** @return the server's capabilities (from initialize or server/discover) */
    ObjectNode serverCapabilities();

    /** @return the server's implementation info ({@code name}, {@code version}, ...) */
    ObjectNode serverInfo();

    /** @return the server's instructions, or an empty string */
    String instructions();

    /**
     * Sends a request and waits for its final result.
     *
     * @param method   MCP method, e.g. {@code tools/call}
     * @param params   params as the client sent them (the connection adds what its era needs)
     * @param exchange the downstream side of the request
     * @return the final result (for stateless servers, after all input rounds; {@code resultType} removed
     *         only if the caller's era needs it removed — the gateway decides)
     * @throws McpError           the upstream answered with a JSON-RPC error
     * @throws UpstreamException the upstream could not be reached, timed out or broke the protocol
     */
    JsonNode request(String method, ObjectNode params, Exchange exchange) throws McpError;

    /**
     * Sends a notification (e.g. {@code notifications/roots/list_changed}); cancellation of in-flight
     * requests is done through {@link Exchange#cancelled()}, not here.
     *
     * @param method notification method
     * @param params params
     */
    void notify(String method, ObjectNode params);

    /**
     * Opts in to change notifications, delivered to the listener given at connect time: for session-era
     * servers via the GET stream and {@code resources/subscribe}; for stateless servers via
     * {@code subscriptions/listen}.
     *
     * @param listChanges   which list changes to receive: {@code tools}, {@code prompts}, {@code resources}
     * @param resourceUris  resources whose updates to receive
     */
    void listen(Set<String> listChanges, Set<String> resourceUris);

    /** @return whether the connection is usable (last request or health check succeeded) */
    boolean healthy();

    /** Ends the session (DELETE for session-era HTTP servers, stops a stdio child) and frees resources. */
    @Override
    void close();
}
