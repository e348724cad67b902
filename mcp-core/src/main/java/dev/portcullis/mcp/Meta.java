package dev.portcullis.mcp;

/** Reserved {@code _meta} keys and HTTP header names of the protocol (both eras). */
public final class Meta {
    /** Protocol name {@code PROTOCOL_VERSION}. */
    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    /** Protocol name {@code CLIENT_CAPABILITIES}. */
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    /** Protocol name {@code CLIENT_INFO}. */
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    /** Protocol name {@code LOG_LEVEL}. */
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    /** Protocol name {@code SERVER_INFO}. */
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    /** Protocol name {@code SUBSCRIPTION_ID}. */
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    /** Protocol name {@code H_SESSION}. */
    public static final String H_SESSION = "Mcp-Session-Id";
    /** Protocol name {@code H_VERSION}. */
    public static final String H_VERSION = "MCP-Protocol-Version";
    /** Protocol name {@code H_METHOD}. */
    public static final String H_METHOD = "Mcp-Method";
    /** Protocol name {@code H_NAME}. */
    public static final String H_NAME = "Mcp-Name";
    /** Protocol name {@code H_LAST_EVENT_ID}. */
    public static final String H_LAST_EVENT_ID = "Last-Event-ID";
    /**
     * W3C Trace Context parent: the HTTP header name and the {@code _meta} key under which MCP carries trace
     * context in a request (the convention of OpenTelemetry's MCP semantic conventions).
     */
    public static final String TRACEPARENT = "traceparent";
    /** W3C Trace Context vendor state: header name and {@code _meta} key, next to {@link #TRACEPARENT}. */
    public static final String TRACESTATE = "tracestate";

    private Meta() {
    }
}
