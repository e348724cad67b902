package dev.portcullis.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The software acting for the person: the OAuth client the token was issued to.
 *
 * @param clientId the OAuth client ({@code client_id} or {@code azp})
 * @param actor    the acting party of a delegated token ({@code act.sub}), when there is one
 */
public record Agent(String clientId, Optional<String> actor) {
    /** Rejects nulls. */
    public Agent {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(actor, "actor");
    }
}
