package dev.portcullis.server.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small identity provider for tests: OIDC discovery and a JWKS served over loopback HTTP from keys
 * generated with Nimbus, counting fetches, with key rotation. Also mints tokens.
 */
final class TestIdp implements AutoCloseable {
    final HttpServer server;
    final String issuer;
    final AtomicInteger jwksFetches = new AtomicInteger();
    final AtomicInteger discoveryFetches = new AtomicInteger();
    volatile RSAKey signingKey;
    volatile JWKSet published;
    volatile String introspectionAnswer = "{\"active\":false}";
    final AtomicInteger introspections = new AtomicInteger();
    volatile String lastIntrospectionAuth;
    /** While set, JWKS requests wait for it (a slow IdP). */
    volatile java.util.concurrent.CountDownLatch jwksGate;

    TestIdp(String realm) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/" + realm;
        signingKey = newKey();
        published = new JWKSet(List.of(signingKey.toPublicJWK(), encryptionKey()));
        server.createContext("/realms/" + realm + "/.well-known/openid-configuration", ex -> {
            discoveryFetches.incrementAndGet();
            send(ex, 200, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/certs\","
                    + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
        });
        server.createContext("/realms/" + realm + "/certs", ex -> {
            jwksFetches.incrementAndGet();
            java.util.concurrent.CountDownLatch gate = jwksGate;
            if (gate != null) {
                try {
                    gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(ex, 200, published.toString(true));
        });
        server.createContext("/realms/" + realm + "/introspect", ex -> {
            introspections.incrementAndGet();
            lastIntrospectionAuth = ex.getRequestHeaders().getFirst("Authorization");
            ex.getRequestBody().readAllBytes();
            send(ex, 200, introspectionAnswer);
        });
        server.start();
    }

    static RSAKey newKey() throws Exception {
        return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE).generate();
    }

    /** Keycloak publishes an RSA-OAEP encryption key next to the signing key. */
    private static JWK encryptionKey() throws Exception {
        return new RSAKeyGenerator(2048).keyID("enc-" + UUID.randomUUID()).keyUse(KeyUse.ENCRYPTION)
                .generate().toPublicJWK();
    }

    /** Publishes a new signing key (old one kept, as IdPs do during rotation) and signs with it from now on. */
    void rotate() throws Exception {
        RSAKey next = newKey();
        published = new JWKSet(List.of(next.toPublicJWK(), signingKey.toPublicJWK()));
        signingKey = next;
    }

    int port() {
        return server.getAddress().getPort();
    }

    JWTClaimsSet.Builder claims(String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("alice")
                .audience(audience)
                .issueTime(Date.from(now.minusSeconds(5)))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .claim("azp", "agent-cli")
                .claim("scope", "openid mcp:tools")
                .claim("name", "Alice Adams")
                .claim("email", "alice@example.com")
                .claim("groups", List.of("finance"));
    }

    String token(String audience) throws Exception {
        return sign(claims(audience).build(), h -> { });
    }

    String sign(JWTClaimsSet claims, Consumer<JWSHeader.Builder> header) throws Exception {
        return sign(signingKey, claims, header);
    }

    static String sign(RSAKey key, JWTClaimsSet claims, Consumer<JWSHeader.Builder> header) throws Exception {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt"));
        header.accept(h);
        SignedJWT jwt = new SignedJWT(h.build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static Map<String, Object> claimsMap(JWTClaimsSet c) {
        return c.toJSONObject();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
