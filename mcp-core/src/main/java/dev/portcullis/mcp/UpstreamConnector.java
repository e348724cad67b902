package dev.portcullis.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Opens {@link UpstreamConnection}s. One connector is shared by the gateway (it owns the HTTP client
 * pool and the stdio child processes).
 */
public interface UpstreamConnector extends AutoCloseable {

    /**
     * Connects to an upstream: discovers its era and version (or uses the configured one), performs the
     * handshake the era needs.
     *
     * @param target     where the upstream is
     * @param clientInfo the implementation info the gateway presents ({@code name}, {@code version})
     * @param clientCapabilities capabilities to declare (the downstream client's, so the upstream only
     *                   asks for what the client can answer)
     * @param listener   receives unsolicited messages
     * @return the connection
     * @throws UpstreamException when the upstream cannot be reached or the handshake fails
     */
    UpstreamConnection connect(UpstreamTarget target, ObjectNode clientInfo, ObjectNode clientCapabilities,
                               UpstreamListener listener);

    /** Closes every connection and child process. */
    @Override
    void close();
}
