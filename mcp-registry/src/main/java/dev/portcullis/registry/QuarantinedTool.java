package dev.portcullis.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A tool withheld from clients until an administrator approves it.
 *
 * @param upstream     registered upstream name
 * @param toolName     the tool's name as the upstream gives it (unprefixed)
 * @param reason       why it is withheld
 * @param pinnedHash   the fingerprint pinned before ({@link Reason#CHANGED} only)
 * @param observedHash the fingerprint of the definition now offered
 * @param detectedAt   when the difference was first seen
 * @param definition   the definition now offered, for review (never logged: descriptions are where tool
 *                     poisoning hides)
 */
public record QuarantinedTool(String upstream, String toolName, Reason reason, Optional<String> pinnedHash,
                              String observedHash, Instant detectedAt, ObjectNode definition) {

    /** Why a tool is quarantined. */
    public enum Reason {
        /** A tool whose definition differs from its pin (a possible rug pull). */
        CHANGED,
        /** A tool never seen from this upstream before (pinning policy {@code strict}). */
        NEW
    }

    /** Validates and copies the definition. */
    public QuarantinedTool {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(pinnedHash, "pinnedHash");
        Objects.requireNonNull(observedHash, "observedHash");
        Objects.requireNonNull(detectedAt, "detectedAt");
        definition = Objects.requireNonNull(definition, "definition").deepCopy();
        if ((reason == Reason.CHANGED) != pinnedHash.isPresent()) {
            throw new IllegalArgumentException("pinnedHash: " + pinnedHash
                    + " (expected: present exactly when reason is CHANGED)");
        }
    }

    /** @return a copy of the offered definition */
    @Override
    public ObjectNode definition() {
        return definition.deepCopy();
    }
}
