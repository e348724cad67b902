package dev.portcullis.conformance.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What upstreams send outside a request reaches the client: resource updates and list changes on a
 * session-era client's GET stream, from upstreams of either era; and a cancelled request stops.
 */
class RelayTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Reads a session's GET stream in the background, one JSON message per data line. */
    private static LinkedBlockingQueue<JsonNode> openGetStream(String url, String session) {
        LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).GET().build();
        CompletableFuture<HttpResponse<Stream<String>>> response = HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofLines());
        Thread.ofVirtual().start(() -> {
            try {
                response.get(10, TimeUnit.SECONDS).body().forEach(line -> {
                    if (line.startsWith("data:") && line.length() > 6) {
                        try {
                            messages.add(McpHttp.JSON.readTree(line.substring(5).trim()));
                        } catch (java.io.IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                });
            } catch (Exception e) {
                // the stream ends when the test closes the gateway
            }
        });
        return messages;
    }

    private static JsonNode awaitMethod(LinkedBlockingQueue<JsonNode> messages, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode m = messages.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && method.equals(m.path("method").asText())) {
                return m;
            }
        }
        throw new AssertionError("no " + method + " within 10 s");
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void resourceUpdatesAndListChangesReachTheClientsGetStream(Eras upstreamEra) throws Exception {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            McpHttp client = McpHttp.session(gateway.mcp());
            LinkedBlockingQueue<JsonNode> stream = openGetStream(gateway.mcp(), client.sessionId());

            JsonNode subscribed = client.call("resources/subscribe",
                    McpHttp.JSON.createObjectNode().put("uri", "test://watched-resource"));
            assertThat(subscribed.has("result")).as(subscribed.toString()).isTrue();
            client.callText("test_update_watched_resource");
            JsonNode updated = awaitMethod(stream, "notifications/resources/updated");
            assertThat(updated.path("params").path("uri").asText()).isEqualTo("test://watched-resource");

            client.toolNames();
            client.callText("test_trigger_tool_change");
            awaitMethod(stream, "notifications/tools/list_changed");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void progressIsRelayedInOrderBeforeTheResultOnTheRequestsStream(Eras upstreamEra) throws Exception {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            McpHttp client = McpHttp.session(gateway.mcp());
            ObjectNode params = McpHttp.JSON.createObjectNode().put("name", "test_tool_with_progress");
            params.putObject("arguments");
            params.putObject("_meta").put("progressToken", "p-1");
            HttpResponse<String> response = McpHttp.post(gateway.mcp(), client.sessionId(),
                    McpHttp.request(7, "tools/call", params));

            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            List<JsonNode> messages = new java.util.ArrayList<>();
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data:") && line.length() > 6) {
                    messages.add(McpHttp.JSON.readTree(line.substring(5).trim()));
                }
            }
            assertThat(messages).extracting(m -> m.path("params").path("progress").asDouble(-1))
                    .containsExactly(0.0, 50.0, 100.0, -1.0);
            assertThat(messages).allSatisfy(m -> {
                if (m.has("method")) {
                    assertThat(m.path("params").path("progressToken").asText()).isEqualTo("p-1");
                }
            });
            assertThat(messages.getLast().path("id").asInt()).isEqualTo(7);
            assertThat(messages.getLast().has("result")).isTrue();
        }
    }

    @Test
    void aCancelledRequestGetsNoResponse() throws Exception {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.LEGACY);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            // declare elicitation, then never answer it: the call waits until cancelled
            ObjectNode params = McpHttp.JSON.createObjectNode().put("protocolVersion", "2025-11-25");
            params.putObject("capabilities").putObject("elicitation");
            params.putObject("clientInfo").put("name", "t").put("version", "1");
            String session = McpHttp.post(gateway.mcp(), null, McpHttp.request(0, "initialize", params))
                    .headers().firstValue("Mcp-Session-Id").orElseThrow();
            ObjectNode call = McpHttp.JSON.createObjectNode().put("name", "test_streaming_elicitation");
            call.putObject("arguments");
            HttpRequest post = HttpRequest.newBuilder(URI.create(gateway.mcp())).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("Mcp-Session-Id", session)
                    .POST(HttpRequest.BodyPublishers.ofString(McpHttp.request(42, "tools/call", call).toString())).build();
            CompletableFuture<HttpResponse<String>> pending = HTTP.sendAsync(post, HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            ObjectNode cancelled = McpHttp.JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
            cancelled.putObject("params").put("requestId", 42).put("reason", "user pressed stop");
            assertThat(McpHttp.post(gateway.mcp(), session, cancelled).statusCode()).isEqualTo(202);

            HttpResponse<String> response = pending.get(15, TimeUnit.SECONDS);
            assertThat(response.body()).contains("elicitation/create").doesNotContain("\"id\":42,\"result\"")
                    .doesNotContain("\"id\":42,\"error\"");
        }
    }
}
