package dev.portcullis.mcp;

import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON-RPC 2.0 message. Ids are kept as JSON nodes (a string or an integral number, exactly as sent)
 * so they are echoed back unchanged. {@code params}, {@code result} and error {@code data} are trees and
 * pass through the gateway without loss.
 */
public sealed interface JsonRpcMessage {

    /**
     * A request: expects exactly one response with the same id.
     *
     * @param id     string or integral number node, never JSON null
     * @param method method name
     * @param params params object, or {@code null} when absent
     */
    record Request(JsonNode id, String method, ObjectNode params) implements JsonRpcMessage {
        /** Rejects null id and method. */
        public Request {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(method, "method");
        }
    }

    /**
     * A notification: no id, no response.
     *
     * @param method method name
     * @param params params object, or {@code null} when absent
     */
    record Notification(String method, ObjectNode params) implements JsonRpcMessage {
        /** Rejects a null method. */
        public Notification {
            Objects.requireNonNull(method, "method");
        }
    }

    /**
     * A successful response.
     *
     * @param id     the id of the request answered
     * @param result the result (any JSON value; MCP uses objects)
     */
    record Result(JsonNode id, JsonNode result) implements JsonRpcMessage {
        /** Rejects nulls. */
        public Result {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * An error response.
     *
     * @param id    the id of the request answered; JSON null when the request id could not be read
     * @param error the error
     */
    record Error(JsonNode id, McpError error) implements JsonRpcMessage {
        /** Rejects nulls. */
        public Error {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(error, "error");
        }
    }
}
