package dev.portcullis.server.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * One trusted issuer: its exact {@code iss}, the audience it must address, its algorithm allowlist and
 * its keys. Picks the verification key for a JWS header (by {@code kid}, {@code use}, {@code alg} and key
 * type) and keeps the built verifiers, so a cached key costs one signature check per token.
 */
final class IssuerVerifier {
    private final String issuer;
    private final Optional<String> audience;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration clockSkew;
    private final String groupsClaim;
    private final KeySource keys;
    private final ConcurrentHashMap<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();
    /** Hot path: (kid, alg) resolved against one key set instance; invalid as soon as the set is replaced. */
    private final ConcurrentHashMap<String, Resolved> resolved = new ConcurrentHashMap<>();

    private record Resolved(JWKSet set, JWSVerifier verifier) {
    }

    IssuerVerifier(String issuer, Optional<String> audience, List<String> algorithms, Duration clockSkew,
                   String groupsClaim, KeySource keys) {
        this.issuer = issuer;
        this.audience = audience;
        this.algorithms = algorithms.stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
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

    boolean allows(JWSAlgorithm alg) {
        return algorithms.contains(alg);
    }

    JWSVerifier verifierFor(JWSHeader header) throws Reject {
        JWKSet current;
        try {
            current = keys.keys(false);
        } catch (KeySource.KeysUnavailableException e) {
            throw new Reject(AuthFailure.IDP_UNAVAILABLE, e.getMessage());
        }
        String cacheKey = header.getKeyID() == null ? null : header.getKeyID() + "|" + header.getAlgorithm().getName();
        if (cacheKey != null) {
            Resolved hit = resolved.get(cacheKey);
            if (hit != null && hit.set() == current) {
                return hit.verifier();
            }
        }
        JWSVerifier verifier = resolve(current, header);
        if (cacheKey != null) {
            if (resolved.size() > 64) {
                resolved.clear();
            }
            try {
                resolved.put(cacheKey, new Resolved(keys.keys(false), verifier));
            } catch (KeySource.KeysUnavailableException e) {
                // nothing to cache against
            }
        }
        return verifier;
    }

    private JWSVerifier resolve(JWKSet current, JWSHeader header) throws Reject {
        JWK key;
        try {
            key = select(current, header);
            if (key == null) {
                // unknown kid: the issuer may have rotated; refetch (rate limited) and look again
                key = select(keys.keys(true), header);
            }
        } catch (KeySource.KeysUnavailableException e) {
            throw new Reject(AuthFailure.IDP_UNAVAILABLE, e.getMessage());
        }
        if (key == null) {
            throw new Reject(AuthFailure.UNKNOWN_KEY, "kid=" + Claims.loggable(header.getKeyID()) + " issuer=" + issuer);
        }
        JWSVerifier verifier = verifiers.get(key);
        if (verifier == null) {
            verifier = build(key, header.getAlgorithm());
            if (verifiers.size() > 64) {
                verifiers.clear();
            }
            verifiers.put(key, verifier);
        }
        return verifier;
    }

    private static JWK select(JWKSet set, JWSHeader header) {
        String kid = header.getKeyID();
        JWSAlgorithm alg = header.getAlgorithm();
        JWK only = null;
        int candidates = 0;
        for (JWK key : set.getKeys()) {
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                continue;
            }
            if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
                continue;
            }
            if (!fits(key, alg)) {
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

    private static boolean fits(JWK key, JWSAlgorithm alg) {
        if (JWSAlgorithm.Family.RSA.contains(alg)) {
            return key instanceof RSAKey rsa && rsa.size() >= 2048;
        }
        if (JWSAlgorithm.Family.EC.contains(alg)) {
            return key instanceof ECKey ec && Curve.forJWSAlgorithm(alg).contains(ec.getCurve());
        }
        if (JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg)) {
            return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
        }
        return false;
    }

    private static JWSVerifier build(JWK key, JWSAlgorithm alg) throws Reject {
        try {
            if (key instanceof RSAKey rsa) {
                return new RSASSAVerifier(rsa);
            }
            if (key instanceof ECKey ec) {
                return new ECDSAVerifier(ec);
            }
            if (key instanceof OctetKeyPair okp) {
                return new Ed25519JdkVerifier(okp);
            }
        } catch (JOSEException e) {
            throw new Reject(AuthFailure.UNKNOWN_KEY, "unusable key " + Claims.loggable(key.getKeyID()) + ": " + e.getMessage());
        }
        throw new Reject(AuthFailure.UNKNOWN_KEY, "no verifier for " + alg);
    }
}
