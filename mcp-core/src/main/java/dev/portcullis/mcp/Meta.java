package dev.portcullis.mcp;

/** Reserved {@code _meta} keys and header names of the protocol. */
final class Meta {
    static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    static final String H_SESSION = "Mcp-Session-Id";
    static final String H_VERSION = "MCP-Protocol-Version";
    static final String H_METHOD = "Mcp-Method";
    static final String H_NAME = "Mcp-Name";
    static final String H_LAST_EVENT_ID = "Last-Event-ID";

    private Meta() {
    }
}
