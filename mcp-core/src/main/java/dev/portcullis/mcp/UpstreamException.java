package dev.portcullis.mcp;

import dev.portcullis.core.PortcullisException;

/**
 * An upstream MCP server could not be reached, did not answer in time, or broke the protocol. The
 * message names the upstream and is safe to show to clients (no URLs with credentials, no payloads).
 */
public final class UpstreamException extends PortcullisException {
    private static final long serialVersionUID = 1L;

    private final String upstream;

    /**
     * @param upstream upstream name
     * @param message  what went wrong, safe to show
     * @param cause    cause, or {@code null}
     */
    public UpstreamException(String upstream, String message, Throwable cause) {
        super(message, cause);
        this.upstream = upstream;
    }

    /** @return the upstream's registered name */
    public String upstream() {
        return upstream;
    }
}
