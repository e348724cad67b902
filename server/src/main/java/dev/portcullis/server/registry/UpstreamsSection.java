package dev.portcullis.server.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.mcp.ProtocolVersion;
import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.registry.Registration;
import dev.portcullis.server.config.ConfigReader;
import io.helidon.config.Config;

/**
 * Reads the {@code upstreams} section into {@link Registration}s of source {@code CONFIG}: every problem is
 * reported with its key path ({@code upstreams.0.url: ...}), including the registry's own rules (reserved
 * headers, timeout bounds, tool-prefix clashes), so that an invalid registry never gets as far as start-up.
 *
 * <pre>{@code
 * upstreams:
 *   - name: github                    # [a-z0-9][a-z0-9-]{0,47}, unique
 *     title: GitHub                   # optional
 *     description: Issues and PRs     # optional
 *     version: 1.0.0                  # default 1.0.0
 *     enabled: true                   # default true
 *     pinning: strict                 # strict (default) | changes-only | off
 *     url: https://mcp.example.com/mcp   # or command: [executable, args...] for stdio
 *     headers: {X-Tenant: acme}
 *     era: session                    # optional: session | stateless (default: discovered)
 *     tool-prefix: gh__               # default <name>__
 *     connect-timeout: 5s
 *     request-timeout: 60s
 * }</pre>
 */
public final class UpstreamsSection {
    /** Section name. */
    public static final String SECTION = "upstreams";

    private static final Set<String> KEYS = Set.of("name", "title", "description", "version", "enabled", "pinning",
            "url", "headers", "command", "env", "working-dir", "era", "tool-prefix", "connect-timeout", "request-timeout",
            "openapi");
    private static final String[] OPENAPI_KEYS = {"spec", "base-url", "include", "exclude", "renames", "descriptions",
            "allow-private-networks", "credential", "max-response-bytes"};

    private UpstreamsSection() {
    }

    /**
     * Reads the {@code upstreams} list.
     *
     * @param node list node (may be missing)
     * @param r    problem collector
     * @return registrations in configuration order (invalid entries are left out after their problems are
     *         recorded)
     */
    public static List<Registration> readAll(Config node, ConfigReader r) {
        if (!node.exists()) {
            return List.of();
        }
        if (node.type() != Config.Type.LIST) {
            r.problem(node, "expected a list of upstreams");
            return List.of();
        }
        Instant now = Instant.now();
        List<Registration> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, Registration> prefixes = new LinkedHashMap<>();
        for (Config item : node.asNodeList().orElse(List.of())) {
            Optional<Registration> read = read(item, r, now);
            if (read.isEmpty()) {
                continue;
            }
            Registration reg = read.get();
            if (!names.add(reg.name())) {
                r.problem(item.get("name"), "'" + reg.name() + "' is registered twice");
                continue;
            }
            Optional<Registration> clash = prefixes.values().stream()
                    .filter(o -> !o.toolPrefix().isEmpty() && !reg.toolPrefix().isEmpty()
                            && (o.toolPrefix().startsWith(reg.toolPrefix()) || reg.toolPrefix().startsWith(o.toolPrefix())))
                    .findFirst();
            if (clash.isPresent()) {
                r.problem(item.get("tool-prefix"), "'" + reg.toolPrefix() + "' clashes with '" + clash.get().toolPrefix()
                        + "' of upstream " + clash.get().name() + " (expected: no prefix that starts another)");
                continue;
            }
            prefixes.put(reg.name(), reg);
            out.add(reg);
        }
        return List.copyOf(out);
    }

    static Optional<Registration> read(Config node, ConfigReader r, Instant now) {
        r.allowOnly(node, KEYS.toArray(String[]::new));
        String name = r.string(node.get("name"), "");
        if (!Registration.validName(name)) {
            r.problem(node.get("name"), "'" + name + "' (expected: [a-z0-9][a-z0-9-]{0,47})");
            return Optional.empty();
        }
        boolean ok = true;
        String prefix = r.string(node.get("tool-prefix"), name + "__");
        if (!Registration.validToolPrefix(prefix)) {
            r.problem(node.get("tool-prefix"), "'" + prefix + "' (expected: [A-Za-z0-9_.-]{0,64})");
            ok = false;
        }
        String title = r.string(node.get("title"), "");
        if (title.length() > 100) {
            r.problem(node.get("title"), title.length() + " characters (expected: at most 100)");
            ok = false;
        }
        String description = r.string(node.get("description"), "");
        if (description.length() > 1000) {
            r.problem(node.get("description"), description.length() + " characters (expected: at most 1000)");
            ok = false;
        }
        String version = r.string(node.get("version"), "1.0.0");
        if (!Registration.validVersion(version)) {
            r.problem(node.get("version"), "'" + version + "' (expected: [0-9A-Za-z][0-9A-Za-z.+_-]{0,63}, not 'latest')");
            ok = false;
        }
        boolean enabled = r.bool(node.get("enabled"), true);
        Registration.Pinning pinning = Registration.Pinning.STRICT;
        if (node.get("pinning").exists()) {
            String raw = r.string(node.get("pinning"), "strict");
            Optional<Registration.Pinning> parsed = Registration.Pinning.parse(raw);
            if (parsed.isEmpty()) {
                r.problem(node.get("pinning"), "'" + raw + "' (expected one of: strict, changes-only, off)");
                ok = false;
            } else {
                pinning = parsed.get();
            }
        }
        Duration requestTimeout = r.duration(node.get("request-timeout"), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofHours(1));
        boolean http = node.get("url").exists();
        boolean stdio = node.get("command").exists();
        boolean openApi = node.get("openapi").exists();
        if ((http ? 1 : 0) + (stdio ? 1 : 0) + (openApi ? 1 : 0) != 1) {
            r.problem(node, "upstream '" + name + "' needs exactly one of 'url' (Streamable HTTP), 'command' (stdio) "
                    + "or 'openapi' (an HTTP API described by an OpenAPI document)");
            return Optional.empty();
        }
        UpstreamTarget target;
        if (openApi) {
            Optional<UpstreamTarget.OpenApi> api = openApi(name, node, requestTimeout, r);
            if (api.isEmpty()) {
                return Optional.empty();
            }
            target = api.get();
        } else if (http) {
            for (String key : List.of("command", "env", "working-dir")) {
                if (node.get(key).exists()) {
                    r.problem(node.get(key), "only for stdio upstreams (this one has a url)");
                    ok = false;
                }
            }
            String url = r.string(node.get("url"), "");
            URI uri;
            try {
                uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                    r.problem(node.get("url"), "'" + url
                            + "' (expected: an http or https URL with a host, no user info and no fragment)");
                    return Optional.empty();
                }
            } catch (URISyntaxException e) {
                r.problem(node.get("url"), "'" + url + "' is not a URL");
                return Optional.empty();
            }
            Map<String, String> headers = stringMap(node.get("headers"), r, true);
            Optional<ProtocolVersion.Era> era = Optional.empty();
            if (node.get("era").exists()) {
                era = Optional.of(r.enumValue(node.get("era"), ProtocolVersion.Era.class, ProtocolVersion.Era.SESSION));
            }
            Duration connect = r.duration(node.get("connect-timeout"), Duration.ofSeconds(5), Duration.ofMillis(100),
                    Duration.ofMinutes(2));
            target = new UpstreamTarget.Http(name, uri, headers, connect, requestTimeout, era);
        } else {
            for (String key : List.of("url", "headers", "era", "connect-timeout")) {
                if (node.get(key).exists()) {
                    r.problem(node.get(key), "only for Streamable HTTP upstreams (this one has a command)");
                    ok = false;
                }
            }
            List<String> command = r.stringList(node.get("command"));
            if (command.isEmpty() || command.getFirst().isBlank()) {
                r.problem(node.get("command"), "empty (expected: a list: executable and arguments)");
                return Optional.empty();
            }
            Map<String, String> env = stringMap(node.get("env"), r, false);
            String dir = r.string(node.get("working-dir"), "");
            Optional<Path> workingDir = Optional.empty();
            if (!dir.isEmpty()) {
                try {
                    Path p = Path.of(dir);
                    if (!p.isAbsolute()) {
                        r.problem(node.get("working-dir"), "'" + dir + "' (expected: an absolute path)");
                        ok = false;
                    }
                    workingDir = Optional.of(p);
                } catch (InvalidPathException e) {
                    r.problem(node.get("working-dir"), "'" + dir + "' is not a path");
                    ok = false;
                }
            }
            target = new UpstreamTarget.Stdio(name, command, env, workingDir, requestTimeout);
        }
        if (!ok) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Registration(name, title, description, version, target, prefix, enabled,
                    Registration.Source.CONFIG, now, pinning));
        } catch (IllegalArgumentException e) {
            for (String problem : e.getMessage().split("; ")) {
                report(node, problem, r);
            }
            return Optional.empty();
        }
    }

    /**
     * Reads {@code openapi: {spec, base-url, include, exclude, renames, descriptions, allow-private-networks,
     * credential, max-response-bytes}} (the document is loaded when the upstream connects).
     */
    private static Optional<UpstreamTarget.OpenApi> openApi(String name, Config node, Duration requestTimeout,
                                                            ConfigReader r) {
        for (String key : List.of("url", "headers", "era", "command", "env", "working-dir")) {
            if (node.get(key).exists()) {
                r.problem(node.get(key), "not for OpenAPI upstreams (this one has 'openapi')");
                return Optional.empty();
            }
        }
        Config o = node.get("openapi");
        r.allowOnly(o, OPENAPI_KEYS);
        String spec = r.string(o.get("spec"), "");
        if (spec.isBlank()) {
            r.problem(o.get("spec"), "missing (expected: a file path or an http(s) URL of an OpenAPI document)");
            return Optional.empty();
        }
        Optional<URI> baseUrl = Optional.empty();
        if (o.get("base-url").exists()) {
            String raw = r.string(o.get("base-url"), "");
            try {
                URI u = new URI(raw);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                        || u.getRawUserInfo() != null || u.getRawFragment() != null) {
                    r.problem(o.get("base-url"), "'" + raw + "' (expected: an http or https URL with a host)");
                    return Optional.empty();
                }
                baseUrl = Optional.of(u);
            } catch (URISyntaxException e) {
                r.problem(o.get("base-url"), "'" + raw + "' is not a URL");
                return Optional.empty();
            }
        }
        Config inc = o.get("include");
        Config exc = o.get("exclude");
        r.allowOnly(inc, "tags", "paths", "methods");
        r.allowOnly(exc, "tags", "paths", "methods");
        UpstreamTarget.OpenApi.Selection selection = new UpstreamTarget.OpenApi.Selection(
                Set.copyOf(r.stringList(inc.get("tags"))), Set.copyOf(r.stringList(exc.get("tags"))),
                Set.copyOf(r.stringList(inc.get("paths"))), Set.copyOf(r.stringList(exc.get("paths"))),
                Set.copyOf(r.stringList(inc.get("methods"))), Set.copyOf(r.stringList(exc.get("methods"))));
        Map<String, String> renames = stringMap(o.get("renames"), r, false);
        Map<String, String> descriptions = stringMap(o.get("descriptions"), r, false);
        boolean allowPrivate = r.bool(o.get("allow-private-networks"), false);
        String credential = r.string(o.get("credential"), "");
        long max = r.byteSize(o.get("max-response-bytes"), UpstreamTarget.OpenApi.DEFAULT_MAX_RESPONSE_BYTES, 1,
                1L << 30);
        Duration connect = r.duration(node.get("connect-timeout"), Duration.ofSeconds(5), Duration.ofMillis(100),
                Duration.ofMinutes(2));
        return Optional.of(new UpstreamTarget.OpenApi(name, new UpstreamTarget.OpenApi.Spec.Location(spec), baseUrl,
                selection, renames, descriptions, allowPrivate,
                credential.isEmpty() ? Optional.empty() : Optional.of(credential), connect, requestTimeout, max));
    }

    /** Maps a registry message ({@code target.connectTimeout: ...}) onto the configuration key it is about. */
    private static void report(Config node, String problem, ConfigReader r) {
        int colon = problem.indexOf(": ");
        String field = colon < 0 ? "" : problem.substring(0, colon);
        String reason = colon < 0 ? problem : problem.substring(colon + 2);
        if (field.startsWith("target.")) {
            field = field.substring("target.".length());
        }
        String key = switch (field) {
            case "connectTimeout" -> "connect-timeout";
            case "requestTimeout" -> "request-timeout";
            case "workingDir" -> "working-dir";
            case "toolPrefix" -> "tool-prefix";
            default -> field.replaceAll("\\[(\\d+)]", ".$1");
        };
        r.problem(key.isEmpty() ? node : node.get(key), reason);
    }

    private static Map<String, String> stringMap(Config node, ConfigReader r, boolean headers) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!node.exists()) {
            return values;
        }
        if (node.type() != Config.Type.OBJECT) {
            r.problem(node, "expected a mapping of name: value");
            return values;
        }
        for (Config child : node.asNodeList().orElse(List.of())) {
            String value = r.string(child, "");
            if (headers && (!Registration.validHeaderName(child.name()) || value.matches("(?s).*[\\r\\n].*"))) {
                // never echo the value: it may be a credential
                r.problem(child, "not a valid header (expected: a token name and a value without line breaks)");
                continue;
            }
            if (!headers && !Registration.validEnvName(child.name())) {
                r.problem(child, "not a valid environment variable name (expected: [A-Za-z_][A-Za-z0-9_]*)");
                continue;
            }
            values.put(child.name(), value);
        }
        return values;
    }
}
