package dev.portcullis.personas;

import java.util.Objects;
import java.util.Optional;

/**
 * One grant of an entitlement.
 *
 * @param rules         what it allows
 * @param requireScope  a scope the token must carry for the grant to apply (scope step-up)
 */
public record Grant(Rules rules, Optional<String> requireScope) {
    /** Rejects nulls and blank scopes. */
    public Grant {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(requireScope, "requireScope");
        if (requireScope.isPresent() && requireScope.get().isBlank()) {
            throw new IllegalArgumentException("require-scope: blank (expected: a scope)");
        }
    }

    /**
     * @param rules what the grant allows
     * @return a grant that needs no particular scope
     */
    public static Grant of(Rules rules) {
        return new Grant(rules, Optional.empty());
    }
}
