package dev.portcullis.core;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Stage} decided. Handle verdicts with an exhaustive {@code switch} without a
 * {@code default} branch, so that a new kind of verdict breaks the build instead of slipping through.
 */
public sealed interface Verdict {

    /** The shared allow verdict. */
    Allow ALLOW = new Allow();

    /**
     * The stage allows the request to continue unchanged.
     *
     * @return the shared allow verdict
     */
    static Verdict allow() {
        return ALLOW;
    }

    /**
     * The stage denies the request.
     *
     * @param code          stable reason code
     * @param publicMessage message that is safe to show to the caller
     * @return a deny verdict
     */
    static Deny deny(ReasonCode code, String publicMessage) {
        return new Deny(code, publicMessage);
    }

    /** Allow: continue with the next stage. */
    record Allow() implements Verdict {
    }

    /**
     * Continue with the payload replaced: sensitive parts were redacted. The pipeline passes the
     * replacement to later stages and to the upstream.
     *
     * @param replacement the redacted payload (any type the exchange understands, usually a Jackson tree)
     * @param findings    what was found; never the raw values
     */
    record Redact(Object replacement, List<Finding> findings) implements Verdict {
        /** Copies the findings and rejects nulls. */
        public Redact {
            Objects.requireNonNull(replacement, "replacement");
            findings = List.copyOf(findings);
        }
    }

    /**
     * Stop: the request is refused.
     *
     * @param code          stable reason code; determines HTTP status and JSON-RPC error code
     * @param publicMessage a message safe to show to the caller: no secrets, no internal detail
     */
    record Deny(ReasonCode code, String publicMessage) implements Verdict {
        /** Rejects nulls. */
        public Deny {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(publicMessage, "publicMessage");
        }
    }
}
