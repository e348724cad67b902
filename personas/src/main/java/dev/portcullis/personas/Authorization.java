package dev.portcullis.personas;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import dev.portcullis.core.ReasonCode;
import dev.portcullis.core.Verdict;

/**
 * The answer of the policy for one caller and one target. Handle it with an exhaustive {@code switch}.
 * Every answer carries the {@code policyVersion} of the bundle that gave it.
 */
public sealed interface Authorization {

    /** @return the version of the bundle that decided */
    String policyVersion();

    /**
     * Whether the target is shown in lists: permitted targets and targets that need a scope step-up
     * (so that the client can discover them and then ask for the scope) are; denied ones are not.
     *
     * @return whether the caller may see the target
     */
    default boolean visible() {
        return switch (this) {
            case Permit p -> true;
            case StepUp s -> true;
            case Throttled t -> true;
            case Deny d -> false;
        };
    }

    /**
     * The pipeline verdict for this answer.
     *
     * @return allow, or a deny with the stable reason code
     */
    default Verdict verdict() {
        return switch (this) {
            case Permit p -> Verdict.allow();
            case Deny d -> Verdict.deny(ReasonCode.FORBIDDEN, "Not allowed.");
            case StepUp s -> Verdict.deny(ReasonCode.INSUFFICIENT_SCOPE,
                    "This needs the scope " + String.join(" ", s.scopes()) + ".");
            case Throttled t -> Verdict.deny(ReasonCode.RATE_LIMITED,
                    "Rate limit exceeded; retry after " + Math.max(1, t.retryAfter().toSeconds()) + " s.");
        };
    }

    /**
     * Allowed.
     *
     * @param persona       the persona the caller acts through
     * @param entitlement   the entitlement whose grant allowed it
     * @param grantIndex    index of that grant in the entitlement
     * @param policyVersion bundle version
     */
    record Permit(String persona, String entitlement, int grantIndex, String policyVersion) implements Authorization {
        /** Rejects nulls. */
        public Permit {
            Objects.requireNonNull(persona, "persona");
            Objects.requireNonNull(entitlement, "entitlement");
            Objects.requireNonNull(policyVersion, "policyVersion");
        }
    }

    /**
     * Denied; the target is invisible to the caller.
     *
     * @param why           the reason (for audit and explain; never shown to the caller)
     * @param policyVersion bundle version
     */
    record Deny(Why why, String policyVersion) implements Authorization {
        /** Rejects nulls. */
        public Deny {
            Objects.requireNonNull(why, "why");
            Objects.requireNonNull(policyVersion, "policyVersion");
        }
    }

    /**
     * The person is entitled only through grants that need a scope the token lacks.
     *
     * @param scopes        the scopes any one of which would allow it (sorted)
     * @param policyVersion bundle version
     */
    record StepUp(Set<String> scopes, String policyVersion) implements Authorization {
        /** Copies and rejects nulls. */
        public StepUp {
            scopes = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(scopes));
            Objects.requireNonNull(policyVersion, "policyVersion");
        }
    }

    /**
     * Allowed by policy but over a rate limit.
     *
     * @param limit         which limit: {@code per-person}, {@code per-tool} or {@code per-persona}
     * @param retryAfter    when a permit will be available
     * @param policyVersion bundle version
     */
    record Throttled(String limit, Duration retryAfter, String policyVersion) implements Authorization {
        /** Rejects nulls. */
        public Throttled {
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(policyVersion, "policyVersion");
        }
    }

    /** Why a target was denied. Stable keys, for audit records and explanations. */
    enum Why {
        /** No binding gave the caller a persona. */
        NO_PERSONA("no-persona"),
        /** A source bound two different personas. */
        AMBIGUOUS_PERSONA("ambiguous-persona"),
        /** The bound persona is not defined in the bundle. */
        UNKNOWN_PERSONA("unknown-persona"),
        /** The persona does not allow the target. */
        OUTSIDE_PERSONA("outside-persona"),
        /** The persona may not act at this time. */
        OUTSIDE_HOURS("outside-hours"),
        /** No entitlement of the person grants the target. */
        NOT_ENTITLED("not-entitled"),
        /** Only grants needing a scope apply, and the persona may not exercise any of those scopes. */
        SCOPE_NOT_ALLOWED("scope-not-allowed"),
        /** No policy is in force (fail closed). */
        NO_POLICY("no-policy");

        private final String key;

        Why(String key) {
            this.key = key;
        }

        /** @return the stable key */
        public String key() {
            return key;
        }
    }
}
