package dev.portcullis.registry;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of {@link Registry#review}: which of an upstream's tools may be offered to clients.
 *
 * @param approved    tools whose definitions match their pins, in the upstream's order, unprefixed and
 *                    unchanged (the same objects that were passed in)
 * @param quarantined tools withheld until an administrator approves them
 */
public record ToolReview(List<ObjectNode> approved, List<QuarantinedTool> quarantined) {
    /** Copies. */
    public ToolReview {
        approved = List.copyOf(approved);
        quarantined = List.copyOf(quarantined);
    }
}
