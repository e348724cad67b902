package dev.portcullis.server.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.portcullis.mcp.ProtocolVersion;
import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.server.config.ConfigReader;
import io.helidon.config.Config;

/**
 * One upstream as configured in the {@code upstreams} section: where it is and how its tools are named in
 * the aggregated view.
 *
 * @param target     how to reach it
 * @param toolPrefix prefix of its tool and prompt names on {@code /mcp} (default {@code <name>__}; may be
 *                   empty, then collisions are resolved by registration order)
 */
public record UpstreamSpec(UpstreamTarget target, String toolPrefix) {
    /** Section name. */
    public static final String SECTION = "upstreams";
    /** Valid upstream names. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,64}");

    /** Validates. */
    public UpstreamSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(toolPrefix, "toolPrefix");
        if (!NAME.matcher(target.name()).matches()) {
            throw new IllegalArgumentException("name: " + target.name() + " (expected: [a-z0-9][a-z0-9-]{0,47})");
        }
        if (!PREFIX.matcher(toolPrefix).matches()) {
            throw new IllegalArgumentException("tool-prefix: " + toolPrefix + " (expected: [A-Za-z0-9_.-]{0,64})");
        }
    }

    /** @return the upstream's name */
    public String name() {
        return target.name();
    }

    /**
     * Reads the {@code upstreams} list.
     *
     * @param node list node
     * @param r    problem collector
     * @return specs in configuration order
     */
    public static List<UpstreamSpec> readAll(Config node, ConfigReader r) {
        if (!node.exists()) {
            return List.of();
        }
        if (node.type() != Config.Type.LIST) {
            r.problem(node, "expected a list of upstreams");
            return List.of();
        }
        List<UpstreamSpec> specs = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Config item : node.asNodeList().orElse(List.of())) {
            read(item, r).ifPresent(spec -> {
                if (!names.add(spec.name())) {
                    r.problem(item.get("name"), "'" + spec.name() + "' is registered twice");
                } else {
                    specs.add(spec);
                }
            });
        }
        return List.copyOf(specs);
    }

    static Optional<UpstreamSpec> read(Config node, ConfigReader r) {
        r.allowOnly(node, "name", "url", "headers", "command", "env", "working-dir", "era", "tool-prefix",
                "connect-timeout", "request-timeout");
        String name = r.string(node.get("name"), "");
        if (!NAME.matcher(name).matches()) {
            r.problem(node.get("name"), "'" + name + "' (expected: [a-z0-9][a-z0-9-]{0,47})");
            return Optional.empty();
        }
        String prefix = r.string(node.get("tool-prefix"), name + "__");
        if (!PREFIX.matcher(prefix).matches()) {
            r.problem(node.get("tool-prefix"), "'" + prefix + "' (expected: [A-Za-z0-9_.-]{0,64})");
            return Optional.empty();
        }
        Duration requestTimeout = r.duration(node.get("request-timeout"), Duration.ofSeconds(60),
                Duration.ofMillis(100), Duration.ofHours(1));
        boolean http = node.get("url").exists();
        boolean stdio = node.get("command").exists();
        if (http == stdio) {
            r.problem(node, "upstream '" + name + "' needs exactly one of 'url' (Streamable HTTP) or 'command' (stdio)");
            return Optional.empty();
        }
        if (http) {
            String url = r.string(node.get("url"), "");
            URI uri;
            try {
                uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getRawUserInfo() != null) {
                    r.problem(node.get("url"), "'" + url + "' (expected: an http or https URL with a host and no user info)");
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
                    Duration.ofMinutes(5));
            return Optional.of(new UpstreamSpec(new UpstreamTarget.Http(name, uri, headers, connect, requestTimeout, era),
                    prefix));
        }
        List<String> command = r.stringList(node.get("command"));
        if (command.isEmpty()) {
            r.problem(node.get("command"), "empty (expected: a list: executable and arguments)");
            return Optional.empty();
        }
        Map<String, String> env = stringMap(node.get("env"), r, false);
        String dir = r.string(node.get("working-dir"), "");
        return Optional.of(new UpstreamSpec(new UpstreamTarget.Stdio(name, command, env,
                dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir)), requestTimeout), prefix));
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
            if (headers && (!child.name().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || value.matches(".*[\\r\\n].*"))) {
                r.problem(child, "not a valid header (expected: a token name and a value without line breaks)");
                continue;
            }
            values.put(child.name(), value);
        }
        return values;
    }
}
