package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A deliberately small session-era MCP server for one test: POSTs answered with JSON only (no SSE), notifications
 * with 202, DELETE with 200. Subclasses answer the requests.
 */
abstract class SmallUpstream implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    SmallUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    /**
     * @param ex      the exchange (for response headers such as {@code Mcp-Session-Id})
     * @param message a JSON-RPC request
     * @return the JSON-RPC response
     */
    abstract ObjectNode answer(HttpExchange ex, JsonNode message);

    /** @return a response to {@code message} carrying {@code result} */
    static ObjectNode result(JsonNode message, JsonNode result) {
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", message.get("id"));
        response.set("result", result);
        return response;
    }

    /** @return a response to {@code message} carrying an error */
    static ObjectNode error(JsonNode message, int code, String text) {
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", message.get("id"));
        response.putObject("error").put("code", code).put("message", text);
        return response;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                ex.sendResponseHeaders(ex.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
                return;
            }
            JsonNode message = JSON.readTree(ex.getRequestBody());
            if (!message.has("id")) {
                ex.sendResponseHeaders(202, -1);
                return;
            }
            byte[] body = JSON.writeValueAsBytes(answer(ex, message));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
