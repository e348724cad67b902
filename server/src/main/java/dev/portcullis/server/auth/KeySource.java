package dev.portcullis.server.auth;

import com.nimbusds.jose.jwk.JWKSet;

/** Where an issuer's verification keys come from. */
interface KeySource {

    /**
     * The current key set.
     *
     * @param refresh the caller saw an unknown {@code kid}: fetch again if the refetch limit allows
     * @return the keys
     * @throws KeysUnavailableException when no keys could be obtained
     */
    JWKSet keys(boolean refresh) throws KeysUnavailableException;

    /** No keys could be obtained (network, bad document, issuer mismatch). */
    final class KeysUnavailableException extends Exception {
        KeysUnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param set fixed keys (the development issuer)
     * @return a source that always answers {@code set}
     */
    static KeySource fixed(JWKSet set) {
        return refresh -> set;
    }
}
