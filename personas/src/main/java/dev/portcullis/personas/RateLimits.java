package dev.portcullis.personas;

import java.util.Objects;
import java.util.Optional;

/**
 * Rate limits of a persona. Each is a separate token bucket; a call must get a permit from all.
 *
 * @param perPerson  each person, through this persona, over all tools
 * @param perTool    each person and tool, through this persona
 * @param perPersona all people through this persona together
 */
public record RateLimits(Optional<Rate> perPerson, Optional<Rate> perTool, Optional<Rate> perPersona) {
    /** No limits. */
    public static final RateLimits NONE = new RateLimits(Optional.empty(), Optional.empty(), Optional.empty());

    /** Rejects nulls. */
    public RateLimits {
        Objects.requireNonNull(perPerson, "perPerson");
        Objects.requireNonNull(perTool, "perTool");
        Objects.requireNonNull(perPersona, "perPersona");
    }
}
