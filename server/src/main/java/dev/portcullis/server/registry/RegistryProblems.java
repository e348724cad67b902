package dev.portcullis.server.registry;

import java.util.List;
import java.util.Map;

import dev.portcullis.registry.RegistryException;
import dev.portcullis.server.http.Problems;
import dev.portcullis.server.http.RequestFilter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Problem documents of the registry APIs, in the gateway's shape ({@code type}, {@code title},
 * {@code status}, {@code detail}, {@code code}, {@code requestId}), plus {@code problems} (each
 * {@code "field.path: reason"}) for invalid registrations. Registry failures map by
 * {@link RegistryException.Reason}: {@code not-found} 404, {@code conflict} 409,
 * {@code invalid-registration} 400, {@code read-only} 403, {@code registry-storage} 500.
 */
final class RegistryProblems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryProblems() {
    }

    static String code(RegistryException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> "not-found";
            case CONFLICT -> "conflict";
            case INVALID -> "invalid-registration";
            case READ_ONLY -> "read-only";
            case STORAGE -> "registry-storage";
        };
    }

    static void send(ServerRequest req, ServerResponse res, RegistryException e) {
        String detail = e.reason() == RegistryException.Reason.STORAGE
                ? "The registry could not persist the change; nothing was changed."
                : e.getMessage();
        send(req, res, e.reason().httpStatus(), code(e.reason()), detail,
                e.reason() == RegistryException.Reason.INVALID ? e.problems() : List.of(), Map.of());
    }

    static void send(ServerRequest req, ServerResponse res, int status, String code, String detail, List<String> problems,
                     Map<String, String> headers) {
        Status s = Status.create(status);
        ObjectNode body = JSON.createObjectNode();
        body.put("type", Problems.TYPE_PREFIX + code);
        body.put("title", s.reasonPhrase() == null || s.reasonPhrase().isBlank() ? "HTTP " + status : s.reasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        req.context().get(RequestFilter.CONTEXT_REQUEST_ID, String.class).ifPresent(id -> body.put("requestId", id));
        if (!problems.isEmpty()) {
            problems.forEach(body.putArray("problems")::add);
        }
        res.status(s);
        res.headers().contentType(Problems.PROBLEM_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        headers.forEach(res::header);
        try {
            res.send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static void json(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.headers().contentType(io.helidon.http.HttpMediaType.create("application/json"));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try {
            res.send(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
