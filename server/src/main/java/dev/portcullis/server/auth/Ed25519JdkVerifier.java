package dev.portcullis.server.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;

/** EdDSA (Ed25519) verification with the JDK's own provider, so no extra crypto library is needed. */
final class Ed25519JdkVerifier implements JWSVerifier {
    private final PublicKey key;
    private final JCAContext context = new JCAContext();

    Ed25519JdkVerifier(OctetKeyPair okp) throws JOSEException {
        if (!Curve.Ed25519.equals(okp.getCurve())) {
            throw new JOSEException("not an Ed25519 key");
        }
        byte[] raw = okp.getX().decode();
        if (raw.length != 32) {
            throw new JOSEException("Ed25519 key must be 32 bytes");
        }
        // RFC 8032: little-endian y with the sign of x in the top bit of the last byte
        boolean xOdd = (raw[31] & 0x80) != 0;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = raw[31 - i];
        }
        be[0] &= 0x7f;
        try {
            key = KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519,
                    new EdECPoint(xOdd, new BigInteger(1, be))));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("invalid Ed25519 key", e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) && !JWSAlgorithm.Ed25519.equals(header.getAlgorithm())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature.decode());
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 verification failed", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }
}
