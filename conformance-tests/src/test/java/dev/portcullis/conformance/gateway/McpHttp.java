package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A minimal raw Streamable HTTP client for assertions the SDK clients hide (status codes, headers,
 * exact error bodies). Session era: initialize, then requests with Mcp-Session-Id.
 */
final class McpHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;
    private final String sessionId;
    private final AtomicInteger ids = new AtomicInteger(1);

    private McpHttp(String url, String sessionId) {
        this.url = url;
        this.sessionId = sessionId;
    }

    static McpHttp session(String url) {
        ObjectNode params = JSON.createObjectNode().put("protocolVersion", "2025-11-25");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "portcullis-test").put("version", "1");
        HttpResponse<String> response = post(url, null, request(0, "initialize", params));
        if (response.statusCode() != 200) {
            throw new AssertionError("initialize failed: " + response.statusCode() + " " + response.body());
        }
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        McpHttp client = new McpHttp(url, session);
        post(url, session, JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
        return client;
    }

    String sessionId() {
        return sessionId;
    }

    static ObjectNode request(int id, String method, ObjectNode params) {
        ObjectNode r = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        r.set("params", params);
        return r;
    }

    static HttpResponse<String> post(String url, String session, JsonNode body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends a request and returns its JSON-RPC response (the last message of an SSE answer). */
    JsonNode call(String method, ObjectNode params) {
        HttpResponse<String> response = post(url, sessionId, request(ids.incrementAndGet(), method, params));
        return lastMessage(response);
    }

    static JsonNode lastMessage(HttpResponse<String> response) {
        try {
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("text/event-stream")) {
                JsonNode last = null;
                for (String line : response.body().split("\n")) {
                    if (line.startsWith("data:") && line.length() > 6) {
                        last = JSON.readTree(line.substring(5).trim());
                    }
                }
                return last;
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    List<String> toolNames() {
        List<String> names = new ArrayList<>();
        call("tools/list", JSON.createObjectNode()).path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    String callText(String tool) {
        ObjectNode params = JSON.createObjectNode().put("name", tool);
        params.putObject("arguments");
        JsonNode response = call("tools/call", params);
        return response.path("result").path("content").path(0).path("text").asText();
    }

    String callError(String tool) {
        ObjectNode params = JSON.createObjectNode().put("name", tool);
        params.putObject("arguments");
        return call("tools/call", params).path("error").path("message").asText();
    }
}
