package dev.portcullis.server.mcp;

import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.JsonRpcMessage;
import dev.portcullis.mcp.McpError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Gateway-specific JSON-RPC error codes (in the implementation-defined range -32000..-32019) and helpers
 * to render errors. Each error carries {@code data.reason}, a stable Portcullis reason code.
 */
final class McpErrors {
    /** An upstream could not be reached, timed out or broke the protocol. */
    static final int UPSTREAM_UNAVAILABLE = -32002;
    /** The session is unknown or expired (also HTTP 404). */
    static final int SESSION_NOT_FOUND = -32001;
    /** A tool's definition changed upstream and awaits approval. */
    static final int QUARANTINED = -32010;
    /** Too many sessions or requests. */
    static final int OVERLOADED = -32011;

    private McpErrors() {
    }

    static McpError error(int code, String message, String reason) {
        ObjectNode data = JsonRpc.mapper().createObjectNode();
        data.put("reason", reason);
        return new McpError(code, message, data);
    }

    static ObjectNode response(JsonNode id, McpError error) {
        return JsonRpc.encode(new JsonRpcMessage.Error(id == null ? NullNode.getInstance() : id, error));
    }

    static ObjectNode result(JsonNode id, JsonNode result) {
        return JsonRpc.encode(new JsonRpcMessage.Result(id, result));
    }
}
