package dev.portcullis.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.portcullis.mcp.ProtocolVersion;

/**
 * The last known health of an upstream, as reported by the gateway's health checker. Held in memory
 * only: after a restart every upstream is {@link Status#UNKNOWN} until checked again.
 *
 * @param status          the status
 * @param checkedAt       when it was determined
 * @param detail          a short explanation shown to administrators (no credentials, no payloads);
 *                        may be empty
 * @param protocolVersion the MCP revision negotiated with the upstream, when known
 */
public record Health(Status status, Instant checkedAt, String detail, Optional<ProtocolVersion> protocolVersion) {

    /** Upstream health as far as Portcullis knows it. */
    public enum Status {
        /** Not checked since start-up (or since registration). */
        UNKNOWN,
        /** The last check succeeded. */
        HEALTHY,
        /** The last check failed. */
        UNHEALTHY,
        /** The registration is disabled; the upstream is not contacted. */
        DISABLED
    }

    /** Validates; {@code detail} is trimmed and capped at 500 characters. */
    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkedAt, "checkedAt");
        detail = detail == null ? "" : detail.strip();
        if (detail.length() > 500) {
            detail = detail.substring(0, 500);
        }
        Objects.requireNonNull(protocolVersion, "protocolVersion");
    }

    /**
     * @param at when
     * @return an {@link Status#UNKNOWN} health
     */
    public static Health unknown(Instant at) {
        return new Health(Status.UNKNOWN, at, "", Optional.empty());
    }

    /**
     * @param at      when checked
     * @param version negotiated revision
     * @return a {@link Status#HEALTHY} health
     */
    public static Health healthy(Instant at, ProtocolVersion version) {
        return new Health(Status.HEALTHY, at, "", Optional.of(version));
    }

    /**
     * @param at     when checked
     * @param detail why (safe to show)
     * @return an {@link Status#UNHEALTHY} health
     */
    public static Health unhealthy(Instant at, String detail) {
        return new Health(Status.UNHEALTHY, at, detail, Optional.empty());
    }
}
