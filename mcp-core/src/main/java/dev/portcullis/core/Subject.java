package dev.portcullis.core;

import java.util.Objects;
import java.util.Set;

/**
 * The person on whose behalf a request is made.
 *
 * @param id     stable subject identifier at the issuer ({@code sub})
 * @param issuer the issuer that vouched for the subject
 * @param name   display name, may be empty
 * @param email  e-mail address, may be empty
 * @param groups IdP groups (entitlements are granted to groups)
 */
public record Subject(String id, String issuer, String name, String email, Set<String> groups) {
    /** Copies the groups and rejects nulls. */
    public Subject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        groups = Set.copyOf(groups);
    }
}
