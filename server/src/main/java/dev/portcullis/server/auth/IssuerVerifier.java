package dev.portcullis.server.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;

/**
 * One trusted issuer: its exact {@code iss}, the audience it must address, its algorithm allowlist and
 * its keys. Picks the verification key for a token (by {@code kid}, {@code use}, {@code alg} and key
 * type) and keeps the built {@link SignatureCheck}s, so a cached key costs one signature check per token.
 */
final class IssuerVerifier {
    private final String issuer;
    private final Optional<String> audience;
    private final Duration clockSkew;
    private final String groupsClaim;
    private final KeySource keys;
    private final Set<String> algorithmNames;
    /** Built checks by key and algorithm (a check holds pooled, initialised JCA objects). */
    private final ConcurrentHashMap<KeyAlg, SignatureCheck> checks = new ConcurrentHashMap<>();
    /** Hot path: a kid resolved against one key set instance; invalid as soon as the set is replaced. */
    private final ConcurrentHashMap<String, Resolved> resolved = new ConcurrentHashMap<>();

    private record Resolved(JWKSet set, SignatureCheck check) {
    }

    private record KeyAlg(JWK key, String alg) {
    }

    IssuerVerifier(String issuer, Optional<String> audience, List<String> algorithms, Duration clockSkew,
                   String groupsClaim, KeySource keys) {
        this.issuer = issuer;
        this.audience = audience;
        this.algorithmNames = Set.copyOf(algorithms);
        this.clockSkew = clockSkew;
        this.groupsClaim = groupsClaim;
        this.keys = keys;
    }

    String issuer() {
        return issuer;
    }

    Optional<String> audience() {
        return audience;
    }

    Duration clockSkew() {
        return clockSkew;
    }

    String groupsClaim() {
        return groupsClaim;
    }

    boolean allows(String alg) {
        return algorithmNames.contains(alg);
    }

    /**
     * The check for a token's key: by {@code kid} (or the only fitting key when there is none), of a type
     * and size that fits {@code alg}, not marked for another use or algorithm. An unknown {@code kid}
     * triggers one rate-limited refetch of the key set (the issuer may have rotated).
     *
     * @param kid the token's {@code kid}, or {@code null}
     * @param alg the token's {@code alg}, already allowed for this issuer
     * @return the signature check
     * @throws Reject {@code UNKNOWN_KEY} or {@code IDP_UNAVAILABLE}
     */
    SignatureCheck checkFor(String kid, String alg) throws Reject {
        JWKSet current;
        try {
            current = keys.keys(false);
        } catch (KeySource.KeysUnavailableException e) {
            throw new Reject(AuthFailure.IDP_UNAVAILABLE, e.getMessage());
        }
        if (kid != null) {
            Resolved hit = resolved.get(kid);
            if (hit != null && hit.set() == current && hit.check().algorithm().equals(alg)) {
                return hit.check();
            }
        }
        JWK key;
        JWKSet from = current;
        try {
            key = select(current, kid, alg);
            if (key == null) {
                // unknown kid: the issuer may have rotated; refetch (rate limited) and look again
                from = keys.keys(true);
                key = select(from, kid, alg);
            }
        } catch (KeySource.KeysUnavailableException e) {
            throw new Reject(AuthFailure.IDP_UNAVAILABLE, e.getMessage());
        }
        if (key == null) {
            throw new Reject(AuthFailure.UNKNOWN_KEY, "kid=" + Claims.loggable(kid) + " issuer=" + issuer);
        }
        KeyAlg built = new KeyAlg(key, alg);
        SignatureCheck check = checks.get(built);
        if (check == null) {
            try {
                check = SignatureCheck.of(key, alg);
            } catch (JOSEException e) {
                throw new Reject(AuthFailure.UNKNOWN_KEY, "unusable key " + Claims.loggable(key.getKeyID()) + ": " + e.getMessage());
            }
            if (checks.size() > 64) {
                checks.clear();
            }
            checks.put(built, check);
        }
        if (kid != null) {
            if (resolved.size() > 64) {
                resolved.clear();
            }
            resolved.put(kid, new Resolved(from, check));
        }
        return check;
    }

    private static JWK select(JWKSet set, String kid, String alg) {
        JWK only = null;
        int candidates = 0;
        for (JWK key : set.getKeys()) {
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                continue;
            }
            if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg)) {
                continue;
            }
            if (!SignatureCheck.fits(key, alg)) {
                continue;
            }
            if (kid != null) {
                if (kid.equals(key.getKeyID())) {
                    return key;
                }
            } else {
                only = key;
                candidates++;
            }
        }
        // without a kid, only an unambiguous key set is usable
        return kid == null && candidates == 1 ? only : null;
    }
}
