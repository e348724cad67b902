package dev.portcullis.mcp;

/**
 * Creates the gateway's {@link UpstreamConnector}: one shared HTTP client (JDK {@code java.net.http}, with
 * connection pooling, HTTP/2 over TLS and virtual-thread execution) and the stdio child processes.
 */
public final class UpstreamConnectors {

    private UpstreamConnectors() {
    }

    /** @return a new connector; close it to close every connection and child process it opened */
    public static UpstreamConnector create() {
        return new DefaultConnector();
    }
}
