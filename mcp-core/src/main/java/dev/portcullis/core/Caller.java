package dev.portcullis.core;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is asking: the person, the agent acting for them, the persona the agent plays, the scopes the
 * token grants and where the request came from.
 *
 * <p>Only the authentication stage creates callers; an architecture test keeps every other production
 * class from calling this constructor, so a {@code Caller} always stands for a verified token.
 *
 * @param user     the person
 * @param agent    the OAuth client acting for the person
 * @param persona  the persona bound to this agent, if any (no persona means nothing is allowed)
 * @param scopes   OAuth scopes granted by the token
 * @param tokenId  the token's {@code jti} (or a digest of an opaque token), never the token itself
 * @param ip       the client address, after trusted-proxy resolution
 */
public record Caller(Subject user, Agent agent, Optional<String> persona, Set<String> scopes, String tokenId,
                     InetAddress ip) {
    /** Copies the scopes and rejects nulls. */
    public Caller {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(persona, "persona");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(ip, "ip");
    }
}
