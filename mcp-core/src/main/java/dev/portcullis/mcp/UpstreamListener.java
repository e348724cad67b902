package dev.portcullis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Receives what an upstream sends outside any request: list changes, resource updates, logs and
 * requests not tied to a client request (e.g. {@code roots/list} on a session-era GET stream).
 */
public interface UpstreamListener {

    /**
     * An unsolicited notification ({@code notifications/tools/list_changed},
     * {@code notifications/resources/updated}, ...).
     *
     * @param method notification method
     * @param params params
     */
    void onNotification(String method, ObjectNode params);

    /**
     * An unsolicited request to the client.
     *
     * @param method request method
     * @param params params
     * @return the result to send back
     * @throws McpError the error to send back
     */
    JsonNode onRequest(String method, ObjectNode params) throws McpError;
}
