package dev.portcullis.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.converter.SwaggerConverter;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.yaml.snakeyaml.LoaderOptions;

import dev.portcullis.mcp.UpstreamTarget;

/**
 * Reads an OpenAPI document from a file, a URL or inline text, with bounds on size and nesting, and hands it
 * to swagger-parser (2.0 through its converter) with external {@code $ref}s resolved. YAML is parsed here, with
 * our own limits, so that large documents (over SnakeYAML's 3 MiB default) need no JVM flag.
 */
final class SpecLoader {
    /** Largest document read, in bytes or characters. */
    static final int MAX_BYTES = 32 * 1024 * 1024;
    /** Deepest nesting of the document tree. */
    static final int MAX_DEPTH = 256;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_BYTES).build())
            .build());
    private static final ObjectMapper YAML;

    static {
        LoaderOptions lo = new LoaderOptions();
        lo.setCodePointLimit(MAX_BYTES);
        lo.setNestingDepthLimit(MAX_DEPTH);
        lo.setMaxAliasesForCollections(100);
        lo.setAllowRecursiveKeys(false);
        YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(lo)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_BYTES).build())
                .build());
    }

    /** A parsed document. */
    record Loaded(OpenAPI api, JsonNode raw, String version, URI base, List<SpecProblem> problems) {
        boolean v31() {
            return version.startsWith("3.1");
        }
    }

    private SpecLoader() {
    }

    static Loaded load(UpstreamTarget.OpenApi.Spec spec, boolean allowPrivateNetworks) {
        return switch (spec) {
            case UpstreamTarget.OpenApi.Spec.Inline i -> parse(i.content(), null, true, allowPrivateNetworks);
            case UpstreamTarget.OpenApi.Spec.Location l -> {
                String loc = l.location();
                if (loc.startsWith("http://") || loc.startsWith("https://")) {
                    URI uri;
                    try {
                        uri = URI.create(loc);
                    } catch (IllegalArgumentException e) {
                        throw new OpenApiException("spec: '" + loc + "' is not a valid URL");
                    }
                    yield parse(fetch(uri), uri, false, allowPrivateNetworks);
                }
                Path p;
                try {
                    p = Path.of(loc.startsWith("file:") ? URI.create(loc).getPath() : loc).toAbsolutePath().normalize();
                } catch (IllegalArgumentException e) {
                    throw new OpenApiException("spec: '" + loc + "' is not a valid file path or URL");
                }
                yield parse(read(p), p.toUri(), false, allowPrivateNetworks);
            }
        };
    }

    private static String read(Path p) {
        try {
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new OpenApiException("spec: " + p + " is " + size + " bytes (limit: " + MAX_BYTES + ")");
            }
            return decode(Files.readAllBytes(p), p.toString());
        } catch (NoSuchFileException e) {
            throw new OpenApiException("spec: file not found: " + p);
        } catch (IOException e) {
            throw new OpenApiException("spec: cannot read " + p + ": " + e.getClass().getSimpleName());
        }
    }

    private static String fetch(URI uri) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpResponse<InputStream> res = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json, application/yaml, text/yaml, */*").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                if (res.statusCode() != 200) {
                    throw new OpenApiException("spec: GET " + uri + " answered HTTP " + res.statusCode());
                }
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new OpenApiException("spec: " + uri + " is larger than " + MAX_BYTES + " bytes");
                }
                return decode(bytes, uri.toString());
            }
        } catch (IOException e) {
            throw new OpenApiException("spec: cannot fetch " + uri + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenApiException("spec: interrupted while fetching " + uri);
        }
    }

    private static String decode(byte[] bytes, String where) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new OpenApiException("spec: " + where + " is not UTF-8 text");
        }
    }

    /** Parses text (JSON or YAML); {@code base} resolves relative {@code $ref}s, or is null for uploads. */
    static Loaded parse(String text, URI base, boolean inline, boolean allowPrivateNetworks) {
        if (text.length() > MAX_BYTES) {
            throw new OpenApiException("spec: document is " + text.length() + " characters (limit: " + MAX_BYTES + ")");
        }
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        JsonNode raw = tree(t);
        if (raw == null || !raw.isObject()) {
            throw new OpenApiException("spec: not an OpenAPI document (expected a JSON/YAML object at the top level)");
        }
        String version;
        JsonNode oas = raw.get("openapi");
        JsonNode swagger = raw.get("swagger");
        if (oas != null) {
            version = oas.asText("");
            if (!version.matches("3\\.[01]\\.\\d+(-.*)?")) {
                throw new OpenApiException("spec: unsupported OpenAPI version '" + printable(version)
                        + "' (supported: 2.0, 3.0.x, 3.1.x)", List.of(new SpecProblem(SpecProblem.Severity.ERROR,
                        "/openapi", "unsupported version")));
            }
        } else if (swagger != null) {
            version = swagger.asText("");
            if (!version.equals("2.0")) {
                throw new OpenApiException("spec: unsupported Swagger version '" + printable(version)
                        + "' (supported: 2.0, 3.0.x, 3.1.x)", List.of(new SpecProblem(SpecProblem.Severity.ERROR,
                        "/swagger", "unsupported version")));
            }
        } else {
            throw new OpenApiException("spec: not an OpenAPI document (no 'openapi' or 'swagger' field)");
        }
        List<SpecProblem> problems = new ArrayList<>();
        boolean localOnly = checkRefs(raw, inline, base != null && !"file".equals(base.getScheme()), problems);
        ParseOptions options = new ParseOptions();
        // swagger-parser's OAS 3.1 dereferencer inlines every reference (deep copies, whole-tree hashing: slow
        // and quadratic on large documents). With only local references there is nothing to fetch: the
        // converter follows #/components/... references itself (schemas become $defs), as it does for 3.0.
        options.setResolve(!(version.startsWith("3.1") && localOnly));
        options.setResolveFully(false);
        options.setSafelyResolveURL(!allowPrivateNetworks);
        String json;
        try {
            json = JSON.writeValueAsString(raw);
        } catch (JsonProcessingException e) {
            throw new OpenApiException("spec: cannot re-encode the document");
        }
        SwaggerParseResult result;
        try {
            result = version.equals("2.0")
                    ? new SwaggerConverter().readContents(json, null, options)
                    : new OpenAPIV3Parser().readContents(json, null, options, base == null ? null : base.toString());
        } catch (StackOverflowError e) {
            throw new OpenApiException("spec: the document nests too deeply to be resolved");
        } catch (RuntimeException e) {
            throw new OpenApiException("spec: the OpenAPI parser failed (" + e.getClass().getSimpleName() + ")");
        }
        if (result == null || result.getOpenAPI() == null) {
            List<SpecProblem> ps = new ArrayList<>(problems);
            if (result != null && result.getMessages() != null) {
                result.getMessages().forEach(m -> ps.add(new SpecProblem(SpecProblem.Severity.ERROR, "", m)));
            }
            throw new OpenApiException("spec: not a valid OpenAPI document" + (ps.isEmpty() ? "" : ": " + ps.getFirst().message()), ps);
        }
        if (result.getMessages() != null) {
            for (String m : result.getMessages()) {
                problems.add(new SpecProblem(SpecProblem.Severity.WARNING, locationOf(m), m));
            }
        }
        return new Loaded(result.getOpenAPI(), raw, version, base, List.copyOf(problems));
    }

    private static JsonNode tree(String t) {
        String lead = t.stripLeading();
        boolean json = lead.startsWith("{") || lead.startsWith("[");
        try {
            return (json ? JSON : YAML).readTree(t);
        } catch (StreamConstraintsException e) {
            throw new OpenApiException("spec: the document nests deeper than " + MAX_DEPTH + " levels or is too large");
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.contains("nesting")) {
                throw new OpenApiException("spec: the document nests deeper than " + MAX_DEPTH + " levels");
            }
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new OpenApiException("spec: not well-formed " + (json ? "JSON" : "YAML") + at + ": "
                    + printable(firstLine(msg)));
        } catch (RuntimeException e) {
            // SnakeYAML limits (aliases, code points, depth) surface as unchecked exceptions
            throw new OpenApiException("spec: YAML rejected: " + printable(firstLine(e.getMessage())));
        }
    }

    /**
     * Uploaded or remote documents may only reference other documents by absolute http(s) URL: a relative or
     * {@code file:} reference would read files of the gateway host.
     *
     * @return whether every reference is local ({@code #/...}) and no path item is a reference
     */
    private static boolean checkRefs(JsonNode root, boolean inline, boolean remote, List<SpecProblem> problems) {
        boolean localOnly = true;
        Deque<Map.Entry<String, JsonNode>> stack = new ArrayDeque<>();
        stack.push(Map.entry("", root));
        while (!stack.isEmpty()) {
            Map.Entry<String, JsonNode> e = stack.pop();
            JsonNode n = e.getValue();
            if (n.isObject()) {
                for (Map.Entry<String, JsonNode> f : n.properties()) {
                    String ptr = e.getKey() + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
                    if (f.getKey().equals("$ref") && f.getValue().isTextual()) {
                        String ref = f.getValue().textValue();
                        boolean absoluteHttp = ref.startsWith("https://") || ref.startsWith("http://");
                        // path items by reference are left to swagger-parser's resolver, which inlines them
                        localOnly &= ref.startsWith("#") && !e.getKey().matches("/paths/[^/]*");
                        if (inline && !ref.startsWith("#") && !absoluteHttp
                                || remote && ref.regionMatches(true, 0, "file:", 0, 5)) {
                            throw new OpenApiException("spec: " + ptr + ": reference '" + printable(ref)
                                    + "' would read a local file; uploaded and remote documents may only reference "
                                    + "absolute http(s) URLs", List.of(new SpecProblem(SpecProblem.Severity.ERROR, ptr,
                                    "local file reference in an uploaded or remote document")));
                        }
                    } else {
                        stack.push(Map.entry(ptr, f.getValue()));
                    }
                }
            } else if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    stack.push(Map.entry(e.getKey() + "/" + i, n.get(i)));
                }
            }
        }
        return localOnly;
    }

    private static String locationOf(String message) {
        // swagger-parser messages look like "attribute paths.'/pets'(get).responses is missing"
        return "";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
