package dev.portcullis.openapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpressionFactory;
import com.networknt.schema.regex.RegularExpressions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import dev.portcullis.mcp.BoundedMatch;
import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamTarget;

/**
 * Calls the backend for one tool call: validates the arguments against the tool's input schema, builds the HTTP
 * request exactly as the operation describes it (path templating, parameter styles, body media type), sends it
 * only to a registered server through the {@link SsrfGuard}, never follows redirects, bounds time and response
 * size, and maps the answer to an MCP {@code tools/call} result. Thread-safe.
 */
final class Invoker implements AutoCloseable {
    static final int MAX_EXCERPT = 512;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /**
     * The document's {@code pattern}s meet the client's arguments: each match is bounded ({@link BoundedMatch}), and
     * one that runs out (a pattern like {@code ^(.*a){12}$} on a long non-matching value) fails the argument. The
     * expression is prepared as the validator's own JDK engine prepares it.
     */
    private static final RegularExpressionFactory BOUNDED_PATTERNS = regex -> {
        Pattern pattern = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(
                RegularExpressions.replaceDollarAnchors(regex)));
        return value -> BoundedMatch.find(pattern, value, BoundedMatch.STEPS);
    };
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER)
                    .regularExpressionFactory(BOUNDED_PATTERNS).build()));

    private final OpenApiToolset tools;
    private final UpstreamTarget.OpenApi target;
    private final SsrfGuard guard;
    private final WebClient client;
    private final Map<String, Schema> validators = new ConcurrentHashMap<>();

    Invoker(OpenApiToolset tools, UpstreamTarget.OpenApi target) {
        this.tools = tools;
        this.target = target;
        this.guard = new SsrfGuard(target.allowPrivateNetworks());
        this.client = WebClient.builder()
                .dnsResolver(guard)
                .followRedirects(false)
                .connectTimeout(target.connectTimeout())
                .readTimeout(target.requestTimeout())
                .shareConnectionCache(false)
                .build();
    }

    /**
     * @param name      tool name
     * @param arguments the call's arguments (an object, or null for none)
     * @param trace     W3C trace context headers for the backend request ({@code traceparent}, {@code tracestate})
     * @return the {@code tools/call} result
     * @throws McpError {@code -32602} for an unknown tool or arguments that do not match the schema
     */
    ObjectNode call(String name, JsonNode arguments, Map<String, String> trace) throws McpError {
        Binding b = tools.binding(name);
        OpenApiTool tool = tools.tools().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        if (b == null || tool == null) {
            throw new McpError(McpError.INVALID_PARAMS, "Unknown tool: " + SpecLoader.printable(name));
        }
        JsonNode args = arguments == null || arguments.isNull() ? F.objectNode() : arguments;
        validate(tool, args);
        if (b.servers().isEmpty()) {
            return error("The OpenAPI document of this upstream has no absolute server URL; configure baseUrl");
        }
        URI server = b.servers().getFirst();
        String url;
        try {
            url = url(server, b, args);
        } catch (IllegalArgumentException e) {
            throw new McpError(McpError.INVALID_PARAMS, "Invalid arguments for tool " + name + ": " + e.getMessage());
        }
        URI uri = URI.create(url);
        if (!sameOrigin(uri, server)) {
            return error("Refused: the request would leave the registered server");
        }
        try {
            if (isLiteral(uri.getHost())) {
                // literals do not go through the resolver
                SsrfGuard.refusal(InetAddress.getByName(stripBrackets(uri.getHost())), target.allowPrivateNetworks())
                        .ifPresent(r -> {
                            throw new SsrfGuard.Refused("backend address " + uri.getHost() + " is " + r
                                    + " address, which this registration may not reach");
                        });
            } else {
                guard.check(uri.getHost());
            }
            HttpClientRequest req = client.method(Method.create(b.method())).uri(url).skipUriEncoding(true)
                    .readTimeout(target.requestTimeout()).followRedirects(false);
            req.header(HeaderNames.ACCEPT, "application/json, */*;q=0.8");
            List<String> cookies = new ArrayList<>();
            for (Binding.Param p : b.params()) {
                JsonNode v = args.get(p.arg());
                if (v == null || v.isNull()) {
                    continue;
                }
                if (p.in() == Binding.In.HEADER) {
                    String value = p.json() ? v.toString() : simple(v, p.explode(), false);
                    if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                        throw new McpError(McpError.INVALID_PARAMS, "Invalid arguments for tool " + name + ": /"
                                + p.arg() + ": control characters are not allowed in a header");
                    }
                    req.header(HeaderNames.create(p.name()), value);
                } else if (p.in() == Binding.In.COOKIE) {
                    cookies.add(p.name() + "=" + encode(p.json() ? v.toString() : simple(v, p.explode(), false), false));
                }
            }
            if (!cookies.isEmpty()) {
                req.header(HeaderNames.COOKIE, String.join("; ", cookies));
            }
            // after the operation's own header parameters: the trace context is the gateway's, not an argument
            trace.forEach((header, value) -> req.header(HeaderNames.create(header), value));
            HttpClientResponse res;
            Optional<Binding.Body> body = b.body();
            JsonNode bodyArg = body.map(x -> args.get(x.arg())).orElse(null);
            if (body.isPresent() && bodyArg != null && !bodyArg.isNull()) {
                byte[] bytes = bodyBytes(body.get(), bodyArg, req);
                res = req.submit(bytes);
            } else {
                res = req.request();
            }
            try (res) {
                return result(b, res);
            }
        } catch (SsrfGuard.Refused e) {
            return error("Refused: " + e.getMessage());
        } catch (McpError e) {
            throw e;
        } catch (UncheckedIOException | IOException e) {
            return error("The backend could not be reached or did not answer in time (" + e.getClass().getSimpleName() + ")");
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof SsrfGuard.Refused)) {
                c = c.getCause();
            }
            if (c instanceof SsrfGuard.Refused r) {
                return error("Refused: " + r.getMessage());
            }
            return error("The backend call failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void validate(OpenApiTool tool, JsonNode args) throws McpError {
        if (!args.isObject()) {
            throw new McpError(McpError.INVALID_PARAMS, "Invalid arguments for tool " + tool.name()
                    + ": arguments must be an object", pointerData(""));
        }
        Schema schema = validators.computeIfAbsent(tool.name(), n -> SCHEMAS.getSchema(tool.inputSchema()));
        List<Error> errors = schema.validate(args);
        if (!errors.isEmpty()) {
            Error first = errors.getFirst();
            String pointer = first.getInstanceLocation().toString();
            if (first.getProperty() != null && "required".equals(first.getKeyword())) {
                pointer = pointer + "/" + first.getProperty();
            }
            ObjectNode data = F.objectNode();
            ArrayNode list = data.putArray("errors");
            for (Error e : errors.subList(0, Math.min(10, errors.size()))) {
                String p = e.getInstanceLocation().toString();
                if (e.getProperty() != null && "required".equals(e.getKeyword())) {
                    p = p + "/" + e.getProperty();
                }
                list.addObject().put("pointer", p).put("keyword", String.valueOf(e.getKeyword()))
                        .put("message", SpecLoader.printable(e.getMessage()));
            }
            data.put("pointer", pointer);
            throw new McpError(McpError.INVALID_PARAMS, "Invalid arguments for tool " + tool.name() + " at "
                    + (pointer.isEmpty() ? "/" : pointer) + ": " + SpecLoader.printable(first.getMessage()), data);
        }
    }

    private static ObjectNode pointerData(String pointer) {
        return F.objectNode().put("pointer", pointer);
    }

    // ---- request building -------------------------------------------------------------------------------------

    static String url(URI server, Binding b, JsonNode args) {
        String base = server.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        StringBuilder path = new StringBuilder();
        String tpl = b.path();
        int i = 0;
        while (i < tpl.length()) {
            int open = tpl.indexOf('{', i);
            if (open < 0) {
                path.append(tpl, i, tpl.length());
                break;
            }
            int close = tpl.indexOf('}', open);
            if (close < 0) {
                path.append(tpl, i, tpl.length());
                break;
            }
            path.append(tpl, i, open);
            String pname = tpl.substring(open + 1, close);
            Binding.Param p = b.params().stream().filter(x -> x.in() == Binding.In.PATH && x.name().equals(pname))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("/" + pname + ": path parameter not declared"));
            JsonNode v = args.get(p.arg());
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException("/" + p.arg() + ": required path parameter missing");
            }
            path.append(pathValue(p, v));
            i = close + 1;
        }
        StringBuilder query = new StringBuilder(server.getRawQuery() == null ? "" : server.getRawQuery());
        for (Binding.Param p : b.params()) {
            if (p.in() != Binding.In.QUERY) {
                continue;
            }
            JsonNode v = args.get(p.arg());
            if (v == null || v.isNull()) {
                continue;
            }
            for (String pair : queryPairs(p, v)) {
                if (!query.isEmpty()) {
                    query.append('&');
                }
                query.append(pair);
            }
        }
        String s = base.contains("?") ? base.substring(0, base.indexOf('?')) : base;
        return s + path + (query.isEmpty() ? "" : "?" + query);
    }

    private static String pathValue(Binding.Param p, JsonNode v) {
        if (p.json()) {
            return encodeSegment(v.toString());
        }
        return switch (p.style()) {
            case "label" -> "." + encoded(v, p.explode() ? "." : ",", p.explode(), false);
            case "matrix" -> matrix(p, v);
            default -> encoded(v, ",", p.explode(), false);
        };
    }

    private static String matrix(Binding.Param p, JsonNode v) {
        String n = encode(p.name(), false);
        if (v.isArray() && p.explode()) {
            StringBuilder b = new StringBuilder();
            v.forEach(x -> b.append(';').append(n).append('=').append(encodeSegment(scalar(x))));
            return b.toString();
        }
        if (v.isObject() && p.explode()) {
            StringBuilder b = new StringBuilder();
            v.properties().forEach(e -> b.append(';').append(encode(e.getKey(), false)).append('=')
                    .append(encodeSegment(scalar(e.getValue()))));
            return b.toString();
        }
        return ";" + n + "=" + encoded(v, ",", false, false);
    }

    /** Values of a simple/label style: scalars, arrays joined, objects as k,v or k=v. */
    private static String encoded(JsonNode v, String sep, boolean explode, boolean allowReserved) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(encodeSegment(scalar(x))));
            return String.join(sep, parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add(explode
                    ? encodeSegment(e.getKey()) + "=" + encodeSegment(scalar(e.getValue()))
                    : encodeSegment(e.getKey()) + sep + encodeSegment(scalar(e.getValue()))));
            return String.join(sep, parts);
        }
        return encodeSegment(scalar(v));
    }

    /** A path segment value: dot segments are encoded so they cannot climb out of the templated path. */
    private static String encodeSegment(String s) {
        String e = encode(s, false);
        return e.equals(".") || e.equals("..") ? e.replace(".", "%2E") : e;
    }

    static List<String> queryPairs(Binding.Param p, JsonNode v) {
        String n = encode(p.name(), false);
        boolean r = p.allowReserved();
        List<String> out = new ArrayList<>();
        if (p.json()) {
            out.add(n + "=" + encode(v.toString(), r));
            return out;
        }
        switch (p.style()) {
            case "deepObject" -> {
                if (v.isObject()) {
                    v.properties().forEach(e -> out.add(n + "%5B" + encode(e.getKey(), false) + "%5D="
                            + encode(scalar(e.getValue()), r)));
                } else {
                    out.add(n + "=" + encode(scalar(v), r));
                }
            }
            case "spaceDelimited", "pipeDelimited" -> {
                String sep = p.style().equals("spaceDelimited") ? "%20" : "%7C";
                if (v.isArray() && !p.explode()) {
                    List<String> parts = new ArrayList<>();
                    v.forEach(x -> parts.add(encode(scalar(x), r)));
                    out.add(n + "=" + String.join(sep, parts));
                } else if (v.isArray()) {
                    v.forEach(x -> out.add(n + "=" + encode(scalar(x), r)));
                } else {
                    out.add(n + "=" + encode(scalar(v), r));
                }
            }
            default -> { // form
                if (v.isArray()) {
                    if (p.explode()) {
                        v.forEach(x -> out.add(n + "=" + encode(scalar(x), r)));
                    } else {
                        List<String> parts = new ArrayList<>();
                        v.forEach(x -> parts.add(encode(scalar(x), r)));
                        out.add(n + "=" + String.join(",", parts));
                    }
                } else if (v.isObject()) {
                    if (p.explode()) {
                        v.properties().forEach(e -> out.add(encode(e.getKey(), false) + "=" + encode(scalar(e.getValue()), r)));
                    } else {
                        List<String> parts = new ArrayList<>();
                        v.properties().forEach(e -> {
                            parts.add(encode(e.getKey(), r));
                            parts.add(encode(scalar(e.getValue()), r));
                        });
                        out.add(n + "=" + String.join(",", parts));
                    }
                } else {
                    out.add(n + "=" + encode(scalar(v), r));
                }
            }
        }
        return out;
    }

    private static String simple(JsonNode v, boolean explode, boolean unused) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(scalar(x)));
            return String.join(",", parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add(explode ? e.getKey() + "=" + scalar(e.getValue())
                    : e.getKey() + "," + scalar(e.getValue())));
            return String.join(",", parts);
        }
        return scalar(v);
    }

    private static String scalar(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** Percent-encodes UTF-8: unreserved characters pass; with {@code allowReserved} also RFC 3986 reserved ones. */
    static String encode(String s, boolean allowReserved) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~' || allowReserved && ":/?#[]@!$&'()*+,;=".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    private static byte[] bodyBytes(Binding.Body body, JsonNode v, HttpClientRequest req) throws McpError {
        switch (body.kind()) {
            case JSON -> {
                req.header(HeaderNames.CONTENT_TYPE, body.mediaType());
                return v.toString().getBytes(StandardCharsets.UTF_8);
            }
            case TEXT -> {
                req.header(HeaderNames.CONTENT_TYPE, body.mediaType());
                return scalar(v).getBytes(StandardCharsets.UTF_8);
            }
            case BINARY -> {
                req.header(HeaderNames.CONTENT_TYPE, body.mediaType());
                return base64(v, "/" + body.arg());
            }
            case FORM -> {
                req.header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
                List<String> pairs = new ArrayList<>();
                if (v.isObject()) {
                    v.properties().forEach(e -> {
                        if (e.getValue().isArray()) {
                            e.getValue().forEach(x -> pairs.add(form(e.getKey()) + "=" + form(scalar(x))));
                        } else if (!e.getValue().isNull()) {
                            pairs.add(form(e.getKey()) + "=" + form(scalar(e.getValue())));
                        }
                    });
                }
                return String.join("&", pairs).getBytes(StandardCharsets.UTF_8);
            }
            case MULTIPART -> {
                String boundary = "portcullis-" + UUID.randomUUID();
                req.header(HeaderNames.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (v.isObject()) {
                    for (Map.Entry<String, JsonNode> e : v.properties()) {
                        List<JsonNode> values = new ArrayList<>();
                        if (e.getValue().isArray() && body.binaryParts().contains(e.getKey())) {
                            e.getValue().forEach(values::add);
                        } else {
                            values.add(e.getValue());
                        }
                        for (JsonNode x : values) {
                            boolean file = body.binaryParts().contains(e.getKey());
                            String safeName = e.getKey().replaceAll("[\"\\r\\n]", "_");
                            StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                                    .append("Content-Disposition: form-data; name=\"").append(safeName).append('"');
                            byte[] content;
                            if (file) {
                                h.append("; filename=\"").append(safeName).append("\"\r\nContent-Type: application/octet-stream");
                                content = base64(x, "/" + body.arg() + "/" + e.getKey());
                            } else if (x.isContainerNode()) {
                                h.append("\r\nContent-Type: application/json");
                                content = x.toString().getBytes(StandardCharsets.UTF_8);
                            } else {
                                content = scalar(x).getBytes(StandardCharsets.UTF_8);
                            }
                            h.append("\r\n\r\n");
                            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
                            out.writeBytes(content);
                            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
                return out.toByteArray();
            }
            default -> throw new IllegalStateException();
        }
    }

    private static String form(String s) {
        return encode(s, false).replace("%20", "+");
    }

    private static byte[] base64(JsonNode v, String pointer) throws McpError {
        try {
            return Base64.getMimeDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new McpError(McpError.INVALID_PARAMS, "Invalid arguments at " + pointer + ": expected base64 data",
                    pointerData(pointer));
        }
    }

    // ---- response mapping -------------------------------------------------------------------------------------

    private ObjectNode result(Binding b, HttpClientResponse res) throws IOException {
        int status = res.status().code();
        String contentType = res.headers().contentType().map(ct -> ct.text()).orElse("");
        byte[] bytes;
        try (InputStream in = res.inputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, target.maxResponseBytes() + 1));
        }
        if (bytes.length > target.maxResponseBytes()) {
            return error("The backend answered HTTP " + status + " with more than " + target.maxResponseBytes()
                    + " bytes (the registration's limit)");
        }
        String mime = contentType.contains(";") ? contentType.substring(0, contentType.indexOf(';')).strip() : contentType.strip();
        String lower = mime.toLowerCase(Locale.ROOT);
        if (status >= 300 && status < 400) {
            return error("HTTP " + status + ": the backend redirected; redirects are not followed");
        }
        if (status < 200 || status >= 300) {
            return error("HTTP " + status + " " + res.status().reasonPhrase() + (bytes.length == 0 ? ""
                    : ": " + excerpt(bytes, lower)));
        }
        ObjectNode result = F.objectNode();
        ArrayNode content = result.putArray("content");
        if (bytes.length == 0) {
            content.addObject().put("type", "text").put("text", "HTTP " + status + " (no content)");
        } else if (OpenApiToolset.isJsonMedia(lower)) {
            JsonNode json;
            try {
                json = JsonRpc.mapper().readTree(bytes);
            } catch (IOException e) {
                return error("HTTP " + status + ": the backend sent malformed JSON");
            }
            content.addObject().put("type", "text").put("text", new String(bytes, StandardCharsets.UTF_8));
            switch (b.output()) {
                case OBJECT -> {
                    if (json.isObject()) {
                        result.set("structuredContent", json);
                    } else {
                        result.set("structuredContent", F.objectNode().set("result", json));
                    }
                }
                case WRAPPED -> result.set("structuredContent", F.objectNode().set("result", json));
                case NONE -> {
                    if (json.isObject()) {
                        result.set("structuredContent", json);
                    }
                }
            }
        } else if (isText(lower)) {
            content.addObject().put("type", "text").put("text", new String(bytes, StandardCharsets.UTF_8));
        } else {
            ObjectNode resource = content.addObject().put("type", "resource").putObject("resource");
            resource.put("uri", "openapi://" + target.name() + "/" + b.tool() + "/response");
            resource.put("mimeType", mime.isEmpty() ? "application/octet-stream" : mime);
            resource.put("blob", Base64.getEncoder().encodeToString(bytes));
        }
        result.put("isError", false);
        return result;
    }

    private static boolean isText(String mime) {
        return mime.startsWith("text/") || mime.contains("xml") || mime.equals("application/javascript")
                || mime.equals("application/x-www-form-urlencoded") || mime.endsWith("+yaml") || mime.contains("yaml");
    }

    /** A bounded excerpt of an error body: text only, control characters replaced. */
    static String excerpt(byte[] bytes, String mime) {
        if (!(isText(mime) || OpenApiToolset.isJsonMedia(mime) || mime.isEmpty())) {
            return bytes.length + " bytes of " + mime;
        }
        String s = new String(bytes, 0, Math.min(bytes.length, MAX_EXCERPT * 4), StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(MAX_EXCERPT).forEach(c -> b.appendCodePoint(c == '\n' || c == '\t' || !Character.isISOControl(c) ? c : ' '));
        return b.length() < s.length() ? b + "…" : b.toString();
    }

    static ObjectNode error(String text) {
        ObjectNode r = F.objectNode();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        r.put("isError", true);
        return r;
    }

    private static boolean sameOrigin(URI a, URI server) {
        return a.getScheme().equalsIgnoreCase(server.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(server.getHost()) && a.getPort() == server.getPort();
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public void close() {
        // the WebClient has no close; its connections are released when idle
    }
}
