package dev.portcullis.mcp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code x-mcp-header} tool-parameter annotations of 2026-07-28 Streamable HTTP: which argument values
 * a {@code tools/call} must mirror into {@code Mcp-Param-{name}} headers, and whether a tool's annotations
 * are valid at all (a tool with an invalid one must be left out of {@code tools/list}).
 */
final class McpParamHeaders {
    /** JavaScript's safe integer bound. */
    private static final long MAX_SAFE = (1L << 53) - 1;

    /** One annotated parameter: the chain of {@code properties} keys leading to it and the header name part. */
    record Param(List<String> path, String header) { }

    /** The analysis of one input schema: the parameters, or why the tool is invalid. */
    record Analysis(List<Param> params, String invalidReason) {
        boolean valid() {
            return invalidReason == null;
        }
    }

    private McpParamHeaders() {
    }

    static Analysis analyze(JsonNode inputSchema) {
        if (!(inputSchema instanceof ObjectNode)) {
            return new Analysis(List.of(), null);
        }
        List<Param> params = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String reason = collect(inputSchema, new ArrayList<>(), params, names);
        if (reason != null) {
            return new Analysis(List.of(), reason);
        }
        if (countAnnotations(inputSchema) != params.size()) {
            return new Analysis(List.of(), "x-mcp-header on a property not reachable through properties alone");
        }
        return new Analysis(List.copyOf(params), null);
    }

    private static String collect(JsonNode schema, List<String> path, List<Param> out, Set<String> names) {
        JsonNode props = schema.get("properties");
        if (!(props instanceof ObjectNode p)) {
            return null;
        }
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            JsonNode prop = e.getValue();
            List<String> here = new ArrayList<>(path);
            here.add(e.getKey());
            JsonNode h = prop.get("x-mcp-header");
            if (h != null) {
                if (!h.isTextual() || !HttpTokens.isToken(h.textValue())) {
                    return "x-mcp-header is not a valid header name token";
                }
                if (!names.add(h.textValue().toLowerCase(Locale.ROOT))) {
                    return "x-mcp-header values are not unique";
                }
                String type = prop.path("type").asText("");
                if (!type.equals("string") && !type.equals("integer") && !type.equals("boolean")) {
                    return "x-mcp-header on a parameter that is not a string, integer or boolean";
                }
                out.add(new Param(List.copyOf(here), h.textValue()));
            }
            if (prop instanceof ObjectNode) {
                String r = collect(prop, here, out, names);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    // counts x-mcp-header keys anywhere in the schema (keys of a properties map are names, not keywords)
    private static int countAnnotations(JsonNode node) {
        int n = 0;
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if ("x-mcp-header".equals(e.getKey())) {
                    n++;
                } else if ("properties".equals(e.getKey()) && e.getValue() instanceof ObjectNode props) {
                    for (JsonNode v : props) {
                        n += countAnnotations(v);
                    }
                } else {
                    n += countAnnotations(e.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode v : node) {
                n += countAnnotations(v);
            }
        }
        return n;
    }

    /**
     * The header value for one parameter of a call, or null when the header must be omitted (no value,
     * JSON null, or a value of a type the annotation does not allow).
     */
    static String value(JsonNode arguments, Param param) {
        JsonNode v = arguments;
        for (String key : param.path()) {
            if (!(v instanceof ObjectNode o)) {
                return null;
            }
            v = o.get(key);
        }
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return HttpUpstream.headerValue(v.textValue());
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "true" : "false";
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && Math.abs(v.longValue()) <= MAX_SAFE) {
            return Long.toString(v.longValue());
        }
        return null;
    }
}
