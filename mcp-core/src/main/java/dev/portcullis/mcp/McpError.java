package dev.portcullis.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON-RPC error, thrown where a method cannot produce a result and carried unchanged to the party
 * that asked. The message must be safe to show to the client.
 */
public final class McpError extends Exception {
    private static final long serialVersionUID = 1L;

    /** Invalid JSON was received. */
    public static final int PARSE_ERROR = -32700;
    /** The JSON sent is not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** The method does not exist or is not available. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Invalid method parameters. */
    public static final int INVALID_PARAMS = -32602;
    /** Internal JSON-RPC error. */
    public static final int INTERNAL_ERROR = -32603;
    /** 2026-07-28: an HTTP header does not match the body (Mcp-Method, Mcp-Name, version). */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: the request needs a client capability that was not declared. */
    public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the protocol version is not supported. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private final int code;
    private final transient JsonNode data;

    /**
     * @param code    JSON-RPC error code
     * @param message message safe to show to the client
     * @param data    optional data, or {@code null}
     */
    public McpError(int code, String message, JsonNode data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    /**
     * @param code    JSON-RPC error code
     * @param message message safe to show to the client
     */
    public McpError(int code, String message) {
        this(code, message, null);
    }

    /** @return the JSON-RPC error code */
    public int code() {
        return code;
    }

    /** @return error data, or {@code null} */
    public JsonNode data() {
        return data;
    }
}
