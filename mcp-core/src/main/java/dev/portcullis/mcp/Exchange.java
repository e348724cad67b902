package dev.portcullis.mcp;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The downstream side of one request, handed by the gateway to the upstream client so that whatever
 * the upstream sends while working on the request reaches the right client, in whatever era that
 * client speaks.
 */
public interface Exchange {

    /**
     * A request-scoped notification from the upstream ({@code notifications/progress},
     * {@code notifications/message}). Progress tokens are already mapped back to the client's own.
     *
     * @param method notification method
     * @param params params
     */
    void notify(String method, ObjectNode params);

    /**
     * A request from the upstream to the client ({@code sampling/createMessage},
     * {@code elicitation/create}, {@code roots/list}), whether the upstream sent it as a server-initiated
     * request (session era) or as an input request of an {@code input_required} result (stateless era).
     * Blocks until the client answers.
     *
     * @param method request method
     * @param params params
     * @return the client's result
     * @throws McpError the client's error answer, or a missing-capability error
     */
    JsonNode ask(String method, ObjectNode params) throws McpError;

    /**
     * A session-era upstream's server-initiated request, with the JSON-RPC id the upstream gave it: the client side
     * may use the id to name the request where requests have names (the keys of an {@code input_required} round).
     * The default ignores the id.
     *
     * @param method    request method
     * @param params    params
     * @param requestId the upstream's id of the request
     * @return the client's result
     * @throws McpError the client's error answer, or a missing-capability error
     */
    default JsonNode ask(String method, ObjectNode params, JsonNode requestId) throws McpError {
        return ask(method, params);
    }

    /**
     * Several requests to the client at once: the {@code inputRequests} of one {@code input_required}
     * round of a stateless upstream, keys kept, so that a stateless client gets them in one round too.
     * The default asks one after the other.
     *
     * @param inputRequests key to {@code {"method": ..., "params": {...}}}
     * @return key to the client's result, for every key
     * @throws McpError the first error
     */
    default ObjectNode askAll(ObjectNode inputRequests) throws McpError {
        ObjectNode answers = inputRequests.objectNode();
        for (java.util.Map.Entry<String, JsonNode> e : inputRequests.properties()) {
            JsonNode params = e.getValue().get("params");
            answers.set(e.getKey(), ask(e.getValue().path("method").asText(""),
                    params instanceof ObjectNode p ? p : inputRequests.objectNode()));
        }
        return answers;
    }

    /** @return whether the client has cancelled the request (the upstream call should stop) */
    boolean cancelled();

    /** @return the log level the client asked for ({@code logging/setLevel} or per-request {@code _meta}) */
    Optional<String> logLevel();

    /** @return the client's declared capabilities (forwarded to stateless upstreams in {@code _meta}) */
    ObjectNode clientCapabilities();

    /**
     * The W3C Trace Context (https://www.w3.org/TR/trace-context/) the upstream request of this call carries:
     * {@code traceparent} and, when there is one, {@code tracestate}. HTTP upstreams get them as headers and
     * every upstream in {@code params._meta}, where MCP carries trace context over any transport. Values must
     * be valid per the specification (the gateway only hands over values it parsed or generated itself).
     *
     * @return header name (lower case) to value; empty when the call carries no trace context
     */
    default Map<String, String> traceContext() {
        return Map.of();
    }

    /**
     * An exchange with no client behind it, for requests the gateway makes on its own (list fetches, subscriptions,
     * pings): notifications are dropped, and a request for client input is refused with method-not-found, which
     * the upstream receives as the answer to its request.
     *
     * @param cancelled          whether the request should stop (e.g. its connection closed)
     * @param clientCapabilities capabilities declared upstream on the gateway's behalf
     * @param traceContext       trace context the upstream request carries (see {@link #traceContext()})
     * @return the exchange
     */
    static Exchange withoutClient(java.util.function.BooleanSupplier cancelled, ObjectNode clientCapabilities,
                                  Map<String, String> traceContext) {
        return new Exchange() {
            @Override
            public void notify(String method, ObjectNode params) {
            }

            @Override
            public JsonNode ask(String method, ObjectNode params) throws McpError {
                throw new McpError(McpError.METHOD_NOT_FOUND, "No client to answer " + method);
            }

            @Override
            public boolean cancelled() {
                return cancelled.getAsBoolean();
            }

            @Override
            public Optional<String> logLevel() {
                return Optional.empty();
            }

            @Override
            public ObjectNode clientCapabilities() {
                return clientCapabilities;
            }

            @Override
            public Map<String, String> traceContext() {
                return traceContext;
            }
        };
    }
}
