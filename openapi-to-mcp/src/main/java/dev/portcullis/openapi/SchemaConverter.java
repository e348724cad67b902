package dev.portcullis.openapi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;

/**
 * Converts OpenAPI schema objects (2.0 via the converter, 3.0, 3.1) into JSON Schema 2020-12. Named schemas
 * ({@code #/components/schemas/X}) become {@code $defs} entries referenced by {@code $ref}, converted once per
 * document, so cycles stay cycles instead of being expanded. 3.0 idioms are rewritten ({@code nullable},
 * boolean {@code exclusiveMinimum}, {@code type: file}); keywords that mean nothing to a tool caller (examples,
 * discriminator, xml, extensions) are dropped; references that cannot be followed become unconstrained with a
 * warning. Not thread-safe; one per conversion.
 */
final class SchemaConverter {
    static final String SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";
    /** Deepest inline schema nesting converted. */
    static final int MAX_DEPTH = 64;
    static final int MAX_DESCRIPTION = 1024;
    private static final String COMPONENT_PREFIX = "#/components/schemas/";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern DEF_NAME_INVALID = Pattern.compile("[^A-Za-z0-9_.-]");
    private static final Set<String> COPIED = Set.of("type", "enum", "const", "default", "format", "minimum", "maximum",
            "multipleOf", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties",
            "maxProperties", "title", "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType",
            "dependentRequired", "minContains", "maxContains");
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_SINGLE = Set.of("additionalProperties", "unevaluatedProperties",
            "unevaluatedItems", "contains", "propertyNames", "if", "then", "else", "not", "contentSchema");

    private final OpenAPI api;
    private final ObjectMapper mapper;
    private final Map<String, String> defNames = new HashMap<>();
    private final Set<String> usedDefNames = new java.util.HashSet<>();
    private final Map<String, ObjectNode> defs = new HashMap<>();
    private final Map<String, Set<String>> defDeps = new HashMap<>();
    private final Problems problems;

    /** Problems sink with the current location. */
    interface Problems {
        void warn(String location, String message);
    }

    SchemaConverter(OpenAPI api, boolean v31, Problems problems) {
        this.api = api;
        this.mapper = v31 ? Json31.mapper() : Json.mapper();
        this.problems = problems;
    }

    /** Serialises a swagger model schema to a tree. */
    JsonNode tree(Schema<?> schema) {
        return schema == null ? F.objectNode() : mapper.valueToTree(schema);
    }

    /**
     * Converts one schema; names of {@code $defs} it references (directly) go to {@code refs}.
     *
     * @param location JSON pointer for problems
     */
    ObjectNode convert(JsonNode src, String location, Set<String> refs) {
        JsonNode out = node(src, location, 0, refs);
        return out.isObject() ? (ObjectNode) out : wrapBoolean(out);
    }

    private static ObjectNode wrapBoolean(JsonNode b) {
        ObjectNode o = F.objectNode();
        if (b.isBoolean() && !b.booleanValue()) {
            o.set("not", F.objectNode());
        }
        return o;
    }

    private JsonNode node(JsonNode n, String loc, int depth, Set<String> refs) {
        if (n == null || n.isNull()) {
            return F.objectNode();
        }
        if (n.isBoolean()) {
            return n;
        }
        if (!n.isObject()) {
            problems.warn(loc, "schema is not an object; accepting any value");
            return F.objectNode();
        }
        if (depth > MAX_DEPTH) {
            throw new OpenApiException("spec: " + loc + ": schema nests deeper than " + MAX_DEPTH + " levels",
                    List.of(new SpecProblem(SpecProblem.Severity.ERROR, loc, "schema nests too deeply")));
        }
        ObjectNode out = F.objectNode();
        boolean nullable = n.path("nullable").asBoolean(false) || n.path("x-nullable").asBoolean(false);
        JsonNode ref = n.get("$ref");
        if (ref != null && ref.isTextual()) {
            String target = ref(ref.textValue(), loc, refs);
            if (target != null) {
                out.put("$ref", target);
            }
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            String at = loc + "/" + k.replace("~", "~0").replace("/", "~1");
            if (COPIED.contains(k)) {
                if (k.equals("type") && v.isTextual() && v.textValue().equals("file")) {
                    out.put("type", "string");
                    out.put("contentEncoding", "base64");
                } else if (k.equals("type") && !v.isTextual() && !v.isArray()) {
                    problems.warn(at, "type is neither a string nor an array; dropped");
                } else {
                    out.set(k, v);
                }
            } else if (k.equals("description") && v.isTextual()) {
                out.put("description", bound(v.textValue().strip(), MAX_DESCRIPTION));
            } else if (k.equals("pattern") && v.isTextual()) {
                try {
                    Pattern.compile(v.textValue());
                    out.set(k, v);
                } catch (PatternSyntaxException ex) {
                    problems.warn(at, "pattern is not a valid regular expression; dropped");
                }
            } else if (k.equals("required")) {
                if (v.isArray()) {
                    ArrayNode req = out.putArray("required");
                    Set<String> seen = new LinkedHashSet<>();
                    v.forEach(x -> {
                        if (x.isTextual() && seen.add(x.textValue())) {
                            req.add(x);
                        }
                    });
                }
            } else if (SCHEMA_MAPS.contains(k)) {
                if (v.isObject()) {
                    ObjectNode m = out.withObject(k.equals("definitions") ? "$defs" : k);
                    for (Map.Entry<String, JsonNode> p : v.properties()) {
                        m.set(p.getKey(), node(p.getValue(), at + "/" + p.getKey().replace("~", "~0").replace("/", "~1"),
                                depth + 1, refs));
                    }
                }
            } else if (SCHEMA_LISTS.contains(k)) {
                if (v.isArray()) {
                    ArrayNode a = out.putArray(k);
                    for (int i = 0; i < v.size(); i++) {
                        a.add(node(v.get(i), at + "/" + i, depth + 1, refs));
                    }
                }
            } else if (k.equals("items")) {
                if (v.isArray()) {
                    ArrayNode a = out.putArray("prefixItems");
                    for (int i = 0; i < v.size(); i++) {
                        a.add(node(v.get(i), at + "/" + i, depth + 1, refs));
                    }
                } else {
                    out.set("items", node(v, at, depth + 1, refs));
                }
            } else if (SCHEMA_SINGLE.contains(k)) {
                out.set(k, node(v, at, depth + 1, refs));
            } else if (k.equals("$dynamicRef")) {
                problems.warn(at, "$dynamicRef is not supported; the value is not constrained there");
            }
            // everything else (examples, discriminator, xml, externalDocs, $id, $anchor, x-*, nullable) is dropped
        }
        if (n.path("exclusiveMinimum").isBoolean() && n.path("exclusiveMinimum").booleanValue() && out.has("minimum")) {
            out.set("exclusiveMinimum", out.remove("minimum"));
        } else if (n.path("exclusiveMinimum").isNumber()) {
            out.set("exclusiveMinimum", n.get("exclusiveMinimum"));
        }
        if (n.path("exclusiveMaximum").isBoolean() && n.path("exclusiveMaximum").booleanValue() && out.has("maximum")) {
            out.set("exclusiveMaximum", out.remove("maximum"));
        } else if (n.path("exclusiveMaximum").isNumber()) {
            out.set("exclusiveMaximum", n.get("exclusiveMaximum"));
        }
        if (nullable) {
            return nullable(out);
        }
        return out;
    }

    private static JsonNode nullable(ObjectNode out) {
        JsonNode type = out.get("type");
        if (type != null && type.isTextual() && !out.has("$ref")) {
            out.set("type", F.arrayNode().add(type.textValue()).add("null"));
        } else if (type != null && type.isArray() && !out.has("$ref")) {
            boolean has = false;
            for (JsonNode t : type) {
                has |= "null".equals(t.asText());
            }
            if (!has) {
                ((ArrayNode) type).add("null");
            }
        } else {
            ObjectNode wrap = F.objectNode();
            wrap.putArray("anyOf").add(out).add(F.objectNode().put("type", "null"));
            return wrap;
        }
        if (out.get("enum") instanceof ArrayNode en) {
            boolean has = false;
            for (JsonNode x : en) {
                has |= x.isNull();
            }
            if (!has) {
                en.addNull();
            }
        }
        return out;
    }

    /** Maps a document reference to a {@code #/$defs/...} reference, or null when it cannot be followed. */
    private String ref(String ref, String loc, Set<String> refs) {
        if (!ref.startsWith(COMPONENT_PREFIX)) {
            problems.warn(loc + "/$ref", "reference '" + SpecLoader.printable(ref) + "' cannot be followed; "
                    + "the value is not constrained there");
            return null;
        }
        String rest = ref.substring(COMPONENT_PREFIX.length());
        int slash = rest.indexOf('/');
        String rawName = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash);
        String name = URLDecoder.decode(rawName.replace("+", "%2B"), StandardCharsets.UTF_8)
                .replace("~1", "/").replace("~0", "~");
        Map<String, Schema> schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
        if (schemas == null || !schemas.containsKey(name)) {
            problems.warn(loc + "/$ref", "reference '" + SpecLoader.printable(ref) + "' points to nowhere; "
                    + "the value is not constrained there");
            return null;
        }
        String def = defName(name);
        refs.add(def);
        return "#/$defs/" + def + tail;
    }

    private String defName(String component) {
        return defNames.computeIfAbsent(component, c -> {
            String base = DEF_NAME_INVALID.matcher(c).replaceAll("_");
            if (base.isEmpty()) {
                base = "schema";
            }
            String name = base;
            for (int i = 2; !usedDefNames.add(name); i++) {
                name = base + "_" + i;
            }
            return name;
        });
    }

    private String componentOf(String def) {
        for (Map.Entry<String, String> e : defNames.entrySet()) {
            if (e.getValue().equals(def)) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("unknown def " + def);
    }

    /** Converts a named schema once; returns its tree. */
    private ObjectNode def(String defName) {
        ObjectNode done = defs.get(defName);
        if (done != null) {
            return done;
        }
        String component = componentOf(defName);
        Set<String> deps = new LinkedHashSet<>();
        String loc = "/components/schemas/" + component.replace("~", "~0").replace("/", "~1");
        ObjectNode converted = convert(tree(api.getComponents().getSchemas().get(component)), loc, deps);
        defs.put(defName, converted);
        defDeps.put(defName, deps);
        return converted;
    }

    /**
     * Makes a root schema: adds {@code $defs} for every named schema reachable from {@code root} and
     * {@code direct}, and the {@code $schema} declaration.
     */
    ObjectNode root(ObjectNode root, Set<String> direct) {
        Map<String, ObjectNode> closure = new TreeMap<>();
        Deque<String> todo = new ArrayDeque<>(direct);
        while (!todo.isEmpty()) {
            String d = todo.pop();
            if (closure.containsKey(d)) {
                continue;
            }
            closure.put(d, def(d));
            todo.addAll(defDeps.get(d));
        }
        ObjectNode out = F.objectNode();
        out.put("$schema", SCHEMA_DIALECT);
        root.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
        if (!closure.isEmpty()) {
            ObjectNode d = out.putObject("$defs");
            closure.forEach(d::set);
        }
        return out;
    }

    /** @return whether a converted schema certainly describes a JSON object (following one {@code $ref}) */
    boolean isObject(JsonNode schema) {
        JsonNode s = schema;
        for (int i = 0; i < 8 && s != null; i++) {
            JsonNode type = s.get("type");
            if (type != null) {
                return type.isTextual() && type.textValue().equals("object");
            }
            JsonNode ref = s.get("$ref");
            if (ref == null || !ref.textValue().startsWith("#/$defs/")) {
                return s.has("properties") && !s.has("anyOf") && !s.has("oneOf");
            }
            String name = ref.textValue().substring("#/$defs/".length());
            if (name.contains("/")) {
                return false;
            }
            s = def(name);
        }
        return false;
    }

    /** The referenced def for a {@code #/$defs/X} ref (for binary detection), or null. */
    JsonNode deref(JsonNode schema) {
        JsonNode s = schema;
        for (int i = 0; i < 8 && s != null && s.has("$ref"); i++) {
            String ref = s.get("$ref").textValue();
            if (!ref.startsWith("#/$defs/") || ref.indexOf('/', 8) > 0) {
                return s;
            }
            s = def(ref.substring("#/$defs/".length()));
        }
        return s;
    }

    static String bound(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

}
