package dev.portcullis.server.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.portcullis.server.config.ConfigReader;
import io.helidon.config.Config;

/**
 * The {@code policy} section: the persona/entitlement bundle and how often its file is checked for
 * changes.
 *
 * <p>Without a {@code file}: in production every MCP list is empty and every call is refused (default
 * deny); in dev and demo mode the MCP endpoint runs without an authorisation stage, with a warning.
 *
 * @param file           the YAML policy bundle
 * @param reloadInterval how often the file is checked for changes (content hash)
 * @param adminScope     the scope the {@code /admin/policy} API needs
 */
public record PolicySettings(Optional<Path> file, Duration reloadInterval, String adminScope) {
    /** Section name. */
    public static final String SECTION = "policy";

    /** Validates. */
    public PolicySettings {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("reload-interval: " + reloadInterval + " (expected: > 0)");
        }
        Objects.requireNonNull(adminScope, "adminScope");
    }

    /** @return no bundle, 2 s reload checks, admin scope {@code portcullis:admin} */
    public static PolicySettings defaults() {
        return new PolicySettings(Optional.empty(), Duration.ofSeconds(2), "portcullis:admin");
    }

    /**
     * @param file the bundle file
     * @return a copy using it
     */
    public PolicySettings withFile(Path file) {
        return new PolicySettings(Optional.of(file), reloadInterval, adminScope);
    }

    /**
     * Reads the section.
     *
     * @param node the {@code policy} node (may be missing)
     * @param r    problem collector
     * @return the settings
     */
    public static PolicySettings read(Config node, ConfigReader r) {
        r.allowOnly(node, "file", "reload-interval", "admin-scope");
        PolicySettings d = defaults();
        String file = r.string(node.get("file"), "");
        Optional<Path> path = Optional.empty();
        if (!file.isEmpty()) {
            try {
                path = Optional.of(Path.of(file));
            } catch (java.nio.file.InvalidPathException e) {
                r.problem(node.get("file"), "'" + file + "' is not a path");
            }
        }
        Duration interval = r.duration(node.get("reload-interval"), d.reloadInterval(), Duration.ofMillis(50),
                Duration.ofHours(1));
        String scope = r.string(node.get("admin-scope"), d.adminScope());
        return new PolicySettings(path, interval, scope);
    }
}
