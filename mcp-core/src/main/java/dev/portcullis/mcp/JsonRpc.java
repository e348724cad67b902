package dev.portcullis.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON-RPC 2.0 codec, as MCP uses it: one message per payload (batches were removed in
 * 2025-06-18), ids that are strings or integral numbers (never null, fractional, boolean, array or
 * object on a request), {@code params} that are objects.
 *
 * <p>Decoding bytes is strict: duplicate keys, nesting deeper than {@link #MAX_DEPTH}, trailing content
 * and malformed UTF-8 are parse errors. Numbers keep their exact text (big integers stay exact, decimals
 * are kept as written), so ids and params are echoed unchanged. Every failure is a
 * {@link JsonRpcException}; nothing else escapes {@code decode}.
 *
 * <p>Thread-safe; all methods are static.
 */
public final class JsonRpc {

    /** Deepest nesting of arrays and objects accepted when decoding bytes. */
    public static final int MAX_DEPTH = 128;

    private static final Set<String> RESPONSE_KEYS = Set.of("result", "error");

    // buffers are recycled through one shared pool: the default thread-local pool gives every new
    // virtual thread (one per connection or relayed call) fresh buffers
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private JsonRpc() {
    }

    /**
     * The mapper the codec uses (strict duplicate detection, depth bound, exact numbers). Share it rather
     * than configuring another: trees it builds round-trip without loss.
     *
     * @return the shared mapper; do not reconfigure it
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Decodes UTF-8 bytes holding one JSON-RPC message.
     *
     * @param json the payload
     * @return the message
     * @throws JsonRpcException {@code -32700} when the bytes are not one well-formed JSON value (or repeat a
     *                          key, or nest too deep); {@code -32600} when the value is not a valid message
     */
    public static JsonRpcMessage decode(byte[] json) throws JsonRpcException {
        return decode(parse(json));
    }

    /**
     * Decodes a string holding one JSON-RPC message.
     *
     * @param json the payload
     * @return the message
     * @throws JsonRpcException as {@link #decode(byte[])}
     */
    public static JsonRpcMessage decode(String json) throws JsonRpcException {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses bytes into a tree with the codec's strict rules, without interpreting it as a message.
     *
     * @param json the payload
     * @return the tree
     * @throws JsonRpcException {@code -32700} when the bytes are not one well-formed JSON value
     */
    public static JsonNode parse(byte[] json) throws JsonRpcException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new JsonRpcException(McpError.PARSE_ERROR, "Parse error: nesting or size limit exceeded", null);
        } catch (JsonParseException e) {
            String m = String.valueOf(e.getOriginalMessage());
            throw new JsonRpcException(McpError.PARSE_ERROR,
                    m.startsWith("Duplicate field") ? "Parse error: duplicate key" : "Parse error", null);
        } catch (JsonProcessingException e) {
            throw new JsonRpcException(McpError.PARSE_ERROR, "Parse error", null);
        } catch (IOException | RuntimeException e) {
            // malformed UTF-8 surfaces as CharConversionException; anything else from the parser is a parse error too
            throw new JsonRpcException(McpError.PARSE_ERROR, "Parse error", null);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new JsonRpcException(McpError.PARSE_ERROR, "Parse error: empty payload", null);
        }
        return tree;
    }

    /**
     * Interprets a tree as one JSON-RPC message. Duplicate keys and depth cannot be checked on a tree;
     * decode bytes to get those checks.
     *
     * @param tree the message
     * @return the message
     * @throws JsonRpcException {@code -32600} when the tree is not a valid message
     */
    public static JsonRpcMessage decode(JsonNode tree) throws JsonRpcException {
        if (tree == null) {
            throw invalid("Invalid Request: empty", null);
        }
        if (tree.isArray()) {
            throw invalid("Invalid Request: batches are not supported", null);
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw invalid("Invalid Request: not an object", null);
        }
        JsonNode idNode = obj.get("id");
        JsonNode readableId = isValidId(idNode) ? idNode : null;
        JsonNode version = obj.get("jsonrpc");
        if (version == null || !version.isTextual() || !"2.0".equals(version.textValue())) {
            throw invalid("Invalid Request: jsonrpc must be \"2.0\"", readableId);
        }
        JsonNode method = obj.get("method");
        boolean hasResult = obj.has("result");
        boolean hasError = obj.has("error");
        if (method != null) {
            if (hasResult || hasError) {
                throw invalid("Invalid Request: a request cannot carry result or error", readableId);
            }
            if (!method.isTextual()) {
                throw invalid("Invalid Request: method must be a string", readableId);
            }
            if (method.textValue().isEmpty()) {
                throw invalid("Invalid Request: method must not be empty", readableId);
            }
            ObjectNode params = null;
            if (obj.has("params")) {
                JsonNode p = obj.get("params");
                if (!(p instanceof ObjectNode po)) {
                    throw invalid("Invalid Request: params must be an object", readableId);
                }
                params = po;
            }
            if (idNode == null) {
                return new JsonRpcMessage.Notification(method.textValue(), params);
            }
            if (readableId == null) {
                throw invalid("Invalid Request: id must be a string or an integer", null);
            }
            return new JsonRpcMessage.Request(idNode, method.textValue(), params);
        }
        if (hasResult && hasError) {
            throw invalid("Invalid Request: a response cannot carry both result and error", readableId);
        }
        if (hasResult) {
            if (readableId == null) {
                throw invalid("Invalid Request: a result must carry a string or integer id", null);
            }
            return new JsonRpcMessage.Result(idNode, obj.get("result"));
        }
        if (hasError) {
            JsonNode id;
            if (idNode == null || idNode.isNull()) {
                id = NullNode.getInstance();
            } else if (readableId != null) {
                id = idNode;
            } else {
                throw invalid("Invalid Request: id must be a string, an integer or null", null);
            }
            return new JsonRpcMessage.Error(id, decodeError(obj.get("error"), readableId));
        }
        if (obj.has("method")) {
            throw invalid("Invalid Request: method must be a string", readableId);
        }
        throw invalid("Invalid Request: neither a request, a notification nor a response", readableId);
    }

    private static McpError decodeError(JsonNode error, JsonNode readableId) throws JsonRpcException {
        if (!(error instanceof ObjectNode e)) {
            throw invalid("Invalid Request: error must be an object", readableId);
        }
        JsonNode code = e.get("code");
        if (code == null || !code.isIntegralNumber() || !code.canConvertToInt()) {
            throw invalid("Invalid Request: error code must be an integer", readableId);
        }
        JsonNode message = e.get("message");
        if (message == null || !message.isTextual()) {
            throw invalid("Invalid Request: error message must be a string", readableId);
        }
        return new McpError(code.intValue(), message.textValue(), e.get("data"));
    }

    /**
     * Encodes a message as a tree.
     *
     * @param message the message
     * @return a fresh object node ({@code params}, {@code result} and error {@code data} are shared, not copied)
     */
    public static ObjectNode encode(JsonRpcMessage message) {
        ObjectNode out = MAPPER.getNodeFactory().objectNode();
        out.put("jsonrpc", "2.0");
        switch (message) {
            case JsonRpcMessage.Request r -> {
                out.set("id", r.id());
                out.put("method", r.method());
                if (r.params() != null) {
                    out.set("params", r.params());
                }
            }
            case JsonRpcMessage.Notification n -> {
                out.put("method", n.method());
                if (n.params() != null) {
                    out.set("params", n.params());
                }
            }
            case JsonRpcMessage.Result r -> {
                out.set("id", r.id());
                out.set("result", r.result());
            }
            case JsonRpcMessage.Error e -> {
                out.set("id", e.id());
                ObjectNode err = out.putObject("error");
                err.put("code", e.error().code());
                err.put("message", e.error().getMessage() == null ? "" : e.error().getMessage());
                if (e.error().data() != null) {
                    err.set("data", e.error().data());
                }
            }
        }
        return out;
    }

    /**
     * Encodes a message as UTF-8 JSON on one line (no raw line breaks; safe for stdio and SSE data).
     *
     * @param message the message
     * @return the bytes
     */
    public static byte[] encodeBytes(JsonRpcMessage message) {
        try {
            return MAPPER.writeValueAsBytes(encode(message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes any tree as compact UTF-8 JSON.
     *
     * @param tree the tree
     * @return the bytes
     */
    public static byte[] write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param id a candidate id
     * @return whether it is a valid request id: a string or an integral number
     */
    public static boolean isValidId(JsonNode id) {
        return id != null && (id.isTextual() || id.isIntegralNumber());
    }

    /**
     * Copies the two levels of a message's params or result that the gateway changes: the object itself and its
     * {@code _meta} object are new, every other value is shared with the original. Change the copy only at its
     * top level or inside its {@code _meta}; that never touches the original, and nothing below is copied (a
     * tool call's arguments can be large).
     *
     * @param object the params or result; null for none
     * @return the copy; an empty object for null
     */
    public static ObjectNode copyOuter(ObjectNode object) {
        ObjectNode copy = MAPPER.getNodeFactory().objectNode();
        if (object != null) {
            copy.setAll(object);
            if (object.get("_meta") instanceof ObjectNode meta) {
                copy.set("_meta", MAPPER.getNodeFactory().objectNode().setAll(meta));
            }
        }
        return copy;
    }

    private static JsonRpcException invalid(String message, JsonNode id) {
        return new JsonRpcException(McpError.INVALID_REQUEST, message, id);
    }
}
