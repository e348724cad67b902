package dev.portcullis.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.portcullis.mcp.ProtocolVersion;
import dev.portcullis.mcp.UpstreamTarget;

/**
 * Reads registrations from admin-API bodies and from the state file, and writes them back for the
 * state file, collecting every problem with its field path.
 */
final class RegistrationJson {
    static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);
    static final Duration DEFAULT_REQUEST = Duration.ofSeconds(60);
    static final String DEFAULT_VERSION = "1.0.0";
    private static final List<String> BODY_KEYS = List.of("name", "title", "description", "version", "toolPrefix",
            "enabled", "pinning", "transport");
    private static final List<String> STATE_KEYS = List.of("name", "title", "description", "version", "toolPrefix",
            "enabled", "pinning", "transport", "source", "registeredAt");
    private static final List<String> HTTP_KEYS = List.of("type", "url", "headers", "connectTimeout",
            "requestTimeout", "era");
    private static final List<String> STDIO_KEYS = List.of("type", "command", "env", "workingDir", "requestTimeout");
    private static final List<String> OPENAPI_KEYS = List.of("type", "spec", "specContent", "baseUrl", "include",
            "exclude", "renames", "descriptions", "allowPrivateNetworks", "credential", "connectTimeout",
            "requestTimeout", "maxResponseBytes");
    private static final List<String> SELECTION_KEYS = List.of("tags", "paths", "methods");
    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE");
    /** Largest inline OpenAPI document accepted: 16 MiB of text. */
    static final int MAX_SPEC_CHARS = 16 * 1024 * 1024;

    private final List<String> problems = new ArrayList<>();

    private RegistrationJson() {
    }

    /** Parses an admin-API body; throws {@link RegistryException} (INVALID) listing every problem. */
    static Registration parse(JsonNode body, Instant now, Registration.Source source) {
        RegistrationJson p = new RegistrationJson();
        Registration r = p.registration(body, now, source, BODY_KEYS);
        if (!p.problems.isEmpty()) {
            throw RegistryException.invalid(p.problems);
        }
        return r;
    }

    /** Parses a registration written by {@link #write}; problems are returned, not thrown. */
    static Registration parseStored(JsonNode node, List<String> problemsOut, String pathPrefix) {
        RegistrationJson p = new RegistrationJson();
        Registration r = p.registration(node, Instant.EPOCH, Registration.Source.ADMIN, STATE_KEYS);
        for (String problem : p.problems) {
            problemsOut.add(pathPrefix + "." + problem);
        }
        return p.problems.isEmpty() ? r : null;
    }

    private Registration registration(JsonNode body, Instant now, Registration.Source source, List<String> known) {
        if (body == null || !body.isObject()) {
            problems.add("$: expected a JSON object");
            return null;
        }
        allowOnly(body, "", known);
        String name = string(body, "name", null, true);
        if (name != null && !Checks.name(name)) {
            problem("name", "'" + Checks.printable(name) + "' (expected: " + Checks.NAME_EXPECTED + ")");
        }
        String title = string(body, "title", "", false);
        if (title != null && title.strip().length() > Checks.MAX_TITLE) {
            problem("title", title.strip().length() + " characters (expected: at most " + Checks.MAX_TITLE + ")");
        }
        String description = string(body, "description", "", false);
        if (description != null && description.strip().length() > Checks.MAX_DESCRIPTION) {
            problem("description", description.strip().length() + " characters (expected: at most "
                    + Checks.MAX_DESCRIPTION + ")");
        }
        String version = string(body, "version", DEFAULT_VERSION, false);
        if (version != null && !Checks.version(version)) {
            problem("version", "'" + Checks.printable(version) + "' (expected: " + Checks.VERSION_EXPECTED + ")");
        }
        String prefix = string(body, "toolPrefix", null, false);
        if (prefix != null && !Checks.toolPrefix(prefix)) {
            problem("toolPrefix", "'" + Checks.printable(prefix) + "' (expected: " + Checks.TOOL_PREFIX_EXPECTED + ")");
        }
        boolean enabled = bool(body, "enabled", true);
        Registration.Pinning pinning = Registration.Pinning.STRICT;
        String pinningText = string(body, "pinning", null, false);
        if (pinningText != null) {
            pinning = Registration.Pinning.parse(pinningText).orElse(null);
            if (pinning == null) {
                problem("pinning", "'" + Checks.printable(pinningText) + "' (expected: off, changes-only or strict)");
            }
        }
        if (known == STATE_KEYS) {
            String src = string(body, "source", "ADMIN", false);
            try {
                source = Registration.Source.valueOf(src);
            } catch (IllegalArgumentException e) {
                problem("source", "'" + Checks.printable(src) + "' (expected: CONFIG or ADMIN)");
            }
            String at = string(body, "registeredAt", null, true);
            if (at != null) {
                try {
                    now = Instant.parse(at);
                } catch (DateTimeParseException e) {
                    problem("registeredAt", "'" + Checks.printable(at) + "' (expected: an RFC 3339 instant)");
                }
            }
        }
        UpstreamTarget target = null;
        JsonNode transport = body.get("transport");
        if (transport == null || transport.isNull()) {
            problem("transport", "missing (expected: an object with type streamable-http or stdio)");
        } else if (!transport.isObject()) {
            problem("transport", "expected an object with type streamable-http or stdio");
        } else if (name != null) {
            target = target(transport, name);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            return new Registration(name, title, description, version, target, prefix, enabled, source, now, pinning);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private UpstreamTarget target(JsonNode t, String name) {
        String type = string(t, "type", null, true, "transport.");
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "streamable-http" -> http(t, name);
            case "stdio" -> stdio(t, name);
            case "openapi" -> openApi(t, name);
            default -> {
                problem("transport.type", "'" + Checks.printable(type) + "' (expected: streamable-http, stdio or openapi)");
                yield null;
            }
        };
    }

    private UpstreamTarget http(JsonNode t, String name) {
        allowOnly(t, "transport.", HTTP_KEYS);
        int before = problems.size();
        String rawUrl = string(t, "url", null, true, "transport.");
        URI url = null;
        if (rawUrl != null) {
            try {
                url = new URI(rawUrl);
                Checks.url(url, (f, r) -> problem("transport." + f, r));
            } catch (URISyntaxException e) {
                problem("transport.url", "not a URI (" + Checks.printable(e.getReason()) + ")");
            }
        }
        Map<String, String> headers = stringMap(t, "headers", "transport.", true);
        Checks.headers(headers, (f, r) -> problem("transport." + f, r));
        Duration connect = duration(t, "connectTimeout", DEFAULT_CONNECT, Checks.MIN_CONNECT, Checks.MAX_CONNECT);
        Duration request = duration(t, "requestTimeout", DEFAULT_REQUEST, Checks.MIN_REQUEST, Checks.MAX_REQUEST);
        Optional<ProtocolVersion.Era> era = Optional.empty();
        String eraText = string(t, "era", null, false, "transport.");
        if (eraText != null) {
            try {
                era = Optional.of(ProtocolVersion.Era.valueOf(eraText.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problem("transport.era", "'" + Checks.printable(eraText) + "' (expected: session or stateless)");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new UpstreamTarget.Http(name, url, headers, connect, request, era);
    }

    private UpstreamTarget stdio(JsonNode t, String name) {
        allowOnly(t, "transport.", STDIO_KEYS);
        int before = problems.size();
        List<String> command = new ArrayList<>();
        JsonNode cmd = t.get("command");
        if (cmd == null || cmd.isNull()) {
            problem("transport.command", "missing (expected: [executable, args...])");
        } else if (!cmd.isArray() || cmd.isEmpty()) {
            problem("transport.command", "expected a non-empty array of strings [executable, args...]");
        } else {
            for (int i = 0; i < cmd.size(); i++) {
                JsonNode part = cmd.get(i);
                if (!part.isTextual()) {
                    problem("transport.command[" + i + "]", "expected a string");
                } else if (i == 0 && part.textValue().isBlank()) {
                    problem("transport.command[0]", "empty (expected: an executable)");
                } else if (part.textValue().indexOf('\0') >= 0) {
                    problem("transport.command[" + i + "]", "contains NUL");
                } else {
                    command.add(part.textValue());
                }
            }
        }
        Map<String, String> env = stringMap(t, "env", "transport.", false);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!Checks.envName(e.getKey())) {
                problem("transport.env." + Checks.printable(e.getKey()), "invalid name (expected: [A-Za-z_][A-Za-z0-9_]*)");
            } else if (e.getValue().indexOf('\0') >= 0) {
                problem("transport.env." + e.getKey(), "value contains NUL");
            }
        }
        Optional<Path> workingDir = Optional.empty();
        String wd = string(t, "workingDir", null, false, "transport.");
        if (wd != null) {
            if (Checks.validWorkingDir(wd)) {
                workingDir = Optional.of(Path.of(wd));
            } else {
                problem("transport.workingDir", "'" + Checks.printable(wd) + "' (expected: an absolute path)");
            }
        }
        Duration request = duration(t, "requestTimeout", DEFAULT_REQUEST, Checks.MIN_REQUEST, Checks.MAX_REQUEST);
        if (problems.size() > before) {
            return null;
        }
        return new UpstreamTarget.Stdio(name, command, env, workingDir, request);
    }

    private UpstreamTarget openApi(JsonNode t, String name) {
        allowOnly(t, "transport.", OPENAPI_KEYS);
        int before = problems.size();
        UpstreamTarget.OpenApi.Spec spec = null;
        String location = string(t, "spec", null, false, "transport.");
        JsonNode content = t.get("specContent");
        boolean hasContent = content != null && !content.isNull();
        if (location != null && hasContent) {
            problem("transport.spec", "give either spec (a file path or URL) or specContent (the document), not both");
        } else if (location != null) {
            if (location.isBlank() || location.indexOf('\0') >= 0) {
                problem("transport.spec", "empty or contains NUL (expected: a file path or an http(s) URL)");
            } else {
                spec = new UpstreamTarget.OpenApi.Spec.Location(location);
            }
        } else if (hasContent) {
            String text = content.isTextual() ? content.textValue() : content.isObject() ? content.toString() : null;
            if (text == null || text.isBlank()) {
                problem("transport.specContent", "expected the OpenAPI document, as a JSON object or as JSON/YAML text");
            } else if (text.length() > MAX_SPEC_CHARS) {
                problem("transport.specContent", text.length() + " characters (expected: at most " + MAX_SPEC_CHARS + ")");
            } else {
                spec = new UpstreamTarget.OpenApi.Spec.Inline(text);
            }
        } else {
            problem("transport.spec", "missing (expected: spec, a file path or URL, or specContent, the document)");
        }
        Optional<URI> baseUrl = Optional.empty();
        String rawBase = string(t, "baseUrl", null, false, "transport.");
        if (rawBase != null) {
            try {
                URI u = new URI(rawBase);
                Checks.url(u, (f, r) -> problem("transport.baseUrl", r));
                baseUrl = Optional.of(u);
            } catch (URISyntaxException e) {
                problem("transport.baseUrl", "not a URI (" + Checks.printable(e.getReason()) + ")");
            }
        }
        Map<String, Set<String>> include = selection(t, "include");
        Map<String, Set<String>> exclude = selection(t, "exclude");
        Map<String, String> renames = stringMap(t, "renames", "transport.", false);
        Map<String, String> descriptions = stringMap(t, "descriptions", "transport.", false);
        boolean allowPrivate = bool(t, "allowPrivateNetworks", false, "transport.");
        Optional<String> credential = Optional.ofNullable(string(t, "credential", null, false, "transport."));
        Duration connect = duration(t, "connectTimeout", DEFAULT_CONNECT, Checks.MIN_CONNECT, Checks.MAX_CONNECT);
        Duration request = duration(t, "requestTimeout", DEFAULT_REQUEST, Checks.MIN_REQUEST, Checks.MAX_REQUEST);
        long maxResponse = UpstreamTarget.OpenApi.DEFAULT_MAX_RESPONSE_BYTES;
        JsonNode max = t.get("maxResponseBytes");
        if (max != null && !max.isNull()) {
            if (!max.canConvertToLong() || !max.isIntegralNumber() || max.longValue() < 1 || max.longValue() > 1L << 30) {
                problem("transport.maxResponseBytes", "expected an integer between 1 and " + (1L << 30));
            } else {
                maxResponse = max.longValue();
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new UpstreamTarget.OpenApi(name, spec, baseUrl,
                new UpstreamTarget.OpenApi.Selection(include.get("tags"), exclude.get("tags"), include.get("paths"),
                        exclude.get("paths"), include.get("methods"), exclude.get("methods")),
                renames, descriptions, allowPrivate, credential, connect, request, maxResponse);
    }

    private Map<String, Set<String>> selection(JsonNode t, String field) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        SELECTION_KEYS.forEach(k -> out.put(k, new TreeSet<>()));
        JsonNode node = t.get(field);
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problem("transport." + field, "expected an object with tags, paths and/or methods");
            return out;
        }
        allowOnly(node, "transport." + field + ".", SELECTION_KEYS);
        for (String key : SELECTION_KEYS) {
            JsonNode list = node.get(key);
            if (list == null || list.isNull()) {
                continue;
            }
            String path = "transport." + field + "." + key;
            if (!list.isArray()) {
                problem(path, "expected an array of strings");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode v = list.get(i);
                if (!v.isTextual() || v.textValue().isEmpty()) {
                    problem(path + "[" + i + "]", "expected a non-empty string");
                } else if (key.equals("methods") && !METHODS.contains(v.textValue().toUpperCase(Locale.ROOT))) {
                    problem(path + "[" + i + "]", "'" + Checks.printable(v.textValue()) + "' (expected: an HTTP method)");
                } else {
                    out.get(key).add(v.textValue());
                }
            }
        }
        return out;
    }

    private Duration duration(JsonNode t, String field, Duration def, Duration min, Duration max) {
        String raw = string(t, field, null, false, "transport.");
        if (raw == null) {
            return def;
        }
        Duration d = Durations.parse(raw);
        if (d == null) {
            problem("transport." + field, "'" + Checks.printable(raw) + "' (expected: a duration such as 500ms, 30s, 2m or PT30S)");
            return def;
        }
        int before = problems.size();
        Checks.duration(field, d, min, max, (f, r) -> problem("transport." + f, r));
        return problems.size() > before ? def : d;
    }

    private Map<String, String> stringMap(JsonNode parent, String field, String prefix, boolean headers) {
        JsonNode node = parent.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problem(prefix + field, "expected an object of " + (headers ? "header" : "variable") + " names to string values");
            return out;
        }
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix + field + "." + Checks.printable(e.getKey());
            if (!e.getValue().isTextual()) {
                problem(path, "expected a string value");
            } else if (headers && !seen.add(e.getKey())) {
                problem(path, "duplicate header (names are case-insensitive)");
            } else {
                out.put(e.getKey(), e.getValue().textValue());
            }
        }
        return out;
    }

    private void allowOnly(JsonNode node, String prefix, List<String> known) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!known.contains(e.getKey())) {
                problem(prefix + Checks.printable(e.getKey()), "unknown field (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private String string(JsonNode node, String field, String def, boolean required) {
        return string(node, field, def, required, "");
    }

    private String string(JsonNode node, String field, String def, boolean required, String prefix) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problem(prefix + field, "missing");
            }
            return def;
        }
        if (!v.isTextual()) {
            problem(prefix + field, "expected a string, got " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
            return null;
        }
        return v.textValue();
    }

    private boolean bool(JsonNode node, String field, boolean def) {
        return bool(node, field, def, "");
    }

    private boolean bool(JsonNode node, String field, boolean def, String prefix) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            problem(prefix + field, "expected true or false");
            return def;
        }
        return v.booleanValue();
    }

    private void problem(String path, String reason) {
        problems.add(path + ": " + reason);
    }

    private static void writeSelection(ObjectNode t, String field, Set<String> tags, Set<String> paths, Set<String> methods) {
        if (tags.isEmpty() && paths.isEmpty() && methods.isEmpty()) {
            return;
        }
        ObjectNode o = t.putObject(field);
        new TreeSet<>(tags).forEach(o.putArray("tags")::add);
        new TreeSet<>(paths).forEach(o.putArray("paths")::add);
        new TreeSet<>(methods).forEach(o.putArray("methods")::add);
    }

    /** Writes a registration in the body format plus {@code source} and {@code registeredAt}. */
    static ObjectNode write(Registration r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("name", r.name());
        o.put("title", r.title());
        o.put("description", r.description());
        o.put("version", r.version());
        o.put("toolPrefix", r.toolPrefix());
        o.put("enabled", r.enabled());
        o.put("pinning", r.pinning().text());
        o.put("source", r.source().name());
        o.put("registeredAt", r.registeredAt().toString());
        ObjectNode t = o.putObject("transport");
        switch (r.target()) {
            case UpstreamTarget.Http h -> {
                t.put("type", "streamable-http");
                t.put("url", h.url().toString());
                ObjectNode headers = t.putObject("headers");
                h.headers().forEach(headers::put);
                t.put("connectTimeout", Durations.format(h.connectTimeout()));
                t.put("requestTimeout", Durations.format(h.requestTimeout()));
                h.era().ifPresent(e -> t.put("era", e.name().toLowerCase(Locale.ROOT)));
            }
            case UpstreamTarget.Stdio s -> {
                t.put("type", "stdio");
                ArrayNode cmd = t.putArray("command");
                s.command().forEach(cmd::add);
                ObjectNode env = t.putObject("env");
                s.env().forEach(env::put);
                s.workingDir().ifPresent(p -> t.put("workingDir", p.toString()));
                t.put("requestTimeout", Durations.format(s.requestTimeout()));
            }
            case UpstreamTarget.OpenApi a -> {
                t.put("type", "openapi");
                switch (a.spec()) {
                    case UpstreamTarget.OpenApi.Spec.Location l -> t.put("spec", l.location());
                    case UpstreamTarget.OpenApi.Spec.Inline i -> t.put("specContent", i.content());
                }
                a.baseUrl().ifPresent(u -> t.put("baseUrl", u.toString()));
                UpstreamTarget.OpenApi.Selection sel = a.selection();
                writeSelection(t, "include", sel.includeTags(), sel.includePaths(), sel.includeMethods());
                writeSelection(t, "exclude", sel.excludeTags(), sel.excludePaths(), sel.excludeMethods());
                ObjectNode renames = t.putObject("renames");
                new java.util.TreeMap<>(a.renames()).forEach(renames::put);
                ObjectNode descriptions = t.putObject("descriptions");
                new java.util.TreeMap<>(a.descriptions()).forEach(descriptions::put);
                t.put("allowPrivateNetworks", a.allowPrivateNetworks());
                a.credential().ifPresent(c -> t.put("credential", c));
                t.put("connectTimeout", Durations.format(a.connectTimeout()));
                t.put("requestTimeout", Durations.format(a.requestTimeout()));
                t.put("maxResponseBytes", a.maxResponseBytes());
            }
        }
        return o;
    }
}
