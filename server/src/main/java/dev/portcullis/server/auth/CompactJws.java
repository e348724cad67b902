package dev.portcullis.server.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A JWT in JWS Compact Serialization (RFC 7515 §7.1), split and decoded but <em>not yet trusted</em>:
 * the header is checked against Portcullis' JOSE policy here, the signature by {@link SignatureCheck}
 * once the issuer named in the (unverified) claims has been selected.
 *
 * <p>Strict where the RFCs allow a choice: segments must be unpadded base64url; header and claims
 * must be JSON objects with unique member names (RFC 7515 §4, RFC 7519 §4) and no trailing data;
 * nesting is bounded. Refusals carry the same {@link AuthFailure}s for every route into them.
 */
final class CompactJws {
    /** Deepest JSON nesting accepted in a header or claims set. */
    static final int MAX_DEPTH = 32;

    private static final Set<String> TYPES = Set.of("at+jwt", "application/at+jwt", "jwt");
    /** Header parameters that name or carry a key: the key must come from the issuer's JWKS only. */
    private static final Set<String> KEY_PARAMETERS = Set.of("jku", "jwk", "x5u", "x5c");
    private static final ObjectReader READER;

    static {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        READER = mapper.readerFor(new TypeReference<Map<String, Object>>() { });
    }

    private final String algorithm;
    private final String keyId;
    private final Map<String, Object> claims;
    private final byte[] ascii;
    private final int signingInputLength;
    private final byte[] signature;

    private CompactJws(String algorithm, String keyId, Map<String, Object> claims, byte[] ascii,
                       int signingInputLength, byte[] signature) {
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.claims = claims;
        this.ascii = ascii;
        this.signingInputLength = signingInputLength;
        this.signature = signature;
    }

    /**
     * Splits, decodes and checks a token against the JOSE policy (in this order): a JSON object header;
     * not encrypted (JWE); {@code alg} present and not {@code none}; exactly three segments; no
     * {@code jku}/{@code jwk}/{@code x5u}/{@code x5c}; no {@code crit}; {@code typ} absent or a JWT type;
     * a JSON object claims set; a decodable signature.
     *
     * @param token the token, already known to consist of base64url characters and dots
     * @return the unverified token
     * @throws Reject for anything that is not an acceptable JWS-secured JWT
     */
    static CompactJws parse(String token) throws Reject {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        if (first < 0 || second < 0) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, "not a JWT");
        }
        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Object> header = json(token, ascii, 0, first, "header");
        if (header.containsKey("enc")) {
            throw new Reject(AuthFailure.ENCRYPTED_TOKEN, "JWE");
        }
        if (!(header.get("alg") instanceof String alg) || alg.isEmpty()) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, "header without alg");
        }
        if (alg.equalsIgnoreCase("none")) {
            throw new Reject(AuthFailure.UNSECURED_TOKEN, "alg none");
        }
        if (token.indexOf('.', second + 1) >= 0) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, "not three segments");
        }
        for (String name : KEY_PARAMETERS) {
            if (header.containsKey(name)) {
                throw new Reject(AuthFailure.KEY_IN_HEADER, "header names its own key (" + name + ")");
            }
        }
        if (header.containsKey("crit")) {
            throw new Reject(AuthFailure.UNKNOWN_CRITICAL_HEADER, "crit " + Claims.loggable(header.get("crit")));
        }
        Object typ = header.get("typ");
        if (typ != null && !(typ instanceof String t && TYPES.contains(t.toLowerCase(Locale.ROOT)))) {
            throw new Reject(AuthFailure.WRONG_TYPE, "typ " + Claims.loggable(typ));
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, "kid is not a string");
        }
        Map<String, Object> claims = json(token, ascii, first + 1, second, "claims");
        byte[] signature = decode(token, ascii, second + 1, token.length(), "signature");
        if (signature.length == 0) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, "empty signature");
        }
        return new CompactJws(alg, (String) kid, Collections.unmodifiableMap(claims), ascii, second, signature);
    }

    private static Map<String, Object> json(String token, byte[] ascii, int from, int to, String what) throws Reject {
        byte[] bytes = decode(token, ascii, from, to, what);
        Map<String, Object> map;
        try {
            map = READER.readValue(bytes);
        } catch (IOException | RuntimeException e) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, what + " is not a JSON object");
        }
        if (map == null) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, what + " is not a JSON object");
        }
        return map;
    }

    /** Unpadded base64url (RFC 7515 §2): the JDK decoder would also accept padding, so that is refused first. */
    private static byte[] decode(String token, byte[] ascii, int from, int to, String what) throws Reject {
        if (from == to && !"signature".equals(what)) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, "empty " + what);
        }
        int pad = token.indexOf('=', from);
        if (pad >= 0 && pad < to) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, what + " is padded");
        }
        // the JDK's base64url decoder refuses every character outside the URL-safe alphabet
        try {
            ByteBuffer decoded = Base64.getUrlDecoder().decode(ByteBuffer.wrap(ascii, from, to - from));
            byte[] bytes = decoded.array();
            return decoded.arrayOffset() == 0 && decoded.remaining() == bytes.length ? bytes
                    : Arrays.copyOfRange(bytes, decoded.arrayOffset() + decoded.position(),
                            decoded.arrayOffset() + decoded.limit());
        } catch (IllegalArgumentException e) {
            throw new Reject(AuthFailure.MALFORMED_TOKEN, what + " is not base64url");
        }
    }

    /**
     * @return the JWS {@code alg} header parameter
     */
    String algorithm() {
        return algorithm;
    }

    /**
     * @return the {@code kid} header parameter, or {@code null}
     */
    String keyId() {
        return keyId;
    }

    /**
     * @return the claims set (unmodifiable; unverified until {@link #verify(SignatureCheck)} succeeds)
     */
    Map<String, Object> claims() {
        return claims;
    }

    /**
     * @param check the key and algorithm of the selected issuer
     * @return whether the signature over {@code header.payload} is valid with that key
     */
    boolean verify(SignatureCheck check) {
        return check.algorithm().equals(algorithm) && check.verify(ascii, signingInputLength, signature);
    }
}
