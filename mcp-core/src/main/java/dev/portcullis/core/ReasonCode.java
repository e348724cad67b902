package dev.portcullis.core;

/**
 * Stable reason codes for every outcome that is not a plain allow.
 *
 * <p>The {@link #code()} string is part of the public contract: it appears in
 * {@code application/problem+json} {@code type} URIs, in JSON-RPC error {@code data}, in audit records
 * and in metrics. Codes are never renamed or reused; new ones are appended.
 */
public enum ReasonCode {
    /** The request body is larger than the configured limit. */
    BODY_TOO_LARGE("body-too-large", 413, -32600),
    /** The request body is not well-formed JSON. */
    MALFORMED_JSON("malformed-json", 400, -32700),
    /** The request is well-formed but not a valid request for this endpoint. */
    INVALID_REQUEST("invalid-request", 400, -32600),
    /** The parameters of a request are invalid. */
    INVALID_PARAMS("invalid-params", 400, -32602),
    /** The requested method does not exist. */
    METHOD_NOT_FOUND("method-not-found", 404, -32601),
    /** No route exists for the request path. */
    NOT_FOUND("not-found", 404, -32601),
    /** The route exists but not for this HTTP method. */
    METHOD_NOT_ALLOWED("method-not-allowed", 405, -32600),
    /** The media type of the request body is not accepted. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, -32600),
    /** The client does not accept any media type the endpoint can produce. */
    NOT_ACCEPTABLE("not-acceptable", 406, -32600),
    /** The {@code Origin} header is not allowed (DNS-rebinding protection). */
    ORIGIN_NOT_ALLOWED("origin-not-allowed", 403, -32600),
    /** The client address is not allowed on this route. */
    CLIENT_IP_DENIED("client-ip-denied", 403, -32600),
    /** No valid credentials were presented. */
    UNAUTHENTICATED("unauthenticated", 401, -32001),
    /** The token lacks a scope the request needs (step-up). */
    INSUFFICIENT_SCOPE("insufficient-scope", 403, -32003),
    /** Policy does not allow the caller to do this. */
    FORBIDDEN("forbidden", 403, -32003),
    /** A rate limit was exceeded. */
    RATE_LIMITED("rate-limited", 429, -32029),
    /** Data-loss prevention blocked the content. */
    DLP_BLOCKED("dlp-blocked", 403, -32004),
    /** The MCP session is unknown or has expired. */
    SESSION_NOT_FOUND("session-not-found", 404, -32001),
    /** The MCP protocol version is not supported. */
    UNSUPPORTED_PROTOCOL_VERSION("unsupported-protocol-version", 400, -32602),
    /** An upstream server could not be reached or did not answer in time. */
    UPSTREAM_UNAVAILABLE("upstream-unavailable", 502, -32002),
    /** The gateway is shutting down and takes no new work. */
    SHUTTING_DOWN("shutting-down", 503, -32603),
    /** Something failed inside the gateway; the request was denied (fail closed). */
    INTERNAL("internal", 500, -32603),
    /** A bearer token was presented but is not valid here (any reason; the reason is logged, never shown). */
    INVALID_TOKEN("invalid-token", 401, -32001),
    /** The identity provider's keys or introspection endpoint could not be reached; denied (fail closed). */
    IDP_UNAVAILABLE("idp-unavailable", 503, -32002),
    /** The client address is outside the ranges the token is pinned to. */
    TOKEN_IP_MISMATCH("token-ip-mismatch", 403, -32003);

    private final String code;
    private final int httpStatus;
    private final int jsonRpcCode;

    ReasonCode(String code, int httpStatus, int jsonRpcCode) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.jsonRpcCode = jsonRpcCode;
    }

    /** The stable kebab-case code, e.g. {@code body-too-large}. */
    public String code() {
        return code;
    }

    /** The HTTP status an HTTP API answers this reason with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The JSON-RPC 2.0 error code an MCP endpoint answers this reason with. */
    public int jsonRpcCode() {
        return jsonRpcCode;
    }
}
