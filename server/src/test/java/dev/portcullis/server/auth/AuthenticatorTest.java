package dev.portcullis.server.auth;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.core.Caller;
import dev.portcullis.core.ReasonCode;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The authenticator alone, with a loopback JWKS server and a controllable clock. */
class AuthenticatorTest {
    static final String RESOURCE = "https://gw.example.test/mcp";
    static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    TestIdp idp;
    MutableClock clock;

    @BeforeEach
    void start() throws Exception {
        idp = new TestIdp("portcullis");
        clock = new MutableClock(Instant.now());
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Keys whose refresh after the TTL runs on the calling thread, so that its fetch can be counted at once. */
    RemoteJwks jwks(Duration ttl, Duration minRefetch) {
        return new RemoteJwks(idp.issuer, Optional.empty(), Optional.empty(), new HttpJson(Duration.ofSeconds(2)),
                clock, ttl, minRefetch, Runnable::run);
    }

    Authenticator authenticator(KeySource keys, String groupsClaim, List<String> required, Optional<String> ipClaim) {
        return new Authenticator(URI.create(RESOURCE), List.of(new IssuerVerifier(idp.issuer, Optional.empty(),
                AuthConfig.DEFAULT_ALGORITHMS, Duration.ofSeconds(30), groupsClaim, keys)), Optional.empty(), required,
                ipClaim, clock);
    }

    Authenticator authenticator() {
        return authenticator(jwks(Duration.ofMinutes(10), Duration.ofSeconds(30)), "groups", List.of(), Optional.empty());
    }

    static AuthOutcome run(Authenticator a, String token) {
        return run(a, token, "/mcp", CLIENT);
    }

    static AuthOutcome run(Authenticator a, String token, String path, InetAddress ip) {
        return a.authenticate(new Authenticator.Request(List.of("Bearer " + token), false, path, ip));
    }

    static Caller caller(AuthOutcome outcome) {
        assertThat(outcome).isInstanceOf(AuthOutcome.Authenticated.class);
        return ((AuthOutcome.Authenticated) outcome).caller();
    }

    static AuthFailure failure(AuthOutcome outcome) {
        assertThat(outcome).isInstanceOf(AuthOutcome.Rejected.class);
        return ((AuthOutcome.Rejected) outcome).failure();
    }

    @Nested
    class BuildsTheCaller {
        @Test
        void fromPersonAgentScopesAndTokenId() throws Exception {
            var claims = idp.claims(RESOURCE).jwtID("tok-1").claim("act", Map.of("sub", "gateway-client")).build();
            Caller c = caller(run(authenticator(), idp.sign(claims, h -> { })));
            assertThat(c.user().id()).isEqualTo("alice");
            assertThat(c.user().issuer()).isEqualTo(idp.issuer);
            assertThat(c.user().name()).isEqualTo("Alice Adams");
            assertThat(c.user().email()).isEqualTo("alice@example.com");
            assertThat(c.user().groups()).containsExactly("finance");
            assertThat(c.agent().clientId()).isEqualTo("agent-cli");
            assertThat(c.agent().actor()).contains("gateway-client");
            assertThat(c.scopes()).containsExactlyInAnyOrder("openid", "mcp:tools");
            assertThat(c.tokenId()).isEqualTo("tok-1");
            assertThat(c.ip()).isEqualTo(CLIENT);
            assertThat(c.persona()).isEmpty();
        }

        @Test
        void withGroupsFromANestedClaimPath() throws Exception {
            var claims = idp.claims(RESOURCE).claim("realm_access", Map.of("roles", List.of("auditor", "finance"))).build();
            Caller c = caller(run(authenticator(jwks(Duration.ofMinutes(10), Duration.ZERO), "realm_access.roles",
                    List.of(), Optional.empty()), idp.sign(claims, h -> { })));
            assertThat(c.user().groups()).containsExactlyInAnyOrder("auditor", "finance");
        }

        @Test
        void preferringClientIdOverAzpAndDigestWithoutJti() throws Exception {
            var claims = idp.claims(RESOURCE).jwtID(null).claim("client_id", "svc").build();
            Caller c = caller(run(authenticator(), idp.sign(claims, h -> { })));
            assertThat(c.agent().clientId()).isEqualTo("svc");
            assertThat(c.tokenId()).startsWith("sha256:").hasSize(39);
        }

        @Test
        void acceptingAnUpstreamAudienceOnlyOnThatUpstream() throws Exception {
            String token = idp.token(RESOURCE + "/github");
            assertThat(run(authenticator(), token, "/mcp/github/x", CLIENT)).isInstanceOf(AuthOutcome.Authenticated.class);
            assertThat(failure(run(authenticator(), token, "/mcp", CLIENT))).isEqualTo(AuthFailure.WRONG_AUDIENCE);
        }

        @Test
        void fromEs256AndEdDsaTokens() throws Exception {
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            java.security.KeyPair edPair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            OctetKeyPair ed = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(rawEd25519(
                    (java.security.interfaces.EdECPublicKey) edPair.getPublic()))).keyID("ed-1").build();
            Authenticator a = authenticator(KeySource.fixed(new JWKSet(List.of(ec.toPublicJWK(), ed.toPublicJWK()))),
                    "groups", List.of(), Optional.empty());
            SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                    idp.claims(RESOURCE).build());
            es.sign(new ECDSASigner(ec));
            assertThat(caller(run(a, es.serialize())).user().id()).isEqualTo("alice");

            String header = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}").toString();
            String payload = idp.claims(RESOURCE).build().toPayload().toBase64URL().toString();
            java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
            signer.initSign(edPair.getPrivate());
            signer.update((header + "." + payload).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String ok = header + "." + payload + "." + Base64URL.encode(signer.sign());
            assertThat(caller(run(a, ok)).user().id()).isEqualTo("alice");
            String bad = header + "." + idp.claims(RESOURCE).subject("mallory").build().toPayload().toBase64URL()
                    + "." + ok.substring(ok.lastIndexOf('.') + 1);
            assertThat(failure(run(a, bad))).isEqualTo(AuthFailure.BAD_SIGNATURE);
        }
    }

    /** RFC 8032 encoding: little-endian y, sign of x in the top bit. */
    static byte[] rawEd25519(java.security.interfaces.EdECPublicKey key) {
        byte[] be = key.getPoint().getY().toByteArray();
        byte[] raw = new byte[32];
        for (int i = 0; i < be.length && i < 32; i++) {
            raw[i] = be[be.length - 1 - i];
        }
        if (key.getPoint().isXOdd()) {
            raw[31] |= (byte) 0x80;
        }
        return raw;
    }

    @Nested
    class Keys {
        @Test
        void areFetchedOnceThroughDiscoveryAndCached() throws Exception {
            Authenticator a = authenticator();
            for (int i = 0; i < 5; i++) {
                caller(run(a, idp.token(RESOURCE)));
            }
            assertThat(idp.discoveryFetches.get()).isEqualTo(1);
            assertThat(idp.jwksFetches.get()).isEqualTo(1);
        }

        @Test
        void areRefetchedWhenARotatedKidAppears() throws Exception {
            Authenticator a = authenticator(jwks(Duration.ofMinutes(10), Duration.ZERO), "groups", List.of(), Optional.empty());
            caller(run(a, idp.token(RESOURCE)));
            idp.rotate();
            caller(run(a, idp.token(RESOURCE)));
            assertThat(idp.jwksFetches.get()).isEqualTo(2);
        }

        @Test
        void areRefetchedAtMostOncePerIntervalForUnknownKids() throws Exception {
            Authenticator a = authenticator(jwks(Duration.ofMinutes(10), Duration.ofSeconds(30)), "groups", List.of(),
                    Optional.empty());
            caller(run(a, idp.token(RESOURCE)));
            for (int i = 0; i < 20; i++) {
                String forged = TestIdp.sign(TestIdp.newKey(), idp.claims(RESOURCE).build(), h -> { });
                assertThat(failure(run(a, forged))).isEqualTo(AuthFailure.UNKNOWN_KEY);
            }
            assertThat(idp.jwksFetches.get()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(31));
            idp.rotate();
            caller(run(a, idp.token(RESOURCE)));
            assertThat(idp.jwksFetches.get()).isEqualTo(2);
        }

        @Test
        void expireAfterTheirTtl() throws Exception {
            Authenticator a = authenticator(jwks(Duration.ofMinutes(1), Duration.ZERO), "groups", List.of(), Optional.empty());
            caller(run(a, idp.token(RESOURCE)));
            clock.advance(Duration.ofSeconds(61));
            caller(run(a, idp.token(RESOURCE)));
            assertThat(idp.jwksFetches.get()).isEqualTo(2);
        }

        /** Past the TTL, requests go on with the keys they have while the refresh waits for a slow IdP. */
        @Test
        void areFetchedAgainInTheBackgroundWithoutHoldingRequests() throws Exception {
            RemoteJwks keys = new RemoteJwks(idp.issuer, Optional.empty(), Optional.empty(),
                    new HttpJson(Duration.ofSeconds(5)), clock, Duration.ofMinutes(1), Duration.ZERO,
                    RemoteJwks.BACKGROUND);
            Authenticator a = authenticator(keys, "groups", List.of(), Optional.empty());
            caller(run(a, idp.token(RESOURCE)));
            assertThat(idp.jwksFetches.get()).isEqualTo(1);
            String token = idp.token(RESOURCE);
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            idp.jwksGate = gate;
            clock.advance(Duration.ofSeconds(61));
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 3; i++) { // each answered while the refresh is held at the IdP
                    caller(pool.submit(() -> run(a, token)).get(3, java.util.concurrent.TimeUnit.SECONDS));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (idp.jwksFetches.get() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(idp.jwksFetches.get()).as("one refresh under way, not one per request").isEqualTo(2);
                idp.rotate(); // published while the refresh is held: the refresh brings the new key
            } finally {
                gate.countDown();
                idp.jwksGate = null;
            }
            String rotatedKid = idp.signingKey.getKeyID();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (keys.keys(false).getKeyByKeyId(rotatedKid) == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            caller(run(a, idp.token(RESOURCE))); // signed with the new key, known from the refresh
            assertThat(idp.jwksFetches.get()).isEqualTo(2);
        }

        @Test
        void failClosedWhenTheIdpIsUnreachable() throws Exception {
            String token = idp.token(RESOURCE);
            Authenticator a = authenticator();
            idp.close();
            AuthOutcome outcome = run(a, token);
            assertThat(failure(outcome)).isEqualTo(AuthFailure.IDP_UNAVAILABLE);
            assertThat(((AuthOutcome.Rejected) outcome).verdict().code()).isEqualTo(ReasonCode.IDP_UNAVAILABLE);
        }

        @Test
        void stayUsableForAWhileWhenTheIdpGoesDownButNotForever() throws Exception {
            Authenticator a = authenticator(jwks(Duration.ofMinutes(1), Duration.ZERO), "groups", List.of(), Optional.empty());
            caller(run(a, idp.token(RESOURCE)));
            String token = idp.token(RESOURCE);
            idp.close();
            clock.advance(Duration.ofSeconds(90));
            caller(run(a, token));
            clock.advance(Duration.ofSeconds(60));
            assertThat(failure(run(a, token))).isEqualTo(AuthFailure.IDP_UNAVAILABLE);
        }

        @Test
        void areNeverTakenFromMetadataOfAnotherIssuer() throws Exception {
            RemoteJwks wrong = new RemoteJwks(idp.issuer + "x", Optional.of(URI.create(idp.issuer
                    + "/.well-known/openid-configuration")), Optional.empty(), new HttpJson(Duration.ofSeconds(2)), clock,
                    Duration.ofMinutes(1), Duration.ZERO);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.keys(false))
                    .isInstanceOf(KeySource.KeysUnavailableException.class);
        }

        @Test
        void ignoreEncryptionKeys() throws Exception {
            var enc = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("enc")
                    .keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).generate();
            Authenticator a = authenticator(KeySource.fixed(new JWKSet(enc.toPublicJWK())), "groups", List.of(), Optional.empty());
            assertThat(failure(run(a, TestIdp.sign(enc, idp.claims(RESOURCE).build(), h -> { }))))
                    .isEqualTo(AuthFailure.UNKNOWN_KEY);
        }
    }

    @Nested
    class Time {
        @Test
        void toleratesExpiryWithinTheClockSkew() throws Exception {
            String token = idp.token(RESOURCE);
            clock.advance(Duration.ofSeconds(300 + 20));
            caller(run(authenticator(), token));
        }

        @Test
        void rejectsExpiryBeyondTheClockSkew() throws Exception {
            String token = idp.token(RESOURCE);
            clock.advance(Duration.ofSeconds(300 + 31));
            assertThat(failure(run(authenticator(), token))).isEqualTo(AuthFailure.EXPIRED);
        }

        @Test
        void rejectsIssuedAtInTheFuture() throws Exception {
            String token = idp.sign(idp.claims(RESOURCE).issueTime(java.util.Date.from(clock.now.plusSeconds(120)))
                    .build(), h -> { });
            assertThat(failure(run(authenticator(), token))).isEqualTo(AuthFailure.ISSUED_IN_FUTURE);
        }
    }

    @Nested
    class Headers {
        @Test
        void refusesTwoAuthorizationHeaders() throws Exception {
            String token = idp.token(RESOURCE);
            AuthOutcome o = authenticator().authenticate(new Authenticator.Request(
                    List.of("Bearer " + token, "Bearer " + token), false, "/mcp", CLIENT));
            assertThat(failure(o)).isEqualTo(AuthFailure.MALFORMED_HEADER);
        }

        @Test
        void acceptsTheSchemeInAnyCase() throws Exception {
            AuthOutcome o = authenticator().authenticate(new Authenticator.Request(
                    List.of("bearer " + idp.token(RESOURCE)), false, "/mcp", CLIENT));
            caller(o);
        }

        @Test
        void turnsAnUnexpectedExceptionIntoADenial() {
            KeySource broken = refresh -> {
                throw new IllegalStateException("bug");
            };
            AuthOutcome o = run(authenticator(broken, "groups", List.of(), Optional.empty()), tokenUnchecked());
            assertThat(failure(o)).isEqualTo(AuthFailure.NOT_READY);
        }

        private String tokenUnchecked() {
            try {
                return idp.token(RESOURCE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    class Pinning {
        Authenticator pinned() {
            return authenticator(jwks(Duration.ofMinutes(10), Duration.ZERO), "groups", List.of(), Optional.of("ip_ranges"));
        }

        @Test
        void allowsAClientInsideTheTokensRanges() throws Exception {
            String token = idp.sign(idp.claims(RESOURCE).claim("ip_ranges", "10.0.0.0/8 127.0.0.0/8").build(), h -> { });
            caller(run(pinned(), token));
        }

        @Test
        void deniesAClientOutsideTheTokensRanges() throws Exception {
            String token = idp.sign(idp.claims(RESOURCE).claim("ip_ranges", List.of("10.0.0.0/8")).build(), h -> { });
            AuthOutcome o = run(pinned(), token);
            assertThat(failure(o)).isEqualTo(AuthFailure.TOKEN_IP_MISMATCH);
            assertThat(((AuthOutcome.Rejected) o).verdict().code()).isEqualTo(ReasonCode.TOKEN_IP_MISMATCH);
        }

        @Test
        void deniesWhenThePinningClaimIsGarbage() throws Exception {
            String token = idp.sign(idp.claims(RESOURCE).claim("ip_ranges", "everywhere").build(), h -> { });
            assertThat(failure(run(pinned(), token))).isEqualTo(AuthFailure.TOKEN_IP_MISMATCH);
        }

        @Test
        void ignoresTokensWithoutTheClaim() throws Exception {
            caller(run(pinned(), idp.token(RESOURCE)));
        }
    }

    @Nested
    class Introspection {
        Authenticator introspecting(Duration ttl) {
            Introspector in = new Introspector(idp.issuer, new AuthConfig.Introspection(URI.create(idp.issuer + "/introspect"),
                    "portcullis-gateway", new SecretValue("s3cret"), ttl), clock, Duration.ofSeconds(2));
            return new Authenticator(URI.create(RESOURCE), List.of(new IssuerVerifier(idp.issuer, Optional.empty(),
                    AuthConfig.DEFAULT_ALGORITHMS, Duration.ofSeconds(30), "groups",
                    jwks(Duration.ofMinutes(10), Duration.ZERO))), Optional.of(in), List.of("mcp:tools"), Optional.empty(), clock);
        }

        String active(String aud) {
            long exp = clock.now.getEpochSecond() + 300;
            return "{\"active\":true,\"iss\":\"" + idp.issuer + "\",\"sub\":\"bob\",\"client_id\":\"agent-cli\","
                    + "\"aud\":\"" + aud + "\",\"scope\":\"mcp:tools\",\"exp\":" + exp + ",\"groups\":[\"support\"]}";
        }

        @Test
        void acceptsAnActiveOpaqueTokenAndCachesTheAnswer() {
            idp.introspectionAnswer = active(RESOURCE);
            Authenticator a = introspecting(Duration.ofSeconds(60));
            Caller c = caller(run(a, "opaque-token-1"));
            assertThat(c.user().id()).isEqualTo("bob");
            assertThat(c.user().groups()).containsExactly("support");
            caller(run(a, "opaque-token-1"));
            assertThat(idp.introspections.get()).isEqualTo(1);
            assertThat(idp.lastIntrospectionAuth).startsWith("Basic ");
            clock.advance(Duration.ofSeconds(61));
            caller(run(a, "opaque-token-1"));
            assertThat(idp.introspections.get()).isEqualTo(2);
        }

        @Test
        void identifiesAnOpaqueTokenWithoutJtiByItsDigest() throws Exception {
            idp.introspectionAnswer = active(RESOURCE);
            Caller c = caller(run(introspecting(Duration.ofSeconds(60)), "opaque-token-2"));
            String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest("opaque-token-2".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertThat(c.tokenId()).isEqualTo("sha256:" + sha256.substring(0, 32));
        }

        @Test
        void rejectsAnInactiveTokenAndCachesThatToo() {
            idp.introspectionAnswer = "{\"active\":false}";
            Authenticator a = introspecting(Duration.ofSeconds(60));
            assertThat(failure(run(a, "opaque-dead"))).isEqualTo(AuthFailure.INACTIVE);
            assertThat(failure(run(a, "opaque-dead"))).isEqualTo(AuthFailure.INACTIVE);
            assertThat(idp.introspections.get()).isEqualTo(1);
        }

        @Test
        void rejectsAnActiveTokenForAnotherAudience() {
            idp.introspectionAnswer = active("https://other.example.test");
            assertThat(failure(run(introspecting(Duration.ofSeconds(60)), "opaque-other"))).isEqualTo(AuthFailure.WRONG_AUDIENCE);
        }

        @Test
        void failsClosedWhenTheEndpointIsDown() {
            Authenticator a = introspecting(Duration.ofSeconds(60));
            idp.close();
            assertThat(failure(run(a, "opaque-x"))).isEqualTo(AuthFailure.IDP_UNAVAILABLE);
        }

        @Test
        void neverSendsJwtsToIntrospection() throws Exception {
            Authenticator a = introspecting(Duration.ofSeconds(60));
            caller(run(a, idp.token(RESOURCE)));
            assertThat(idp.introspections.get()).isZero();
        }
    }

    @Nested
    class VerifiedTokenReuse {
        @Test
        void aReusedTokenStillExpiresOnTime() throws Exception {
            Authenticator a = authenticator();
            String token = idp.sign(idp.claims(RESOURCE).expirationTime(java.util.Date.from(clock.now.plusSeconds(20))).build(),
                    h -> { });
            caller(run(a, token));
            caller(run(a, token));

            clock.advance(Duration.ofSeconds(21 + 30));

            assertThat(failure(run(a, token))).isEqualTo(AuthFailure.EXPIRED);
        }

        @Test
        void aReusedTokenIsStillCheckedForScopesAndTheResourcePath() throws Exception {
            Authenticator a = authenticator(jwks(Duration.ofMinutes(10), Duration.ofSeconds(30)), "groups",
                    List.of("admin:all"), Optional.empty());
            String token = idp.token(RESOURCE);

            assertThat(failure(run(a, token))).isEqualTo(AuthFailure.INSUFFICIENT_SCOPE);
            assertThat(failure(run(a, token))).isEqualTo(AuthFailure.INSUFFICIENT_SCOPE);
        }

        @Test
        void aTamperedCopyOfAVerifiedTokenIsNotTrusted() throws Exception {
            Authenticator a = authenticator();
            String token = idp.token(RESOURCE);
            caller(run(a, token));
            String[] parts = token.split("\\.");
            String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("alice", "admin").getBytes());

            assertThat(failure(run(a, parts[0] + "." + forgedPayload + "." + parts[2]))).isEqualTo(AuthFailure.BAD_SIGNATURE);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource(nullValues = "null", delimiter = '|', value = {
            "Bearer abc.def.ghi|abc.def.ghi",
            "bearer abc|abc",
            "BEARER   abc==  |abc==",
            "Bearer a-b_c~d+e/f.g==|a-b_c~d+e/f.g==",
            "Bearer |null",
            "Bearer|null",
            "Basic abc|null",
            "Bearerabc|null",
            "Bearer abc def|null",
            "Bearer ab=c|null",
            "'Bearer abc\t'|null",
            "Bearer ab%c|null",
            "Bearer =abc|null"})
    void parsesOnlyRfc6750BearerCredentials(String header, String token) {
        assertThat(Authenticator.bearerToken(header)).isEqualTo(token);
    }
}
