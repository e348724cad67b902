package dev.portcullis.server.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.portcullis.server.config.ConfigReader;
import io.helidon.config.Config;

/**
 * The {@code registry} section: where the trusted registry of upstreams keeps its state, how often
 * upstream health is checked, and which scope the admin API needs.
 *
 * @param stateFile      the JSON state file; empty means the default for the mode
 *                       ({@code ./portcullis-state/registry.json} in production, a temporary file deleted at
 *                       shutdown in dev and demo)
 * @param namespace      namespace of server names in the {@code /v0.1} API ({@code <namespace>/<name>})
 * @param healthInterval time between two health checks of an upstream
 * @param adminScope     the OAuth scope a caller needs for {@code /admin/upstreams} and
 *                       {@code /admin/registry}
 */
public record RegistrySettings(Optional<Path> stateFile, String namespace, Duration healthInterval, String adminScope) {
    /** Section name. */
    public static final String SECTION = "registry";
    /** The production state file when none is configured. */
    public static final Path DEFAULT_STATE_FILE = Path.of("portcullis-state", "registry.json");
    /** Default admin scope. */
    public static final String DEFAULT_ADMIN_SCOPE = "portcullis:admin";

    private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9.-]{1,100}");
    // RFC 6749 scope-token: %x21 / %x23-5B / %x5D-7E
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofHours(1);

    /** Validates. */
    public RegistrySettings {
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(namespace, "namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace: " + namespace + " (expected: [a-zA-Z0-9.-]{1,100})");
        }
        Objects.requireNonNull(healthInterval, "healthInterval");
        if (healthInterval.compareTo(MIN_INTERVAL) < 0 || healthInterval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("health-interval: " + healthInterval + " (expected: 100ms..1h)");
        }
        Objects.requireNonNull(adminScope, "adminScope");
        if (!SCOPE.matcher(adminScope).matches()) {
            throw new IllegalArgumentException("admin-scope: '" + adminScope + "' (expected: an RFC 6749 scope token)");
        }
    }

    /** @return defaults: the mode's state file, namespace {@code local.portcullis}, checks every 30 s */
    public static RegistrySettings defaults() {
        return new RegistrySettings(Optional.empty(), dev.portcullis.registry.Registry.DEFAULT_NAMESPACE,
                Duration.ofSeconds(30), DEFAULT_ADMIN_SCOPE);
    }

    /**
     * @param stateFile the state file to use
     * @return a copy with that state file
     */
    public RegistrySettings withStateFile(Path stateFile) {
        return new RegistrySettings(Optional.of(stateFile), namespace, healthInterval, adminScope);
    }

    /**
     * @param interval the health-check interval to use
     * @return a copy with that interval
     */
    public RegistrySettings withHealthInterval(Duration interval) {
        return new RegistrySettings(stateFile, namespace, interval, adminScope);
    }

    /**
     * Reads the section.
     *
     * @param node the {@code registry} node (may be missing)
     * @param r    problem collector
     * @return the settings, with defaults where values were missing or invalid
     */
    public static RegistrySettings read(Config node, ConfigReader r) {
        r.allowOnly(node, "state-file", "namespace", "health-interval", "admin-scope");
        RegistrySettings d = defaults();
        String file = r.string(node.get("state-file"), "");
        Optional<Path> stateFile = Optional.empty();
        if (!file.isEmpty()) {
            try {
                stateFile = Optional.of(Path.of(file));
            } catch (java.nio.file.InvalidPathException e) {
                r.problem(node.get("state-file"), "'" + file + "' is not a path");
            }
        }
        String namespace = r.string(node.get("namespace"), d.namespace());
        if (!NAMESPACE.matcher(namespace).matches()) {
            r.problem(node.get("namespace"), "'" + namespace + "' (expected: [a-zA-Z0-9.-]{1,100})");
            namespace = d.namespace();
        }
        Duration interval = r.duration(node.get("health-interval"), d.healthInterval(), MIN_INTERVAL, MAX_INTERVAL);
        String scope = r.string(node.get("admin-scope"), d.adminScope());
        if (!SCOPE.matcher(scope).matches()) {
            r.problem(node.get("admin-scope"), "'" + scope + "' is not a valid scope token (RFC 6749 section 3.3)");
            scope = d.adminScope();
        }
        return new RegistrySettings(stateFile, namespace, interval, scope);
    }
}
