package dev.portcullis.openapi;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.servers.ServerVariable;

import dev.portcullis.mcp.UpstreamTarget;

/**
 * The tools one OpenAPI document produces under one registration's options: one tool per selected operation
 * (webhooks and callbacks are not operations the gateway calls), in document order, with deterministic,
 * collision-free names. Immutable and thread-safe once built.
 */
public final class OpenApiToolset {
    /** Tool names: what MCP clients accept. */
    public static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    static final int MAX_ARG_NAME = 64;
    private static final int MAX_TOOL_DESCRIPTION = 1024;
    private static final Pattern INVALID = Pattern.compile("[^A-Za-z0-9_.-]");
    private static final List<PathItem.HttpMethod> METHOD_ORDER = List.of(PathItem.HttpMethod.GET,
            PathItem.HttpMethod.PUT, PathItem.HttpMethod.POST, PathItem.HttpMethod.DELETE, PathItem.HttpMethod.OPTIONS,
            PathItem.HttpMethod.HEAD, PathItem.HttpMethod.PATCH, PathItem.HttpMethod.TRACE);
    private static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final List<OpenApiTool> tools;
    private final Map<String, Binding> bindings;
    private final List<SpecProblem> problems;
    private final Set<URI> servers;
    private final String title;
    private final String version;

    private OpenApiToolset(List<OpenApiTool> tools, Map<String, Binding> bindings, List<SpecProblem> problems,
                           Set<URI> servers, String title, String version) {
        this.tools = List.copyOf(tools);
        this.bindings = Map.copyOf(bindings);
        this.problems = List.copyOf(problems);
        this.servers = Collections.unmodifiableSet(new LinkedHashSet<>(servers));
        this.title = title;
        this.version = version;
    }

    /**
     * Loads a registration's document and converts it with the registration's options.
     *
     * @param target the registration
     * @return the tools
     * @throws OpenApiException when the document cannot be read or is not OpenAPI 2.0/3.0/3.1, or an option is
     *                          inconsistent (a rename that collides, a rename to an invalid name)
     */
    public static OpenApiToolset load(UpstreamTarget.OpenApi target) {
        SpecLoader.Loaded loaded = SpecLoader.load(target.spec(), target.allowPrivateNetworks());
        return new Converter(loaded, target).convert();
    }

    /**
     * Loads a document with default options (every operation, no renames), e.g. for the CLI.
     *
     * @param spec the document
     * @return the tools
     * @throws OpenApiException when the document cannot be read or is not OpenAPI 2.0/3.0/3.1
     */
    public static OpenApiToolset load(UpstreamTarget.OpenApi.Spec spec) {
        return load(UpstreamTarget.OpenApi.of("cli", spec));
    }

    /** @return the tools, in document order */
    public List<OpenApiTool> tools() {
        return tools;
    }

    /** @return problems found while converting (warnings, and errors for operations that were skipped) */
    public List<SpecProblem> problems() {
        return problems;
    }

    /** @return the server URLs tool calls may go to (after variables and the base URL override) */
    public Set<URI> servers() {
        return servers;
    }

    /** @return the document's {@code info.title} */
    public String title() {
        return title;
    }

    /** @return the document's {@code info.version} */
    public String version() {
        return version;
    }

    static boolean isJsonMedia(String mediaType) {
        return Converter.isJson(mediaType);
    }

    Binding binding(String tool) {
        return bindings.get(tool);
    }

    /** One conversion run. */
    private static final class Converter {
        private final SpecLoader.Loaded loaded;
        private final OpenAPI api;
        private final UpstreamTarget.OpenApi target;
        private final List<SpecProblem> problems = new ArrayList<>();
        private final SchemaConverter schemas;
        private final Set<URI> servers = new LinkedHashSet<>();

        Converter(SpecLoader.Loaded loaded, UpstreamTarget.OpenApi target) {
            this.loaded = loaded;
            this.api = loaded.api();
            this.target = target;
            this.problems.addAll(loaded.problems());
            this.schemas = new SchemaConverter(api, loaded.v31(),
                    (loc, msg) -> problems.add(new SpecProblem(SpecProblem.Severity.WARNING, loc, msg)));
        }

        OpenApiToolset convert() {
            List<OpenApiTool> tools = new ArrayList<>();
            Map<String, Binding> bindings = new HashMap<>();
            Set<String> names = new HashSet<>();
            Set<String> renamedTargets = new HashSet<>();
            if (api.getPaths() != null) {
                for (Map.Entry<String, PathItem> pe : api.getPaths().entrySet()) {
                    String path = pe.getKey();
                    PathItem item = pe.getValue();
                    if (item == null) {
                        continue;
                    }
                    Map<PathItem.HttpMethod, Operation> ops = item.readOperationsMap();
                    for (PathItem.HttpMethod m : METHOD_ORDER) {
                        Operation op = ops.get(m);
                        if (op == null) {
                            continue;
                        }
                        String method = m.name();
                        List<String> tags = op.getTags() == null ? List.of() : List.copyOf(op.getTags());
                        if (!target.selection().selects(method, path, tags)) {
                            continue;
                        }
                        String loc = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT);
                        String opId = op.getOperationId() == null ? "" : op.getOperationId();
                        String key = method + " " + path;
                        String rename = target.renames().containsKey(opId) && !opId.isEmpty() ? target.renames().get(opId)
                                : target.renames().get(key);
                        String name;
                        if (rename != null) {
                            if (!TOOL_NAME.matcher(rename).matches()) {
                                throw new OpenApiException("renames: '" + SpecLoader.printable(rename)
                                        + "' for " + key + " is not a valid tool name ([A-Za-z0-9_.-]{1,128})");
                            }
                            if (!names.add(rename)) {
                                throw new OpenApiException("renames: '" + rename + "' for " + key
                                        + " collides with another tool");
                            }
                            renamedTargets.add(rename);
                            name = rename;
                        } else {
                            name = uniqueName(baseName(opId, method, path), names);
                        }
                        try {
                            tools.add(tool(name, method, path, item, op, tags, opId, key, loc, bindings));
                        } catch (OpenApiException e) {
                            names.remove(name);
                            problems.add(new SpecProblem(SpecProblem.Severity.ERROR, loc, e.getMessage()));
                        }
                    }
                }
            }
            String t = api.getInfo() == null || api.getInfo().getTitle() == null ? "" : api.getInfo().getTitle();
            String v = api.getInfo() == null || api.getInfo().getVersion() == null ? "" : api.getInfo().getVersion();
            return new OpenApiToolset(tools, bindings, problems, servers, t, v);
        }

        private OpenApiTool tool(String name, String method, String path, PathItem item, Operation op, List<String> tags,
                                 String opId, String key, String loc, Map<String, Binding> bindings) {
            // parameters: path-level first, overridden by operation-level ones with the same (name, in)
            Map<String, Parameter> merged = new LinkedHashMap<>();
            List<Parameter> all = new ArrayList<>();
            if (item.getParameters() != null) {
                all.addAll(item.getParameters());
            }
            if (op.getParameters() != null) {
                all.addAll(op.getParameters());
            }
            for (int i = 0; i < all.size(); i++) {
                Parameter p = resolve(all.get(i));
                if (p == null || p.getName() == null || p.getIn() == null) {
                    problems.add(new SpecProblem(SpecProblem.Severity.WARNING, loc + "/parameters/" + i,
                            "parameter without name or location, or a reference to nowhere; skipped"));
                    continue;
                }
                merged.put(p.getIn() + ":" + p.getName(), p);
            }
            List<Parameter> params = new ArrayList<>(merged.values());
            // claim order decides who keeps the plain name on a clash: path, query, header, cookie, then the body
            params.sort(java.util.Comparator.comparingInt(p -> inOrder(p.getIn())));
            Set<String> argNames = new HashSet<>();
            Set<String> rawNames = new HashSet<>();
            ObjectNode properties = F.objectNode();
            ArrayNode required = F.arrayNode();
            Set<String> refs = new LinkedHashSet<>();
            List<Binding.Param> bound = new ArrayList<>();
            for (Parameter p : params) {
                Binding.In in = in(p.getIn());
                if (in == null) {
                    problems.add(new SpecProblem(SpecProblem.Severity.WARNING, loc, "parameter '"
                            + SpecLoader.printable(p.getName()) + "' in '" + SpecLoader.printable(p.getIn())
                            + "' is not a known location; skipped"));
                    continue;
                }
                if (in == Binding.In.HEADER && IGNORED_HEADERS.contains(p.getName().toLowerCase(Locale.ROOT))) {
                    continue; // OpenAPI: Accept, Content-Type and Authorization header parameters are ignored
                }
                String arg = argName(p.getName(), in.name().toLowerCase(Locale.ROOT), argNames, !rawNames.add(p.getName()));
                boolean json = false;
                JsonNode src;
                if (p.getSchema() != null) {
                    src = schemas.tree(p.getSchema());
                } else if (p.getContent() != null && !p.getContent().isEmpty()) {
                    MediaType mt = p.getContent().values().iterator().next();
                    src = mt.getSchema() == null ? F.objectNode() : schemas.tree(mt.getSchema());
                    json = true;
                } else {
                    src = F.objectNode();
                }
                ObjectNode prop = schemas.convert(src, loc + "/parameters/" + escape(p.getName()), refs);
                if (!arg.equals(p.getName()) && !prop.has("title")) {
                    prop.put("title", p.getName());
                }
                if (p.getDescription() != null && !p.getDescription().isBlank()) {
                    prop.put("description", SchemaConverter.bound(p.getDescription().strip(), SchemaConverter.MAX_DESCRIPTION));
                }
                if (Boolean.TRUE.equals(p.getDeprecated())) {
                    prop.put("deprecated", true);
                }
                properties.set(arg, prop);
                if (in == Binding.In.PATH || Boolean.TRUE.equals(p.getRequired())) {
                    required.add(arg);
                }
                String style = p.getStyle() != null ? p.getStyle().toString()
                        : (in == Binding.In.QUERY || in == Binding.In.COOKIE ? "form" : "simple");
                boolean explode = p.getExplode() != null ? p.getExplode() : style.equals("form");
                bound.add(new Binding.Param(arg, p.getName(), in, style, explode,
                        Boolean.TRUE.equals(p.getAllowReserved()), json));
            }
            Optional<Binding.Body> body = body(op, loc, argNames, properties, required, refs);
            ObjectNode input = F.objectNode();
            input.put("type", "object");
            input.set("properties", properties);
            if (!required.isEmpty()) {
                input.set("required", required);
            }
            input.put("additionalProperties", false);
            ObjectNode inputSchema = schemas.root(input, refs);

            Binding.Output outputKind = Binding.Output.NONE;
            Optional<ObjectNode> output = Optional.empty();
            JsonNode success = successSchema(op, loc);
            if (success != null) {
                Set<String> outRefs = new LinkedHashSet<>();
                ObjectNode converted = schemas.convert(success, loc + "/responses", outRefs);
                if (schemas.isObject(converted)) {
                    converted.put("type", "object");
                    output = Optional.of(schemas.root(converted, outRefs));
                    outputKind = Binding.Output.OBJECT;
                } else {
                    ObjectNode wrap = F.objectNode();
                    wrap.put("type", "object");
                    wrap.putObject("properties").set("result", converted);
                    output = Optional.of(schemas.root(wrap, outRefs));
                    outputKind = Binding.Output.WRAPPED;
                }
            }
            List<URI> opServers = servers(op, item, loc);
            bindings.put(name, new Binding(name, method, path, opServers, bound, body, outputKind));

            String summary = op.getSummary() == null ? "" : op.getSummary().strip();
            String detail = op.getDescription() == null ? "" : op.getDescription().strip();
            String description = target.descriptions().containsKey(name) ? target.descriptions().get(name)
                    : target.descriptions().containsKey(opId) && !opId.isEmpty() ? target.descriptions().get(opId)
                    : target.descriptions().get(key);
            if (description == null) {
                description = summary.isEmpty() ? detail : detail.isEmpty() || detail.equals(summary) ? summary
                        : summary + "\n\n" + detail;
                if (description.isEmpty()) {
                    description = key;
                }
            }
            description = SchemaConverter.bound(description.strip(), MAX_TOOL_DESCRIPTION);
            ObjectNode annotations = F.objectNode();
            if (!summary.isEmpty()) {
                annotations.put("title", SchemaConverter.bound(summary, 200));
            }
            boolean safe = Set.of("GET", "HEAD", "OPTIONS", "TRACE").contains(method);
            annotations.put("readOnlyHint", safe);
            annotations.put("destructiveHint", Set.of("DELETE", "PUT", "PATCH").contains(method));
            // RFC 9110 §9.2.2: the safe methods, PUT and DELETE are idempotent
            annotations.put("idempotentHint", safe || method.equals("PUT") || method.equals("DELETE"));
            annotations.put("openWorldHint", true);
            return new OpenApiTool(name, SchemaConverter.bound(summary, 200), description, inputSchema, output,
                    annotations, method, path, opId, tags);
        }

        private Optional<Binding.Body> body(Operation op, String loc, Set<String> argNames, ObjectNode properties,
                                            ArrayNode required, Set<String> refs) {
            RequestBody rb = op.getRequestBody();
            for (int i = 0; i < 10 && rb != null && rb.get$ref() != null; i++) {
                String ref = rb.get$ref();
                String n = ref.substring(ref.lastIndexOf('/') + 1);
                rb = api.getComponents() == null || api.getComponents().getRequestBodies() == null ? null
                        : api.getComponents().getRequestBodies().get(n);
            }
            if (rb == null || rb.getContent() == null || rb.getContent().isEmpty()) {
                return Optional.empty();
            }
            Map.Entry<String, MediaType> chosen = chooseMedia(rb.getContent());
            String media = chosen.getKey();
            String m = media.toLowerCase(Locale.ROOT);
            Binding.BodyKind kind = isJson(m) ? Binding.BodyKind.JSON
                    : m.startsWith("application/x-www-form-urlencoded") ? Binding.BodyKind.FORM
                    : m.startsWith("multipart/") ? Binding.BodyKind.MULTIPART
                    : m.startsWith("text/") || m.contains("xml") ? Binding.BodyKind.TEXT : Binding.BodyKind.BINARY;
            String arg = argName("body", "request", argNames, false);
            if (!arg.equals("body")) {
                arg = argName("requestBody", "request", argNames, false);
            }
            ObjectNode schema;
            Set<String> binaryParts = new LinkedHashSet<>();
            switch (kind) {
                case BINARY -> schema = F.objectNode().put("type", "string").put("contentEncoding", "base64")
                        .put("contentMediaType", media);
                case TEXT -> schema = F.objectNode().put("type", "string").put("contentMediaType", media);
                default -> {
                    JsonNode src = chosen.getValue() == null || chosen.getValue().getSchema() == null ? F.objectNode()
                            : schemas.tree(chosen.getValue().getSchema());
                    schema = schemas.convert(src, loc + "/requestBody/content/" + escape(media) + "/schema", refs);
                    if (kind == Binding.BodyKind.MULTIPART) {
                        markBinaryParts(schema, binaryParts);
                    }
                }
            }
            if (rb.getDescription() != null && !rb.getDescription().isBlank() && !schema.has("description")) {
                schema.put("description", SchemaConverter.bound(rb.getDescription().strip(), SchemaConverter.MAX_DESCRIPTION));
            }
            properties.set(arg, schema);
            boolean req = Boolean.TRUE.equals(rb.getRequired());
            if (req) {
                required.add(arg);
            }
            return Optional.of(new Binding.Body(arg, media.contains("*") ? "application/octet-stream" : media, kind,
                    req, binaryParts));
        }

        /** Multipart fields that are files take base64 text; mark them in the schema and remember them. */
        private void markBinaryParts(ObjectNode schema, Set<String> binaryParts) {
            JsonNode root = schemas.deref(schema);
            if (root == null || !(root.get("properties") instanceof ObjectNode props)) {
                return;
            }
            boolean local = root == schema;
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                JsonNode p = e.getValue();
                JsonNode item = p.has("items") ? p.get("items") : p;
                if (isBinary(item)) {
                    binaryParts.add(e.getKey());
                    if (local && item instanceof ObjectNode o) {
                        o.remove("format");
                        o.put("contentEncoding", "base64");
                    }
                }
            }
        }

        private static boolean isBinary(JsonNode s) {
            String format = s.path("format").asText("");
            return format.equals("binary") || format.equals("byte") && false
                    || s.path("contentEncoding").asText("").equals("base64")
                    || s.has("contentMediaType") && !s.path("contentMediaType").asText("").startsWith("text/");
        }

        private static Map.Entry<String, MediaType> chooseMedia(Content content) {
            Map.Entry<String, MediaType> best = null;
            int bestRank = Integer.MAX_VALUE;
            for (Map.Entry<String, MediaType> e : content.entrySet()) {
                String m = e.getKey().toLowerCase(Locale.ROOT);
                int rank = isJson(m) ? 0 : m.startsWith("application/x-www-form-urlencoded") ? 1
                        : m.startsWith("multipart/form-data") ? 2 : m.startsWith("text/plain") ? 4
                        : m.contains("xml") ? 5 : 3;
                if (rank < bestRank) {
                    best = e;
                    bestRank = rank;
                }
            }
            return best;
        }

        static boolean isJson(String mediaType) {
            String m = mediaType.toLowerCase(Locale.ROOT);
            int semi = m.indexOf(';');
            if (semi >= 0) {
                m = m.substring(0, semi).strip();
            }
            return m.equals("application/json") || m.endsWith("+json") || m.equals("*/*") && false;
        }

        private JsonNode successSchema(Operation op, String loc) {
            if (op.getResponses() == null) {
                return null;
            }
            List<String> codes = new ArrayList<>(op.getResponses().keySet());
            codes.removeIf(c -> !c.startsWith("2"));
            Collections.sort(codes);
            for (String code : codes) {
                ApiResponse r = op.getResponses().get(code);
                for (int i = 0; i < 10 && r != null && r.get$ref() != null; i++) {
                    String n = r.get$ref().substring(r.get$ref().lastIndexOf('/') + 1);
                    r = api.getComponents() == null || api.getComponents().getResponses() == null ? null
                            : api.getComponents().getResponses().get(n);
                }
                if (r == null) {
                    continue;
                }
                if (r.getContent() == null || r.getContent().isEmpty()) {
                    return null; // first success answer has no body
                }
                for (Map.Entry<String, MediaType> e : r.getContent().entrySet()) {
                    if (isJson(e.getKey()) && e.getValue() != null && e.getValue().getSchema() != null) {
                        return schemas.tree(e.getValue().getSchema());
                    }
                }
                return null;
            }
            return null;
        }

        private List<URI> servers(Operation op, PathItem item, String loc) {
            if (target.baseUrl().isPresent()) {
                URI u = target.baseUrl().get();
                servers.add(u);
                return List.of(u);
            }
            List<Server> list = op.getServers() != null && !op.getServers().isEmpty() ? op.getServers()
                    : item.getServers() != null && !item.getServers().isEmpty() ? item.getServers() : api.getServers();
            List<URI> out = new ArrayList<>();
            if (list != null) {
                for (Server s : list) {
                    URI u = serverUri(s, loc);
                    if (u != null) {
                        out.add(u);
                        servers.add(u);
                    }
                }
            }
            return out;
        }

        private URI serverUri(Server s, String loc) {
            if (s == null || s.getUrl() == null) {
                return null;
            }
            String url = s.getUrl();
            if (s.getVariables() != null) {
                for (Map.Entry<String, ServerVariable> v : s.getVariables().entrySet()) {
                    String def = v.getValue() == null || v.getValue().getDefault() == null ? "" : v.getValue().getDefault();
                    url = url.replace("{" + v.getKey() + "}", def);
                }
            }
            try {
                URI u = URI.create(url);
                if (!u.isAbsolute()) {
                    if (loaded.base() == null || !loaded.base().getScheme().startsWith("http")) {
                        return null; // relative server URL with nothing to resolve it against: needs baseUrl
                    }
                    u = loaded.base().resolve(u);
                }
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    problems.add(new SpecProblem(SpecProblem.Severity.WARNING, loc + "/servers",
                            "server URL '" + SpecLoader.printable(url) + "' is not an absolute http(s) URL; ignored"));
                    return null;
                }
                return u;
            } catch (IllegalArgumentException e) {
                problems.add(new SpecProblem(SpecProblem.Severity.WARNING, loc + "/servers",
                        "server URL '" + SpecLoader.printable(url) + "' is not a valid URL; ignored"));
                return null;
            }
        }

        private Parameter resolve(Parameter p) {
            for (int i = 0; i < 10 && p != null && p.get$ref() != null; i++) {
                String n = p.get$ref().substring(p.get$ref().lastIndexOf('/') + 1);
                p = api.getComponents() == null || api.getComponents().getParameters() == null ? null
                        : api.getComponents().getParameters().get(n);
            }
            return p;
        }
    }

    private static int inOrder(String in) {
        return switch (in == null ? "" : in) {
            case "path" -> 0;
            case "query" -> 1;
            case "header" -> 2;
            case "cookie" -> 3;
            default -> 4;
        };
    }

    private static Binding.In in(String in) {
        return switch (in) {
            case "path" -> Binding.In.PATH;
            case "query" -> Binding.In.QUERY;
            case "header" -> Binding.In.HEADER;
            case "cookie" -> Binding.In.COOKIE;
            default -> null;
        };
    }

    /** Argument name: the parameter's name sanitised; on a clash, prefixed with its location; then numbered. */
    static String argName(String raw, String location, Set<String> taken, boolean clash) {
        String base = INVALID.matcher(raw).replaceAll("_");
        if (base.isEmpty()) {
            base = "param";
        }
        base = base.length() > MAX_ARG_NAME ? base.substring(0, MAX_ARG_NAME) : base;
        if (!taken.contains(base) && !clash) {
            taken.add(base);
            return base;
        }
        String prefixed = location + "_" + base;
        prefixed = prefixed.length() > MAX_ARG_NAME ? prefixed.substring(0, MAX_ARG_NAME) : prefixed;
        if (taken.add(prefixed)) {
            return prefixed;
        }
        for (int i = 2; ; i++) {
            String suffix = "_" + i;
            String n = (base.length() + suffix.length() > MAX_ARG_NAME ? base.substring(0, MAX_ARG_NAME - suffix.length())
                    : base) + suffix;
            if (taken.add(n)) {
                return n;
            }
        }
    }

    /** Tool name from the operationId, or method and path; sanitised to {@code [A-Za-z0-9_.-]}, at most 128. */
    static String baseName(String operationId, String method, String path) {
        String raw = operationId.isBlank() ? method.toLowerCase(Locale.ROOT) + "_" + path.replace("{", "").replace("}", "")
                : operationId.strip();
        String n = INVALID.matcher(raw).replaceAll("_").replaceAll("_{2,}", "_");
        n = n.replaceAll("^_+|_+$", "");
        if (n.isEmpty()) {
            n = method.toLowerCase(Locale.ROOT);
        }
        return n.length() > 128 ? n.substring(0, 128) : n;
    }

    static String uniqueName(String base, Set<String> taken) {
        if (taken.add(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            String suffix = "_" + i;
            String n = (base.length() + suffix.length() > 128 ? base.substring(0, 128 - suffix.length()) : base) + suffix;
            if (taken.add(n)) {
                return n;
            }
        }
    }

    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
