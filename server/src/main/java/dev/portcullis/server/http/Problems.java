package dev.portcullis.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.core.ReasonCode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Writes RFC 9457 {@code application/problem+json} documents. Every HTTP error the gateway produces
 * goes through here, so clients always get the same shape:
 *
 * <pre>{@code
 * {"type":"urn:portcullis:problem:body-too-large","title":"Payload Too Large","status":413,
 *  "detail":"...","code":"body-too-large","requestId":"..."}
 * }</pre>
 */
public final class Problems {
    /** Media type of problem documents. */
    public static final HttpMediaType PROBLEM_JSON = HttpMediaType.create("application/problem+json");
    /** Prefix of every problem {@code type}; the suffix is the stable reason code. */
    public static final String TYPE_PREFIX = "urn:portcullis:problem:";

    private Problems() {
    }

    /**
     * Sends a problem document.
     *
     * @param res       the response (must not have been sent)
     * @param code      reason code
     * @param detail    message safe to show to the client
     * @param requestId request id, or {@code null}
     * @param headers   extra headers
     */
    public static void send(ServerResponse res, ReasonCode code, String detail, String requestId,
                            Map<String, String> headers) {
        res.status(Status.create(code.httpStatus()));
        res.headers().contentType(PROBLEM_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        headers.forEach(res::header);
        res.send(body(code, detail, requestId));
    }

    /**
     * Renders a problem document.
     *
     * @param code      reason code
     * @param detail    message safe to show to the client
     * @param requestId request id, or {@code null}
     * @return UTF-8 JSON bytes
     */
    public static byte[] body(ReasonCode code, String detail, String requestId) {
        Status status = Status.create(code.httpStatus());
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":\"").append(TYPE_PREFIX).append(code.code()).append('"')
                .append(",\"title\":\"").append(escape(title(status))).append('"')
                .append(",\"status\":").append(code.httpStatus())
                .append(",\"detail\":\"").append(escape(detail)).append('"')
                .append(",\"code\":\"").append(code.code()).append('"');
        if (requestId != null) {
            sb.append(",\"requestId\":\"").append(escape(requestId)).append('"');
        }
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String title(Status status) {
        String reason = status.reasonPhrase();
        return reason == null || reason.isBlank() ? "HTTP " + status.code() : reason;
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s == null ? "" : s));
    }

    /**
     * Maps an HTTP status Helidon raised by itself (outside any route) to a reason code.
     *
     * @param status the status
     * @return the closest reason code
     */
    public static ReasonCode forStatus(int status) {
        return switch (status) {
            case 400 -> ReasonCode.INVALID_REQUEST;
            case 403 -> ReasonCode.FORBIDDEN;
            case 404 -> ReasonCode.NOT_FOUND;
            case 405 -> ReasonCode.METHOD_NOT_ALLOWED;
            case 406 -> ReasonCode.NOT_ACCEPTABLE;
            case 413 -> ReasonCode.BODY_TOO_LARGE;
            case 415 -> ReasonCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ReasonCode.INTERNAL : ReasonCode.INVALID_REQUEST;
        };
    }

    /**
     * A short detail for a reason raised outside a route.
     *
     * @param code reason code
     * @return public message
     */
    public static String defaultDetail(ReasonCode code) {
        return switch (code) {
            case BODY_TOO_LARGE -> "The request body exceeds the configured limit.";
            case NOT_FOUND -> "No such endpoint.";
            case INTERNAL -> "The gateway could not process the request.";
            default -> "The request is not valid HTTP for this gateway: " + code.code().replace('-', ' ').toLowerCase(Locale.ROOT) + ".";
        };
    }
}
