package dev.portcullis.personas;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An agent role: the most an agent playing it may do, whoever it acts for.
 *
 * @param name        unique name, e.g. {@code finance-analyst-agent}
 * @param description free text
 * @param allow       what the persona allows
 * @param scopes      the token scopes the persona may exercise for scope step-up; empty = the token's
 *                    scopes as they are
 * @param dlpProfile  the DLP profile requests through this persona are inspected with
 * @param rateLimits  rate limits
 * @param hours       when the persona may act; empty = any time
 */
public record Persona(String name, String description, Rules allow, Optional<Set<String>> scopes,
                      Optional<String> dlpProfile, RateLimits rateLimits, Optional<Hours> hours) {
    /** Copies and rejects nulls. */
    public Persona {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(allow, "allow");
        scopes = scopes.map(Set::copyOf);
        Objects.requireNonNull(dlpProfile, "dlpProfile");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(hours, "hours");
    }

    /**
     * A persona with only allow rules.
     *
     * @param name  name
     * @param allow rules
     * @return the persona
     */
    public static Persona of(String name, Rules allow) {
        return new Persona(name, "", allow, Optional.empty(), Optional.empty(), RateLimits.NONE, Optional.empty());
    }
}
