package dev.portcullis.server.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The built-in development token issuer (demo and dev mode only; configuration refuses it in
 * production). It holds a fresh P-256 key per start (ES256: generated in about a millisecond, so the demo starts fast), publishes the public half as a JWKS on the gateway
 * and mints RFC 9068 access tokens for the demo users. Nothing it issues survives a restart.
 */
final class DevIssuer {
    /** Path of the issuer below the gateway's base URI. */
    static final String ISSUER_PATH = "/dev-issuer";
    /** Where the JWKS is published. */
    static final String JWKS_PATH = "/.well-known/portcullis-dev-issuer/jwks.json";
    /** RFC 8414 metadata, path-insertion form for the issuer path. */
    static final String METADATA_PATH = "/.well-known/oauth-authorization-server" + ISSUER_PATH;

    /** The demo people. */
    static final List<DemoUser> USERS = List.of(
            new DemoUser("alice", "Alice Adams", "alice@example.com", List.of("finance")),
            new DemoUser("bob", "Bob Brown", "bob@example.com", List.of("support")));

    record DemoUser(String username, String name, String email, List<String> groups) {
    }

    private final ECKey key;
    private final AuthConfig.DevIssuer config;
    private final Clock clock;

    DevIssuer(AuthConfig.DevIssuer config, Clock clock) {
        this.config = config;
        this.clock = clock;
        byte[] kid = new byte[8];
        new SecureRandom().nextBytes(kid);
        try {
            this.key = new ECKeyGenerator(Curve.P_256)
                    .keyID("dev-" + HexFormat.of().formatHex(kid))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the development issuer key", e);
        }
    }

    JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    static String issuer(String base) {
        return base + ISSUER_PATH;
    }

    String metadata(String base) {
        return "{\"issuer\":\"" + issuer(base) + "\",\"jwks_uri\":\"" + base + JWKS_PATH + "\","
                + "\"response_types_supported\":[],\"grant_types_supported\":[],"
                + "\"portcullis_note\":\"development issuer: tokens are printed at start-up, there is no token endpoint\"}";
    }

    String mint(DemoUser user, String issuer, String audience, List<String> scopes) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(user.username())
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(config.tokenLifetime())))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", config.clientId())
                .claim("azp", config.clientId())
                .claim("scope", String.join(" ", scopes))
                .claim("name", user.name())
                .claim("email", user.email())
                .claim("preferred_username", user.username())
                .claim("groups", user.groups())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt"))
                .build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
        return jwt.serialize();
    }
}
