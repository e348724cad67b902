package dev.portcullis.server.auth;

import dev.portcullis.core.ReasonCode;

/**
 * Why a request was not authenticated. These precise reasons go to the log (and later the audit
 * ledger); the client only ever sees the coarse {@link #reasonCode()}, so a failed token reveals nothing
 * about which check it failed.
 */
public enum AuthFailure {
    /** No {@code Authorization} header. */
    MISSING_TOKEN(ReasonCode.UNAUTHENTICATED),
    /** The header is not {@code Bearer <b64token>}, or appears more than once. */
    MALFORMED_HEADER(ReasonCode.INVALID_TOKEN),
    /** A token was sent in the query string ({@code access_token}); tokens are accepted only in the header. */
    TOKEN_IN_QUERY(ReasonCode.INVALID_TOKEN),
    /** The token exceeds the size limit. */
    TOKEN_TOO_LARGE(ReasonCode.INVALID_TOKEN),
    /** Not parseable: bad base64, bad JSON, wrong number of parts. */
    MALFORMED_TOKEN(ReasonCode.INVALID_TOKEN),
    /** An unsecured JWT ({@code alg: none}). */
    UNSECURED_TOKEN(ReasonCode.INVALID_TOKEN),
    /** An encrypted JWT (JWE); not accepted. */
    ENCRYPTED_TOKEN(ReasonCode.INVALID_TOKEN),
    /** The algorithm is not in the issuer's allowlist (e.g. HS256). */
    ALGORITHM_NOT_ALLOWED(ReasonCode.INVALID_TOKEN),
    /** The header names its own key ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}); keys come only from the issuer's JWKS. */
    KEY_IN_HEADER(ReasonCode.INVALID_TOKEN),
    /** The header has a {@code crit} parameter; no extension is understood. */
    UNKNOWN_CRITICAL_HEADER(ReasonCode.INVALID_TOKEN),
    /** The {@code typ} header is neither {@code at+jwt} nor {@code JWT}. */
    WRONG_TYPE(ReasonCode.INVALID_TOKEN),
    /** The {@code iss} is not a configured issuer. */
    UNTRUSTED_ISSUER(ReasonCode.INVALID_TOKEN),
    /** No key in the issuer's JWKS matches the {@code kid}, even after a refetch. */
    UNKNOWN_KEY(ReasonCode.INVALID_TOKEN),
    /** The signature does not verify. */
    BAD_SIGNATURE(ReasonCode.INVALID_TOKEN),
    /** {@code exp} has passed (beyond the clock skew). */
    EXPIRED(ReasonCode.INVALID_TOKEN),
    /** {@code nbf} is in the future (beyond the clock skew). */
    NOT_YET_VALID(ReasonCode.INVALID_TOKEN),
    /** {@code iat} is in the future (beyond the clock skew). */
    ISSUED_IN_FUTURE(ReasonCode.INVALID_TOKEN),
    /** {@code aud} is missing or does not name this resource. */
    WRONG_AUDIENCE(ReasonCode.INVALID_TOKEN),
    /** A required claim ({@code exp}, {@code sub}, {@code client_id}/{@code azp}) is missing or has the wrong type. */
    MISSING_CLAIM(ReasonCode.INVALID_TOKEN),
    /** Introspection says the opaque token is not active. */
    INACTIVE(ReasonCode.INVALID_TOKEN),
    /** An opaque token, and no issuer offers introspection. */
    OPAQUE_NOT_SUPPORTED(ReasonCode.INVALID_TOKEN),
    /** The issuer's keys or introspection endpoint could not be reached (fail closed). */
    IDP_UNAVAILABLE(ReasonCode.IDP_UNAVAILABLE),
    /** The token lacks a required scope (403, step-up). */
    INSUFFICIENT_SCOPE(ReasonCode.INSUFFICIENT_SCOPE),
    /** The client address is denied on this route. */
    CLIENT_IP_DENIED(ReasonCode.CLIENT_IP_DENIED),
    /** The client address is outside the ranges the token is pinned to. */
    TOKEN_IP_MISMATCH(ReasonCode.TOKEN_IP_MISMATCH),
    /** Authentication is not ready (the listener has not bound yet) or failed internally. */
    NOT_READY(ReasonCode.INTERNAL);

    private final ReasonCode reasonCode;

    AuthFailure(ReasonCode reasonCode) {
        this.reasonCode = reasonCode;
    }

    /**
     * @return the public reason code this failure is answered with
     */
    public ReasonCode reasonCode() {
        return reasonCode;
    }
}
