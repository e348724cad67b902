package dev.portcullis.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that changed in the registry, delivered to {@link Registry#onChange listeners} after the
 * change has been persisted, so the gateway can refresh tool catalogues and notify clients
 * ({@code notifications/tools/list_changed}).
 */
public sealed interface RegistryEvent {

    /** @return the upstream concerned */
    String upstream();

    /** @return when it happened */
    Instant at();

    /**
     * A registration was created or replaced by a new version.
     *
     * @param upstream name
     * @param version  the version now current
     * @param replaced whether an earlier version existed
     * @param actor    who did it
     * @param at       when
     */
    record Registered(String upstream, String version, boolean replaced, String actor, Instant at)
            implements RegistryEvent {
        /** Validates. */
        public Registered {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A registration was removed (with its history and pins).
     *
     * @param upstream name
     * @param actor    who did it
     * @param at       when
     */
    record Removed(String upstream, String actor, Instant at) implements RegistryEvent {
        /** Validates. */
        public Removed {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A registration was enabled.
     *
     * @param upstream name
     * @param actor    who did it
     * @param at       when
     */
    record Enabled(String upstream, String actor, Instant at) implements RegistryEvent {
        /** Validates. */
        public Enabled {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A registration was disabled; its tools must no longer be offered.
     *
     * @param upstream name
     * @param actor    who did it
     * @param at       when
     */
    record Disabled(String upstream, String actor, Instant at) implements RegistryEvent {
        /** Validates. */
        public Disabled {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A tool was withheld because it is new or its definition changed.
     *
     * @param tool the quarantined tool
     */
    record Quarantined(QuarantinedTool tool) implements RegistryEvent {
        /** Validates. */
        public Quarantined {
            Objects.requireNonNull(tool, "tool");
        }

        @Override
        public String upstream() {
            return tool.upstream();
        }

        @Override
        public Instant at() {
            return tool.detectedAt();
        }
    }

    /**
     * A quarantined tool was approved and re-pinned to the definition that was under review.
     *
     * @param upstream name
     * @param toolName the tool (unprefixed)
     * @param hash     the fingerprint now pinned
     * @param actor    who approved it
     * @param at       when
     */
    record Approved(String upstream, String toolName, String hash, String actor, Instant at)
            implements RegistryEvent {
        /** Validates. */
        public Approved {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * An upstream's health status changed (reports that keep the same status are not events).
     *
     * @param upstream name
     * @param health   the new health
     */
    record HealthChanged(String upstream, Health health) implements RegistryEvent {
        /** Validates. */
        public HealthChanged {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(health, "health");
        }

        @Override
        public Instant at() {
            return health.checkedAt();
        }
    }
}
