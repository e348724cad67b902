package dev.portcullis.server.http;

import java.util.Map;
import java.util.Objects;

import dev.portcullis.core.ReasonCode;

/**
 * Thrown by HTTP handlers to answer with an {@code application/problem+json} document. The message is
 * shown to the client, so it must be safe: no secrets, no internal detail.
 */
public final class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ReasonCode code;
    private final transient Map<String, String> headers;

    /**
     * @param code          reason code (determines status and {@code type})
     * @param publicMessage detail safe to show to the client
     */
    public ProblemException(ReasonCode code, String publicMessage) {
        this(code, publicMessage, Map.of());
    }

    /**
     * @param code          reason code (determines status and {@code type})
     * @param publicMessage detail safe to show to the client
     * @param headers       extra response headers (e.g. {@code Allow}, {@code Retry-After})
     */
    public ProblemException(ReasonCode code, String publicMessage, Map<String, String> headers) {
        super(publicMessage, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.headers = Map.copyOf(headers);
    }

    /**
     * @return the reason code
     */
    public ReasonCode code() {
        return code;
    }

    /**
     * @return extra response headers
     */
    public Map<String, String> headers() {
        return headers;
    }
}
