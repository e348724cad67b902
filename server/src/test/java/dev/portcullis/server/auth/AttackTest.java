package dev.portcullis.server.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.time.Instant;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack cases of layer-1 authentication, each against a running gateway: every one gets 401 with
 * the same generic problem document (nothing about why), and the precise reason is logged.
 */
class AttackTest {
    static final String RESOURCE = "https://gw.example.test/mcp";
    static final String GENERIC = "{\"type\":\"urn:portcullis:problem:invalid-token\",\"title\":\"Unauthorized\","
            + "\"status\":401,\"detail\":\"The access token is not valid for this resource.\",\"code\":\"invalid-token\"";

    static TestIdp idp;
    static TestIdp untrusted;
    static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp("portcullis");
        untrusted = new TestIdp("evil");
        gw = new GatewayUnderTest("""
                mode: production
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: info, format: text}
                auth:
                  resource: %s
                  required-scopes: [mcp:tools]
                  issuers:
                    - issuer: %s
                      jwks-min-refetch-interval: 0s
                """.formatted(RESOURCE, idp.issuer));
    }

    @AfterAll
    static void stop() {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            idp.close();
            untrusted.close();
        }
    }

    /** 401, the generic body, a challenge without error_description, and the reason in the log. */
    private static void assertRejected(HttpResponse<String> response, AuthFailure logged) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).startsWith(GENERIC);
        assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer resource_metadata=\"https://gw.example.test/.well-known/oauth-protected-resource/mcp")
                .contains("error=\"invalid_token\"")
                .doesNotContain("error_description");
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(gw.authLog).anySatisfy(line -> assertThat(line).contains("not authenticated: " + logged)
                .endsWith(" [request " + requestId + "]"));
        assertThat(gw.authLog).noneSatisfy(line -> assertThat(line).contains("eyJ"));
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void acceptsAWellFormedTokenSoTheRejectionsBelowMeanSomething() throws Exception {
        HttpResponse<String> r = gw.bearer("/auth/whoami", idp.token(RESOURCE));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"sub\":\"alice\"");
    }

    @Test
    void rejectsAlgNone() throws Exception {
        String payload = idp.claims(RESOURCE).build().toPayload().toBase64URL().toString();
        String token = b64("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + payload + ".";
        assertRejected(gw.bearer("/mcp", token), AuthFailure.UNSECURED_TOKEN);
    }

    @Test
    void rejectsHs256SignedWithTheRsaPublicKey() throws Exception {
        byte[] publicKey = idp.signingKey.toRSAPublicKey().getEncoded();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(idp.signingKey.getKeyID()).build(),
                idp.claims(RESOURCE).build());
        jwt.sign(new MACSigner(publicKey));
        assertRejected(gw.bearer("/mcp", jwt.serialize()), AuthFailure.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsUnknownKid() throws Exception {
        RSAKey other = TestIdp.newKey();
        String token = TestIdp.sign(other, idp.claims(RESOURCE).build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.UNKNOWN_KEY);
    }

    @Test
    void rejectsJkuHeader() throws Exception {
        RSAKey attacker = TestIdp.newKey();
        String token = TestIdp.sign(attacker, idp.claims(RESOURCE).build(),
                h -> h.jwkURL(URI.create(untrusted.issuer + "/certs")));
        assertRejected(gw.bearer("/mcp", token), AuthFailure.KEY_IN_HEADER);
    }

    @Test
    void rejectsX5uHeader() throws Exception {
        RSAKey attacker = TestIdp.newKey();
        String token = TestIdp.sign(attacker, idp.claims(RESOURCE).build(),
                h -> h.x509CertURL(URI.create("https://attacker.example/cert.pem")));
        assertRejected(gw.bearer("/mcp", token), AuthFailure.KEY_IN_HEADER);
    }

    @Test
    void rejectsEmbeddedJwkHeaderEvenWithTheTrustedKid() throws Exception {
        RSAKey attacker = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(idp.signingKey.getKeyID()).generate();
        String token = TestIdp.sign(attacker, idp.claims(RESOURCE).build(), h -> h.jwk(attacker.toPublicJWK()));
        assertRejected(gw.bearer("/mcp", token), AuthFailure.KEY_IN_HEADER);
    }

    @Test
    void rejectsUnknownCritHeader() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).build(),
                h -> h.criticalParams(Set.of("urn:example:must-understand")).customParam("urn:example:must-understand", true));
        assertRejected(gw.bearer("/mcp", token), AuthFailure.UNKNOWN_CRITICAL_HEADER);
    }

    @Test
    void rejectsExpired() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        String token = idp.sign(idp.claims(RESOURCE).issueTime(Date.from(past.minusSeconds(600)))
                .notBeforeTime(Date.from(past.minusSeconds(600))).expirationTime(Date.from(past)).build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.EXPIRED);
    }

    @Test
    void rejectsNotBeforeInTheFuture() throws Exception {
        Instant future = Instant.now().plusSeconds(3600);
        String token = idp.sign(idp.claims(RESOURCE).notBeforeTime(Date.from(future))
                .expirationTime(Date.from(future.plusSeconds(600))).build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.NOT_YET_VALID);
    }

    @Test
    void rejectsWrongIssuerSignedWithTheTrustedKey() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).issuer(idp.issuer + "-other").build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.UNTRUSTED_ISSUER);
    }

    @Test
    void rejectsWrongAudience() throws Exception {
        assertRejected(gw.bearer("/mcp", idp.token("https://other.example.test/api")), AuthFailure.WRONG_AUDIENCE);
    }

    @Test
    void rejectsMissingAudience() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).audience((String) null).build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.WRONG_AUDIENCE);
    }

    @Test
    void rejectsTokenForAnotherResourceOnTheSameGatewayHost() throws Exception {
        // same origin, different resource: a token for /mcp/github is not a token for /mcp/billing
        assertRejected(gw.bearer("/mcp/billing", idp.token(RESOURCE + "/github")), AuthFailure.WRONG_AUDIENCE);
    }

    @Test
    void rejectsBadSignature() throws Exception {
        String token = idp.token(RESOURCE);
        int dot = token.lastIndexOf('.');
        char c = token.charAt(dot + 5);
        String tampered = token.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + token.substring(dot + 6);
        assertRejected(gw.bearer("/mcp", tampered), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void rejectsModifiedClaimsUnderAValidSignature() throws Exception {
        String[] parts = idp.token(RESOURCE).split("\\.");
        String forged = idp.claims(RESOURCE).subject("admin").build().toPayload().toBase64URL().toString();
        assertRejected(gw.bearer("/mcp", parts[0] + "." + forged + "." + parts[2]), AuthFailure.BAD_SIGNATURE);
    }

    @Test
    void rejectsMalformedBase64() throws Exception {
        assertRejected(gw.bearer("/mcp", "e~J.e~J.e~J"), AuthFailure.MALFORMED_TOKEN);
    }

    @Test
    void rejectsMalformedJson() throws Exception {
        String token = b64("{\"alg\":\"RS256\",") + "." + b64("{\"sub\":") + "." + b64("sig");
        assertRejected(gw.bearer("/mcp", token), AuthFailure.MALFORMED_TOKEN);
    }

    @Test
    void rejectsClaimsThatAreNotAnObject() throws Exception {
        String[] parts = idp.token(RESOURCE).split("\\.");
        assertRejected(gw.bearer("/mcp", parts[0] + "." + b64("[1,2,3]") + "." + parts[2]), AuthFailure.MALFORMED_TOKEN);
    }

    @Test
    void rejectsTokenLargerThan16KiB() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).claim("padding", "x".repeat(Authenticator.MAX_TOKEN_LENGTH)).build(),
                h -> { });
        assertThat(token.length()).isGreaterThan(Authenticator.MAX_TOKEN_LENGTH);
        assertRejected(gw.bearer("/mcp", token), AuthFailure.TOKEN_TOO_LARGE);
    }

    @Test
    void rejectsTokenInQueryString() throws Exception {
        HttpResponse<String> r = gw.get("/mcp?access_token=" + idp.token(RESOURCE));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).startsWith(GENERIC);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString().contains("error=\"invalid_request\"");
        assertThat(gw.authLog).anySatisfy(line -> assertThat(line).contains("not authenticated: " + AuthFailure.TOKEN_IN_QUERY));
    }

    @Test
    void rejectsTokenInQueryStringEvenWithAValidHeader() throws Exception {
        String token = idp.token(RESOURCE);
        HttpResponse<String> r = gw.get("/auth/whoami?access_token=" + token, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).startsWith(GENERIC);
    }

    @Test
    void rejectsValidTokenOfASecondUntrustedIssuer() throws Exception {
        // signed correctly by its own issuer, whose JWKS is reachable: still not an issuer the gateway trusts
        HttpResponse<String> r = gw.bearer("/mcp", untrusted.token(RESOURCE));
        assertRejected(r, AuthFailure.UNTRUSTED_ISSUER);
        assertThat(untrusted.jwksFetches.get()).isZero();
        assertThat(untrusted.discoveryFetches.get()).isZero();
    }

    @Test
    void rejectsUntrustedIssuersKeyClaimingTheTrustedIssuer() throws Exception {
        String token = untrusted.sign(idp.claims(RESOURCE).build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.UNKNOWN_KEY);
    }

    @Test
    void rejectsTokenWithoutExpiry() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).expirationTime(null).build(), h -> { });
        assertRejected(gw.bearer("/mcp", token), AuthFailure.MISSING_CLAIM);
    }

    @Test
    void rejectsIdTokenType() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).build(), h -> h.type(new JOSEObjectType("dpop+jwt")));
        assertRejected(gw.bearer("/mcp", token), AuthFailure.WRONG_TYPE);
    }

    @Test
    void rejectsNonBearerScheme() throws Exception {
        HttpResponse<String> r = gw.get("/mcp", "Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).startsWith(GENERIC);
    }

    @Test
    void rejectsMissingTokenWithAChallengeButNoErrorCode() throws Exception {
        HttpResponse<String> r = gw.get("/mcp");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"unauthenticated\"");
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains(
                "Bearer resource_metadata=\"https://gw.example.test/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:tools\"");
    }

    @Test
    void rejectsOpaqueTokenWhenNoIssuerIntrospects() throws Exception {
        assertRejected(gw.bearer("/mcp", "opaque-0123456789abcdef"), AuthFailure.OPAQUE_NOT_SUPPORTED);
    }

    @Test
    void answersInsufficientScopeWith403AndAStepUpChallenge() throws Exception {
        String token = idp.sign(idp.claims(RESOURCE).claim("scope", "openid").build(), h -> { });
        HttpResponse<String> r = gw.bearer("/mcp", token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"code\":\"insufficient-scope\"");
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains(
                "Bearer resource_metadata=\"https://gw.example.test/.well-known/oauth-protected-resource/mcp\","
                        + " scope=\"mcp:tools\", error=\"insufficient_scope\"");
    }

    @Test
    void leavesObservabilityAndDiscoveryOpen() throws Exception {
        assertThat(gw.get("/observe/health").statusCode()).isEqualTo(200);
        HttpResponse<String> prm = gw.get("/.well-known/oauth-protected-resource/mcp");
        assertThat(prm.statusCode()).isEqualTo(200);
        assertThat(prm.body()).isEqualTo("{\"resource\":\"" + RESOURCE + "\",\"authorization_servers\":[\"" + idp.issuer
                + "\"],\"scopes_supported\":[\"mcp:tools\"],\"bearer_methods_supported\":[\"header\"],"
                + "\"resource_name\":\"Portcullis MCP gateway\"}");
    }
}
