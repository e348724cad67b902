package dev.portcullis.server.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.concurrent.atomic.AtomicReferenceArray;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * One verification key bound to one JWS algorithm (RFC 7518 §3), checked with the JDK's own providers.
 *
 * <p>Initialised {@link Signature} objects are kept in a small lock-free pool: after {@code verify} a
 * JCA signature object is back in its initialised state, so a pooled object costs neither a provider
 * lookup nor a key import per token. An object whose check threw is discarded. Thread-safe.
 */
final class SignatureCheck {
    private static final int POOL = 8;

    private final String algorithm;
    private final PublicKey key;
    private final String jcaName;
    private final AlgorithmParameterSpec parameters;
    private final int signatureLength;
    private final AtomicReferenceArray<Signature> idle = new AtomicReferenceArray<>(POOL);

    private SignatureCheck(String algorithm, PublicKey key, String jcaName, AlgorithmParameterSpec parameters,
                           int signatureLength) {
        this.algorithm = algorithm;
        this.key = key;
        this.jcaName = jcaName;
        this.parameters = parameters;
        this.signatureLength = signatureLength;
    }

    /**
     * @param jwk       a public verification key from the issuer's JWKS
     * @param algorithm the JWS {@code alg} the token names
     * @return the check
     * @throws JOSEException when the key cannot be used with that algorithm
     */
    static SignatureCheck of(JWK jwk, String algorithm) throws JOSEException {
        if (!fits(jwk, algorithm)) {
            throw new JOSEException("key " + jwk.getKeyType() + " does not fit " + algorithm);
        }
        try {
            return switch (algorithm) {
                case "RS256", "RS384", "RS512" -> rsa(jwk, algorithm, "SHA" + algorithm.substring(2) + "withRSA", null);
                case "PS256" -> rsa(jwk, algorithm, "RSASSA-PSS", pss("SHA-256", MGF1ParameterSpec.SHA256, 32));
                case "PS384" -> rsa(jwk, algorithm, "RSASSA-PSS", pss("SHA-384", MGF1ParameterSpec.SHA384, 48));
                case "PS512" -> rsa(jwk, algorithm, "RSASSA-PSS", pss("SHA-512", MGF1ParameterSpec.SHA512, 64));
                case "ES256" -> ec(jwk, algorithm, "SHA256withECDSAinP1363Format", 64);
                case "ES384" -> ec(jwk, algorithm, "SHA384withECDSAinP1363Format", 96);
                case "ES512" -> ec(jwk, algorithm, "SHA512withECDSAinP1363Format", 132);
                case "EdDSA", "Ed25519" -> ed25519(jwk, algorithm);
                default -> throw new JOSEException("unsupported algorithm " + algorithm);
            };
        } catch (GeneralSecurityException e) {
            throw new JOSEException("unusable key for " + algorithm + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a JWKS key can verify an algorithm: RSA of at least 2048 bits for RS and PS, the algorithm's
     * curve for ES, an Ed25519 key for EdDSA. Key selection skips keys that do not fit.
     *
     * @param key       a JWKS key
     * @param algorithm a JWS {@code alg}
     * @return whether {@link #of} can build a check from them
     */
    static boolean fits(JWK key, String algorithm) {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
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

    private static PSSParameterSpec pss(String digest, MGF1ParameterSpec mgf, int saltLength) {
        // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output
        return new PSSParameterSpec(digest, "MGF1", mgf, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
    }

    private static SignatureCheck rsa(JWK jwk, String alg, String jca, AlgorithmParameterSpec params)
            throws JOSEException, GeneralSecurityException {
        RSAPublicKey key = ((RSAKey) jwk).toRSAPublicKey();
        return probe(new SignatureCheck(alg, key, jca, params, (key.getModulus().bitLength() + 7) / 8));
    }

    private static SignatureCheck ec(JWK jwk, String alg, String jca, int length)
            throws JOSEException, GeneralSecurityException {
        ECPublicKey key = ((ECKey) jwk).toECPublicKey();
        return probe(new SignatureCheck(alg, key, jca, null, length));
    }

    private static SignatureCheck ed25519(JWK jwk, String alg) throws JOSEException, GeneralSecurityException {
        byte[] raw = ((OctetKeyPair) jwk).getX().decode();
        if (raw.length != 32) {
            throw new JOSEException("Ed25519 key must be 32 bytes");
        }
        // RFC 8032 §5.1.2: little-endian y with the sign of x in the top bit of the last byte
        boolean xOdd = (raw[31] & 0x80) != 0;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = raw[31 - i];
        }
        be[0] &= 0x7f;
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519,
                new EdECPoint(xOdd, new BigInteger(1, be))));
        return probe(new SignatureCheck(alg, key, "Ed25519", null, 64));
    }

    /** Builds one signature object up front, so an unusable key fails when it is selected, not per token. */
    private static SignatureCheck probe(SignatureCheck check) throws GeneralSecurityException {
        check.release(check.create());
        return check;
    }

    /**
     * @return the JWS algorithm this check verifies
     */
    String algorithm() {
        return algorithm;
    }

    /**
     * Verifies a JWS signature.
     *
     * @param signingInput bytes holding the JWS signing input ({@code header.payload}, ASCII)
     * @param length       how many bytes of {@code signingInput} (from its start) are the signing input
     * @param signature    the decoded signature
     * @return whether the signature is valid; a malformed signature is simply invalid
     */
    boolean verify(byte[] signingInput, int length, byte[] signature) {
        if (signature.length != signatureLength) {
            return false;
        }
        Signature s = null;
        try {
            s = acquire();
            s.update(signingInput, 0, length);
            boolean valid = s.verify(signature);
            release(s);
            return valid;
        } catch (GeneralSecurityException | RuntimeException e) {
            // the object's state is unknown after a failure: it is dropped, not pooled
            return false;
        }
    }

    private Signature acquire() throws GeneralSecurityException {
        for (int i = 0; i < POOL; i++) {
            Signature s = idle.getAndSet(i, null);
            if (s != null) {
                return s;
            }
        }
        return create();
    }

    private void release(Signature s) {
        for (int i = 0; i < POOL; i++) {
            if (idle.compareAndSet(i, null, s)) {
                return;
            }
        }
    }

    private Signature create() throws GeneralSecurityException {
        Signature s = Signature.getInstance(jcaName);
        if (parameters != null) {
            s.setParameter(parameters);
        }
        s.initVerify(key);
        return s;
    }
}
