package dev.portcullis.openapi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One MCP tool made from one OpenAPI operation. The JSON trees are shared, not copied: treat them as read-only.
 *
 * @param name         tool name, {@code [A-Za-z0-9_.-]{1,128}}, unique within the document
 * @param title        short human title (the operation's summary), or empty
 * @param description  summary and description, trimmed and bounded
 * @param inputSchema  JSON Schema 2020-12 for the arguments
 * @param outputSchema JSON Schema 2020-12 for {@code structuredContent}, when the operation has a JSON success
 *                     response (always an object schema; see {@code docs/OPENAPI.md} for wrapping)
 * @param annotations  MCP tool annotations derived from the HTTP method
 * @param method       HTTP method, upper case
 * @param path         path template as written in the document
 * @param operationId  the operation's id, or empty
 * @param tags         the operation's tags (also in {@code _meta}, for policy)
 */
public record OpenApiTool(String name, String title, String description, ObjectNode inputSchema,
                          Optional<ObjectNode> outputSchema, ObjectNode annotations, String method, String path,
                          String operationId, List<String> tags) {

    /** The {@code _meta} key under which the operation is described. */
    public static final String META_KEY = "dev.portcullis/openapi";

    /** Validates. */
    public OpenApiTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(outputSchema, "outputSchema");
        tags = List.copyOf(tags);
    }

    /** @return the tool as MCP lists it ({@code name, title, description, inputSchema, outputSchema, annotations, _meta}) */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        if (!title.isEmpty()) {
            o.put("title", title);
        }
        o.put("description", description);
        o.set("inputSchema", inputSchema);
        outputSchema.ifPresent(s -> o.set("outputSchema", s));
        o.set("annotations", annotations);
        ObjectNode meta = o.putObject("_meta").putObject(META_KEY);
        meta.put("method", method);
        meta.put("path", path);
        if (!operationId.isEmpty()) {
            meta.put("operationId", operationId);
        }
        tags.forEach(meta.putArray("tags")::add);
        return o;
    }
}
