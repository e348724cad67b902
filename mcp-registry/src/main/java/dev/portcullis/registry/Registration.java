package dev.portcullis.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.portcullis.mcp.UpstreamTarget;

/**
 * One registered upstream MCP server: only upstreams with a registration are ever reachable through
 * the gateway (no shadow MCP).
 *
 * <p><b>Tool names.</b> Clients see each tool as {@code toolPrefix + toolName} (see
 * {@link #exposedName(String)}). The prefix defaults to {@code name + "__"}. It may be empty: the
 * upstream's names are then used as given, and when two upstreams offer the same name the one
 * registered first wins ({@link Registry#list()} is in registration order: configuration first, in
 * configuration order, then administrator registrations oldest first). Two registrations may not share
 * a non-empty prefix, nor may one non-empty prefix start with another (names would be ambiguous).
 *
 * @param name         unique name, {@code [a-z0-9][a-z0-9-]{0,47}}; equals {@code target.name()}
 * @param title        display name, at most 100 characters; may be empty
 * @param description  what the server offers, at most 1,000 characters; may be empty
 * @param version      the registration's version, {@code [0-9A-Za-z][0-9A-Za-z.+_-]{0,63}} but not
 *                     {@code latest}; a version, once registered, is immutable
 * @param target       where and how the upstream is reached (validated: http(s) URL with a host and no
 *                     user info, RFC 9110 header names, no CR/LF in header values, no reserved headers,
 *                     bounded timeouts, non-empty stdio command, absolute working directory)
 * @param toolPrefix   prefix for exposed tool names, {@code [A-Za-z0-9_.-]{0,64}}; {@code null} means
 *                     {@code name + "__"}
 * @param enabled      whether the gateway may contact the upstream and offer its tools
 * @param source       where the registration comes from
 * @param registeredAt when this version was registered
 * @param pinning      how tool definitions are pinned; {@code null} means {@link Pinning#STRICT}
 */
public record Registration(String name, String title, String description, String version, UpstreamTarget target,
                           String toolPrefix, boolean enabled, Source source, Instant registeredAt,
                           Pinning pinning) {

    /** Where a registration comes from. */
    public enum Source {
        /** The gateway's configuration file: cannot be replaced or removed through the API. */
        CONFIG,
        /** The admin API: persisted in the registry's state file. */
        ADMIN
    }

    /** How an upstream's tool definitions are pinned. */
    public enum Pinning {
        /** No pinning: every tool the upstream lists is offered. For development only. */
        OFF("off"),
        /** Changed definitions are quarantined; new tools are pinned and offered on first sight. */
        CHANGES_ONLY("changes-only"),
        /** Changed definitions and new tools are both quarantined until approved (the default). */
        STRICT("strict");

        private final String text;

        Pinning(String text) {
            this.text = text;
        }

        /** @return the configuration spelling: {@code off}, {@code changes-only} or {@code strict} */
        public String text() {
            return text;
        }

        /**
         * @param text configuration spelling (case-insensitive)
         * @return the policy, when the text names one
         */
        public static Optional<Pinning> parse(String text) {
            for (Pinning p : values()) {
                if (p.text.equalsIgnoreCase(text.strip())) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * @param name a candidate upstream name
     * @return whether it is a valid registration name, {@code [a-z0-9][a-z0-9-]{0,47}}
     */
    public static boolean validName(String name) {
        return Checks.name(name);
    }

    /**
     * @param prefix a candidate tool prefix
     * @return whether it is a valid tool prefix, {@code [A-Za-z0-9_.-]{0,64}}
     */
    public static boolean validToolPrefix(String prefix) {
        return Checks.toolPrefix(prefix);
    }

    /**
     * @param version a candidate registration version
     * @return whether it is a valid version, {@code [0-9A-Za-z][0-9A-Za-z.+_-]{0,63}} but not {@code latest}
     */
    public static boolean validVersion(String version) {
        return Checks.version(version);
    }

    /**
     * @param name a candidate name of a static upstream header
     * @return whether it is an RFC 9110 token of at most 128 characters (reserved headers are checked
     *         separately, when the registration is built)
     */
    public static boolean validHeaderName(String name) {
        return Checks.headerName(name);
    }

    /**
     * @param name a candidate environment variable name for a stdio upstream
     * @return whether it is valid, {@code [A-Za-z_][A-Za-z0-9_]{0,127}}
     */
    public static boolean validEnvName(String name) {
        return Checks.envName(name);
    }

    /**
     * Validates and applies defaults.
     *
     * @throws IllegalArgumentException naming the first invalid field, e.g.
     *                                  {@code "name: Foo (expected: [a-z0-9][a-z0-9-]{0,47})"}
     */
    public Registration {
        Objects.requireNonNull(name, "name");
        if (!Checks.name(name)) {
            throw new IllegalArgumentException("name: " + Checks.printable(name) + " (expected: " + Checks.NAME_EXPECTED + ")");
        }
        title = title == null ? "" : title.strip();
        if (title.length() > Checks.MAX_TITLE) {
            throw new IllegalArgumentException("title: " + title.length() + " characters (expected: at most " + Checks.MAX_TITLE + ")");
        }
        description = description == null ? "" : description.strip();
        if (description.length() > Checks.MAX_DESCRIPTION) {
            throw new IllegalArgumentException("description: " + description.length()
                    + " characters (expected: at most " + Checks.MAX_DESCRIPTION + ")");
        }
        Objects.requireNonNull(version, "version");
        if (!Checks.version(version)) {
            throw new IllegalArgumentException("version: " + Checks.printable(version) + " (expected: " + Checks.VERSION_EXPECTED + ")");
        }
        Objects.requireNonNull(target, "target");
        if (!target.name().equals(name)) {
            throw new IllegalArgumentException("target.name: " + Checks.printable(target.name()) + " (expected: " + name + ")");
        }
        List<String> problems = new ArrayList<>();
        Checks.target(target, (field, reason) -> problems.add("target." + field + ": " + reason));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        toolPrefix = toolPrefix == null ? name + "__" : toolPrefix;
        if (!Checks.toolPrefix(toolPrefix)) {
            throw new IllegalArgumentException("toolPrefix: " + Checks.printable(toolPrefix)
                    + " (expected: " + Checks.TOOL_PREFIX_EXPECTED + ")");
        }
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(registeredAt, "registeredAt");
        pinning = pinning == null ? Pinning.STRICT : pinning;
    }

    /**
     * A registration with {@link Pinning#STRICT strict} pinning.
     *
     * @param name         unique name
     * @param title        display name
     * @param description  description
     * @param version      version
     * @param target       the upstream
     * @param toolPrefix   prefix, {@code null} for {@code name + "__"}
     * @param enabled      whether enabled
     * @param source       origin
     * @param registeredAt when
     */
    public Registration(String name, String title, String description, String version, UpstreamTarget target,
                        String toolPrefix, boolean enabled, Source source, Instant registeredAt) {
        this(name, title, description, version, target, toolPrefix, enabled, source, registeredAt, Pinning.STRICT);
    }

    /**
     * Parses an admin-API registration body. The result has source {@link Source#ADMIN}.
     *
     * <pre>{@code
     * {"name": "github", "title": "GitHub", "description": "Issues and PRs", "version": "1.0.0",
     *  "toolPrefix": "gh__", "enabled": true, "pinning": "strict",
     *  "transport": {"type": "streamable-http", "url": "https://mcp.example.com/mcp",
     *                "headers": {"X-Tenant": "acme"}, "connectTimeout": "10s", "requestTimeout": "60s",
     *                "era": "session"}}
     * {"name": "files", "transport": {"type": "stdio", "command": ["mcp-files", "--root", "/srv"],
     *                                 "env": {"LOG_LEVEL": "info"}, "workingDir": "/srv"}}
     * }</pre>
     *
     * <p>Defaults: {@code version} {@code 1.0.0}, {@code toolPrefix} {@code name + "__"},
     * {@code enabled} true, {@code pinning} {@code strict}, {@code connectTimeout} 10s,
     * {@code requestTimeout} 60s, {@code era} discovered. Unknown fields are errors.
     *
     * @param body the request body
     * @param now  the registration time
     * @return the registration
     * @throws RegistryException {@link RegistryException.Reason#INVALID}, listing every problem as
     *                           {@code "field.path: reason (expected: ...)"}; header and environment values
     *                           are never echoed
     */
    public static Registration fromJson(JsonNode body, Instant now) {
        return RegistrationJson.parse(body, now, Source.ADMIN);
    }

    /**
     * @param toolName a tool name as the upstream gives it
     * @return the name clients see: {@code toolPrefix + toolName}
     */
    public String exposedName(String toolName) {
        return toolPrefix + toolName;
    }

    /**
     * @param enabled new value
     * @return a copy with {@code enabled} replaced
     */
    public Registration withEnabled(boolean enabled) {
        return new Registration(name, title, description, version, target, toolPrefix, enabled, source, registeredAt, pinning);
    }

    /** Whether two registrations describe the same version (ignores {@code enabled} and {@code registeredAt}). */
    boolean sameContent(Registration other) {
        return name.equals(other.name) && title.equals(other.title) && description.equals(other.description)
                && version.equals(other.version) && target.equals(other.target)
                && toolPrefix.equals(other.toolPrefix) && source == other.source && pinning == other.pinning;
    }

    /** @return {@code streamable-http}, {@code stdio} or {@code openapi} */
    String transportType() {
        return switch (target) {
            case UpstreamTarget.Http h -> "streamable-http";
            case UpstreamTarget.Stdio s -> "stdio";
            case UpstreamTarget.OpenApi o -> "openapi";
        };
    }

    /** @return a one-line description for logs (no header or env values) */
    String describe() {
        return name + "@" + version + " (" + transportType() + ", pinning " + pinning.text().toLowerCase(Locale.ROOT) + ")";
    }
}
