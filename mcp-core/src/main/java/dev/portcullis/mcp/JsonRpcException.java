package dev.portcullis.mcp;

import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Bytes or a tree could not be decoded into a {@link JsonRpcMessage}. Carries the JSON-RPC error code
 * ({@link McpError#PARSE_ERROR} or {@link McpError#INVALID_REQUEST}), a message that is safe to show to
 * the sender (it never quotes the input), and the id of the offending message when it could be read, so
 * that {@link #reply()} is exactly the error response JSON-RPC 2.0 asks for.
 */
public final class JsonRpcException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final transient JsonNode id;

    JsonRpcException(int code, String message, JsonNode id) {
        super(message, null, false, false);
        this.code = code;
        this.id = id == null ? NullNode.getInstance() : id;
    }

    /** @return {@link McpError#PARSE_ERROR} or {@link McpError#INVALID_REQUEST} */
    public int code() {
        return code;
    }

    /** @return the id of the offending message (string or integral number), or JSON null when unreadable */
    public JsonNode id() {
        return id;
    }

    /** @return the error response to send back to the sender */
    public JsonRpcMessage.Error reply() {
        return new JsonRpcMessage.Error(id, new McpError(code, Objects.requireNonNullElse(getMessage(), "")));
    }
}
