package dev.portcullis.server.http;

import java.io.IOException;
import java.io.InputStream;

import dev.portcullis.core.ReasonCode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.http.ServerRequest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads JSON request bodies with precise errors: 415 for a non-JSON media type, 400 {@code
 * malformed-json} for a syntax error (with line and column, never an echo of the body), 413 when the
 * body exceeds the limit. Nesting depth and string sizes are bounded.
 */
public final class JsonBodies {
    /** Deepest nesting accepted in request bodies. */
    public static final int MAX_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .build());
    }

    private JsonBodies() {
    }

    /**
     * @return the shared, strictly configured mapper for request bodies
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads the request body as a JSON tree.
     *
     * @param req the request
     * @return the JSON tree
     * @throws ProblemException with {@code unsupported-media-type}, {@code malformed-json} or
     *                          {@code body-too-large}
     */
    public static JsonNode read(ServerRequest req) {
        requireJson(req);
        try (InputStream in = req.content().inputStream()) {
            return parse(in);
        } catch (IOException e) {
            throw new ProblemException(ReasonCode.INVALID_REQUEST, "The request body could not be read.");
        }
    }

    /**
     * Parses JSON from a stream.
     *
     * @param in the stream
     * @return the tree
     * @throws ProblemException {@code malformed-json} for syntax errors and empty bodies
     * @throws IOException       when the stream fails
     */
    public static JsonNode parse(InputStream in) throws IOException {
        try {
            JsonNode node = MAPPER.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new ProblemException(ReasonCode.MALFORMED_JSON, "The request body is empty; expected JSON.");
            }
            return node;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new ProblemException(ReasonCode.MALFORMED_JSON,
                    "The JSON body exceeds a structural limit (nesting deeper than " + MAX_DEPTH + " or an oversized token).");
        } catch (JsonParseException | com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ProblemException(ReasonCode.MALFORMED_JSON, "The request body is not valid JSON" + where + ".");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ProblemException(ReasonCode.MALFORMED_JSON, "The request body is not valid JSON.");
        }
    }

    private static void requireJson(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.CONTENT_TYPE)) {
            throw new ProblemException(ReasonCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json.");
        }
        HttpMediaType type = req.headers().contentType().orElseThrow();
        MediaType mt = type.mediaType();
        boolean json = MediaTypes.APPLICATION_JSON.type().equals(mt.type())
                && (mt.subtype().equals("json") || mt.subtype().endsWith("+json"));
        if (!json) {
            throw new ProblemException(ReasonCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json.");
        }
    }
}
