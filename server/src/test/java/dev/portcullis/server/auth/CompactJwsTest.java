package dev.portcullis.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compact JWS parser and the JDK signature checks, against tokens produced by Nimbus. */
class CompactJwsTest {
    private static RSAKey rsa;
    private static RSAKey rsa4096;
    private static ECKey p256;
    private static ECKey p384;
    private static ECKey p521;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        rsa4096 = new RSAKeyGenerator(4096).keyID("rsa4096").generate();
        p256 = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
        p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
        p521 = new ECKeyGenerator(Curve.P_521).keyID("p521").generate();
    }

    private static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer("https://idp.example.test").subject("alice")
                .claim("groups", List.of("finance", "ops")).claim("realm_access", java.util.Map.of("roles", List.of("x")))
                .build();
    }

    private static String sign(JWSAlgorithm alg, JWK key, JWSSigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static boolean verify(String token, JWK key, String alg) throws Exception {
        return CompactJws.parse(token).verify(SignatureCheck.of(key.toPublicJWK(), alg));
    }

    private static AuthFailure failure(String token) {
        try {
            CompactJws.parse(token);
        } catch (Reject r) {
            return r.failure();
        }
        return null;
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void verifiesEveryAllowedAlgorithmAsNimbusSignsIt() throws Exception {
        for (String alg : List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")) {
            String token = sign(JWSAlgorithm.parse(alg), rsa, new RSASSASigner(rsa));
            assertThat(verify(token, rsa, alg)).as(alg).isTrue();
            assertThat(verify(sign(JWSAlgorithm.parse(alg), rsa4096, new RSASSASigner(rsa4096)), rsa4096, alg)).as(alg).isTrue();
        }
        assertThat(verify(sign(JWSAlgorithm.ES256, p256, new ECDSASigner(p256)), p256, "ES256")).isTrue();
        assertThat(verify(sign(JWSAlgorithm.ES384, p384, new ECDSASigner(p384)), p384, "ES384")).isTrue();
        assertThat(verify(sign(JWSAlgorithm.ES512, p521, new ECDSASigner(p521)), p521, "ES512")).isTrue();
    }

    @Test
    void parsesHeaderAndClaimsAsJson() throws Exception {
        CompactJws jws = CompactJws.parse(sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa)));
        assertThat(jws.algorithm()).isEqualTo("RS256");
        assertThat(jws.keyId()).isEqualTo("rsa");
        assertThat(jws.claims()).containsEntry("sub", "alice").containsEntry("groups", List.of("finance", "ops"));
        assertThat(Claims.atPath(jws.claims(), "realm_access.roles")).isEqualTo(List.of("x"));
        assertThatThrownBy(() -> jws.claims().put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesASignatureMadeForAnotherAlgorithmOrKey() throws Exception {
        String rs256 = sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa));
        assertThat(verify(rs256, rsa, "PS256")).isFalse();
        assertThat(verify(rs256, rsa, "RS512")).isFalse();
        assertThat(verify(rs256, rsa4096, "RS256")).isFalse();
        String es256 = sign(JWSAlgorithm.ES256, p256, new ECDSASigner(p256));
        assertThatThrownBy(() -> SignatureCheck.of(p256.toPublicJWK(), "ES384")).isInstanceOf(JOSEException.class);
        assertThatThrownBy(() -> SignatureCheck.of(p256.toPublicJWK(), "RS256")).isInstanceOf(JOSEException.class);
        assertThatThrownBy(() -> SignatureCheck.of(rsa.toPublicJWK(), "HS256")).isInstanceOf(JOSEException.class);
        assertThat(verify(es256, new ECKeyGenerator(Curve.P_256).keyID("other").generate(), "ES256")).isFalse();
    }

    @Test
    void refusesRsaKeysShorterThan2048Bits() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        RSAKey weak = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) g.genKeyPair().getPublic()).build();
        assertThat(SignatureCheck.of(rsa.toPublicJWK(), "RS256").algorithm()).isEqualTo("RS256");
        assertThatThrownBy(() -> SignatureCheck.of(weak, "RS256")).isInstanceOf(JOSEException.class);
    }

    @Test
    void refusesEcdsaSignaturesInDerFormOrOfTheWrongLength() throws Exception {
        String token = sign(JWSAlgorithm.ES256, p256, new ECDSASigner(p256));
        String input = token.substring(0, token.lastIndexOf('.'));
        byte[] p1363 = Base64URL.from(token.substring(token.lastIndexOf('.') + 1)).decode();
        byte[] der = com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(p1363);
        assertThat(verify(input + "." + Base64URL.encode(der), p256, "ES256")).isFalse();
        assertThat(verify(input + "." + Base64URL.encode(java.util.Arrays.copyOf(p1363, 63)), p256, "ES256")).isFalse();
        // r = s = 0 (CVE-2022-21449, "psychic signatures")
        assertThat(verify(input + "." + Base64URL.encode(new byte[64]), p256, "ES256")).isFalse();
        assertThat(new ECDSAVerifier(p256.toECPublicKey()).verify(new JWSHeader(JWSAlgorithm.ES256),
                input.getBytes(StandardCharsets.US_ASCII), Base64URL.encode(p1363))).isTrue();
    }

    @Test
    void agreesWithNimbusOnRandomlyCorruptedTokens() throws Exception {
        // seeded: every run checks the same 2,000 corruptions; our verdict must never be "valid" where Nimbus says no
        Random random = new Random(20261123L);
        String token = sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa));
        SignatureCheck check = SignatureCheck.of(rsa.toPublicJWK(), "RS256");
        RSASSAVerifier nimbus = new RSASSAVerifier(rsa.toRSAPublicKey());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int accepted = 0;
        for (int i = 0; i < 2_000; i++) {
            char[] chars = token.toCharArray();
            int at = random.nextInt(chars.length);
            if (chars[at] == '.') {
                continue;
            }
            chars[at] = alphabet.charAt(random.nextInt(alphabet.length()));
            String corrupted = new String(chars);
            boolean ours;
            try {
                ours = CompactJws.parse(corrupted).verify(check);
            } catch (Reject r) {
                ours = false;
            }
            boolean theirs;
            try {
                theirs = SignedJWT.parse(corrupted).verify(nimbus);
            } catch (Exception e) {
                theirs = false;
            }
            if (ours) {
                accepted++;
                assertThat(theirs).as(corrupted).isTrue();
            }
        }
        // only no-op corruptions (same character, or unused trailing bits of the last base64 group) may pass
        assertThat(accepted).isLessThan(100);
    }

    @Test
    void checksConcurrentlyWithPooledSignatureObjects() throws Exception {
        SignatureCheck check = SignatureCheck.of(rsa.toPublicJWK(), "RS256");
        String good = sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa));
        String[] parts = good.split("\\.");
        String bad = parts[0] + "." + b64("{\"sub\":\"mallory\"}") + "." + parts[2];
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                boolean expectValid = i % 3 != 0;
                String token = expectValid ? good : bad;
                results.add(pool.submit((Callable<Boolean>) () -> CompactJws.parse(token).verify(check) == expectValid));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesDuplicateHeaderParametersAndClaims() throws Exception {
        String sig = Base64URL.encode(new byte[256]).toString();
        assertThat(failure(b64("{\"alg\":\"RS256\",\"alg\":\"none\"}") + "." + b64("{}") + "." + sig))
                .isEqualTo(AuthFailure.MALFORMED_TOKEN);
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + "." + b64("{\"sub\":\"a\",\"sub\":\"b\"}") + "." + sig))
                .isEqualTo(AuthFailure.MALFORMED_TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"alg\":\"RS256\"} x", "{\"alg\":\"RS256\"}{}", "[]", "\"RS256\"", "null", "{\"alg\":5}",
            "{\"alg\":\"\"}", "{}", "{\"alg\":\"RS256\",\"kid\":7}", "{\"alg\":\"RS256\""})
    void refusesMalformedHeaders(String header) {
        assertThat(failure(b64(header) + "." + b64("{\"sub\":\"a\"}") + "." + Base64URL.encode(new byte[256])))
                .isEqualTo(AuthFailure.MALFORMED_TOKEN);
    }

    @Test
    void refusesPaddingAndNonBase64urlCharacters() throws Exception {
        String token = sign(JWSAlgorithm.RS256, rsa, new RSASSASigner(rsa));
        String[] parts = token.split("\\.");
        assertThat(failure(parts[0] + "=." + parts[1] + "." + parts[2])).isEqualTo(AuthFailure.MALFORMED_TOKEN);
        assertThat(failure(parts[0] + "." + parts[1] + "." + parts[2] + "==")).isEqualTo(AuthFailure.MALFORMED_TOKEN);
        assertThat(failure(parts[0] + "." + parts[1].replace('-', '+').replace('_', '/') + "+/." + parts[2]))
                .isEqualTo(AuthFailure.MALFORMED_TOKEN);
        assertThat(failure(parts[0] + "." + parts[1] + "x." + parts[2])).isEqualTo(AuthFailure.MALFORMED_TOKEN);
    }

    @Test
    void classifiesJoseAttacksBeforeLookingAtTheSignature() {
        String claims = b64("{\"iss\":\"https://idp.example.test\",\"sub\":\"a\"}");
        String sig = Base64URL.encode(new byte[256]).toString();
        assertThat(failure(b64("{\"alg\":\"none\"}") + "." + claims + ".")).isEqualTo(AuthFailure.UNSECURED_TOKEN);
        assertThat(failure(b64("{\"alg\":\"NoNe\"}") + "." + claims + ".")).isEqualTo(AuthFailure.UNSECURED_TOKEN);
        assertThat(failure(b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".a.b.c.d")).isEqualTo(AuthFailure.ENCRYPTED_TOKEN);
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + "." + claims + "." + sig + ".x")).isEqualTo(AuthFailure.MALFORMED_TOKEN);
        for (String p : List.of("jku", "x5u")) {
            assertThat(failure(b64("{\"alg\":\"RS256\",\"" + p + "\":\"https://evil.example\"}") + "." + claims + "." + sig))
                    .isEqualTo(AuthFailure.KEY_IN_HEADER);
        }
        assertThat(failure(b64("{\"alg\":\"RS256\",\"jwk\":{}}") + "." + claims + "." + sig)).isEqualTo(AuthFailure.KEY_IN_HEADER);
        assertThat(failure(b64("{\"alg\":\"RS256\",\"x5c\":[]}") + "." + claims + "." + sig)).isEqualTo(AuthFailure.KEY_IN_HEADER);
        assertThat(failure(b64("{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false}") + "." + claims + "." + sig))
                .isEqualTo(AuthFailure.UNKNOWN_CRITICAL_HEADER);
        assertThat(failure(b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + claims + "." + sig)).isNull();
        assertThat(failure(b64("{\"alg\":\"RS256\",\"typ\":\"at+JWT\"}") + "." + claims + "." + sig)).isNull();
        assertThat(failure(b64("{\"alg\":\"RS256\",\"typ\":\"id+jwt\"}") + "." + claims + "." + sig)).isEqualTo(AuthFailure.WRONG_TYPE);
        assertThat(failure(b64("{\"alg\":\"RS256\",\"typ\":[\"jwt\"]}") + "." + claims + "." + sig)).isEqualTo(AuthFailure.WRONG_TYPE);
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + "." + claims + ".")).isEqualTo(AuthFailure.MALFORMED_TOKEN);
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + "." + b64("[1]") + "." + sig)).isEqualTo(AuthFailure.MALFORMED_TOKEN);
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + ".." + sig)).isEqualTo(AuthFailure.MALFORMED_TOKEN);
    }

    @Test
    void boundsNesting() {
        String deep = "{\"a\":".repeat(CompactJws.MAX_DEPTH) + "{}" + "}".repeat(CompactJws.MAX_DEPTH);
        String sig = Base64URL.encode(new byte[256]).toString();
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + "." + b64(deep) + "." + sig)).isEqualTo(AuthFailure.MALFORMED_TOKEN);
        String shallow = "{\"a\":".repeat(CompactJws.MAX_DEPTH - 1) + "{}" + "}".repeat(CompactJws.MAX_DEPTH - 1);
        assertThat(failure(b64("{\"alg\":\"RS256\"}") + "." + b64(shallow) + "." + sig)).isNull();
    }

    @Test
    void readsNumericDatesOfAnySizeWithoutOverflow() throws Exception {
        String sig = Base64URL.encode(new byte[256]).toString();
        CompactJws jws = CompactJws.parse(b64("{\"alg\":\"RS256\"}") + "."
                + b64("{\"exp\":1e400,\"nbf\":-99999999999999999999999,\"iat\":1700000000.75}") + "." + sig);
        assertThat(Claims.instant(jws.claims().get("exp")).orElseThrow().plusSeconds(3600)).isAfter(java.time.Instant.now());
        assertThat(Claims.instant(jws.claims().get("nbf")).orElseThrow().minusSeconds(3600)).isBefore(java.time.Instant.EPOCH);
        assertThat(Claims.instant(jws.claims().get("iat")).orElseThrow().getEpochSecond()).isEqualTo(1700000000L);
        assertThat(Claims.instant("1700000000")).isEmpty();
    }
}
