package dev.portcullis.personas;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Grants given to the members of IdP groups and to individual subjects.
 *
 * @param name     unique name (shown in explanations)
 * @param groups   IdP groups whose members get the grants
 * @param subjects individual subjects ({@code sub}) who get the grants
 * @param grants   the grants
 */
public record Entitlement(String name, Set<String> groups, Set<String> subjects, List<Grant> grants) {
    /** Copies collections and rejects nulls. */
    public Entitlement {
        Objects.requireNonNull(name, "name");
        groups = Set.copyOf(groups);
        subjects = Set.copyOf(subjects);
        grants = List.copyOf(grants);
    }
}
