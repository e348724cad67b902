package dev.portcullis.server.mcp;

import dev.portcullis.mcp.McpError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where messages an upstream sends outside any request go: a session-era client's GET stream, or the
 * {@code subscriptions/listen} streams of a stateless client.
 */
interface Downstream {

    /**
     * @param upstream the upstream that sent it
     * @param method   notification method
     * @param params   params (already translated into the client's view)
     */
    void notification(String upstream, String method, ObjectNode params);

    /**
     * An unsolicited request to the client (session-era upstreams only).
     *
     * @param upstream the upstream that sent it
     * @param method   method
     * @param params   params
     * @return the client's answer
     * @throws McpError when the client cannot be asked or declined
     */
    JsonNode request(String upstream, String method, ObjectNode params) throws McpError;
}
