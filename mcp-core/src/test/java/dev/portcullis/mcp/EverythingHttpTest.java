package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The session-era HTTP client against the real reference server (@modelcontextprotocol/server-everything). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EverythingHttpTest {

    private NodeServers.Running server;
    private UpstreamConnector connector;

    @BeforeAll
    void start() throws Exception {
        server = NodeServers.everythingHttp();
        connector = UpstreamConnectors.create();
    }

    @AfterAll
    void stop() {
        try {
            if (connector != null) {
                connector.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private UpstreamTarget.Http target(Duration timeout, Optional<ProtocolVersion.Era> era) {
        return new UpstreamTarget.Http("everything", URI.create("http://127.0.0.1:" + server.port() + "/mcp"),
                Map.of(), Duration.ofSeconds(5), timeout, era);
    }

    private UpstreamConnection connect(RecordingListener listener) {
        return connector.connect(target(Duration.ofSeconds(20), Optional.empty()), info(), TestExchange.caps(), listener);
    }

    private static ObjectNode info() {
        return JsonRpc.mapper().createObjectNode().put("name", "portcullis-test").put("version", "0.1.0");
    }

    private static ObjectNode call(String tool, ObjectNode args) {
        ObjectNode p = JsonRpc.mapper().createObjectNode().put("name", tool);
        p.set("arguments", args);
        return p;
    }

    private static ObjectNode args() {
        return JsonRpc.mapper().createObjectNode();
    }

    @Test
    void detectsSessionEraAndEchoes() throws Exception {
        try (UpstreamConnection c = connect(new RecordingListener())) {
            assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2025_11_25);
            assertThat(c.serverInfo().path("name").asText()).isEqualTo("mcp-servers/everything");
            assertThat(c.serverCapabilities().has("tools")).isTrue();
            assertThat(c.instructions()).isNotEmpty();
            JsonNode tools = c.request("tools/list", null, new TestExchange());
            assertThat(tools.path("tools").findValuesAsText("name")).contains("echo", "trigger-long-running-operation");
            JsonNode r = c.request("tools/call", call("echo", args().put("message", "hello upstream")), new TestExchange());
            assertThat(r.path("content").get(0).path("text").asText()).isEqualTo("Echo: hello upstream");
            assertThat(c.healthy()).isTrue();
        }
    }

    @Test
    void mapsProgressTokensBackToTheClients() throws Exception {
        try (UpstreamConnection c = connect(new RecordingListener())) {
            TestExchange a = new TestExchange();
            TestExchange b = new TestExchange();
            ObjectNode pa = call("trigger-long-running-operation", args().put("duration", 1).put("steps", 3));
            pa.putObject("_meta").put("progressToken", "same-token");
            ObjectNode pb = pa.deepCopy();
            // two clients chose the same token; each must get only its own progress, under its own token
            CompletableFuture<JsonNode> fa = CompletableFuture.supplyAsync(() -> uncheck(() -> c.request("tools/call", pa, a)));
            JsonNode rb = c.request("tools/call", pb, b);
            JsonNode ra = fa.get();
            assertThat(ra.path("content").toString()).contains("Long running operation completed");
            assertThat(rb.path("content").toString()).contains("Long running operation completed");
            for (TestExchange e : new TestExchange[] {a, b}) {
                assertThat(e.notifications("notifications/progress")).hasSize(3)
                        .allSatisfy(n -> assertThat(n.params().path("progressToken").asText()).isEqualTo("same-token"));
            }
            assertThat(pa.path("_meta").path("progressToken").asText()).as("caller's params untouched").isEqualTo("same-token");
        }
    }

    @Test
    void answersSamplingThroughTheExchange() throws Exception {
        try (UpstreamConnection c = connect(new RecordingListener())) {
            TestExchange ex = new TestExchange().answer("sampling/createMessage", p -> {
                ObjectNode r = JsonRpc.mapper().createObjectNode().put("role", "assistant").put("model", "test-model")
                        .put("stopReason", "endTurn");
                r.putObject("content").put("type", "text").put("text", "sampled by the test");
                return r;
            });
            JsonNode r = c.request("tools/call", call("trigger-sampling-request", args().put("prompt", "hi").put("maxTokens", 10)), ex);
            assertThat(ex.asks).extracting(TestExchange.Sent::method).containsExactly("sampling/createMessage");
            assertThat(r.path("content").toString()).contains("sampled by the test");
        }
    }

    @Test
    void answersElicitationThroughTheExchange() throws Exception {
        try (UpstreamConnection c = connect(new RecordingListener())) {
            TestExchange ex = new TestExchange().answer("elicitation/create", p -> {
                ObjectNode r = JsonRpc.mapper().createObjectNode().put("action", "accept");
                r.putObject("content").put("name", "Ada Lovelace").put("check", true);
                return r;
            });
            JsonNode r = c.request("tools/call", call("trigger-elicitation-request", args()), ex);
            assertThat(ex.asks).extracting(TestExchange.Sent::method).containsExactly("elicitation/create");
            assertThat(ex.asks.get(0).params().path("requestedSchema").path("properties").has("name")).isTrue();
            assertThat(r.path("content").toString()).contains("Ada Lovelace");
        }
    }

    @Test
    void deliversResourceUpdatesAfterListen() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (UpstreamConnection c = connect(listener)) {
            String uri = c.request("resources/list", null, new TestExchange()).path("resources").get(0).path("uri").asText();
            c.listen(Set.of("tools", "resources"), Set.of(uri));
            c.request("tools/call", call("toggle-subscriber-updates", args()), new TestExchange());
            assertThat(listener.await(n -> n.method().equals("notifications/resources/updated")
                    && n.params().path("uri").asText().equals(uri), Duration.ofSeconds(12))).isTrue();
        }
    }

    @Test
    void answersUnsolicitedRootsRequestsThroughTheListener() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (UpstreamConnection c = connect(listener)) {
            // the server asks roots/list outside any request (on the GET stream); the listener answers
            JsonNode r = null;
            for (int i = 0; i < 20; i++) {
                r = c.request("tools/call", call("get-roots-list", args()), new TestExchange());
                if (r.path("content").toString().contains("file:///tmp/portcullis-test")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(r.path("content").toString()).contains("file:///tmp/portcullis-test");
            assertThat(listener.requests).extracting(TestExchange.Sent::method).contains("roots/list");
        }
    }

    @Test
    void cancelsWhenTheClientCancels() throws Exception {
        try (UpstreamConnection c = connect(new RecordingListener())) {
            TestExchange ex = new TestExchange();
            ObjectNode p = call("trigger-long-running-operation", args().put("duration", 10).put("steps", 10));
            p.putObject("_meta").put("progressToken", 1);
            CompletableFuture<JsonNode> f = CompletableFuture.supplyAsync(() -> uncheck(() -> c.request("tools/call", p, ex)));
            long t0 = System.nanoTime();
            while (ex.notifications("notifications/progress").isEmpty() && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(20);
            }
            ex.cancelled.set(true);
            assertThatThrownBy(f::get).hasCauseInstanceOf(UpstreamException.class)
                    .cause().hasMessage("upstream 'everything': request cancelled");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            // the connection stays usable
            assertThat(c.request("tools/call", call("echo", args().put("message", "after")), new TestExchange())
                    .path("content").get(0).path("text").asText()).isEqualTo("Echo: after");
        }
    }

    @Test
    void reinitializesOnceWhenTheSessionIsGone() throws Exception {
        try (UpstreamConnection c = connect(new RecordingListener())) {
            HttpSessionConnection s = (HttpSessionConnection) ((DefaultConnector.Tracked) c).unwrap();
            String before = s.sessionId();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<Void> del = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                        .header("Mcp-Session-Id", before).header("MCP-Protocol-Version", "2025-11-25").DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(del.statusCode()).isEqualTo(200);
            }
            JsonNode r = c.request("tools/call", call("echo", args().put("message", "again")), new TestExchange());
            assertThat(r.path("content").get(0).path("text").asText()).isEqualTo("Echo: again");
            assertThat(s.sessionId()).isNotEqualTo(before);
        }
    }

    @Test
    void timesOutNamingTheUpstream() {
        try (UpstreamConnection c = connector.connect(target(Duration.ofSeconds(1), Optional.of(ProtocolVersion.Era.SESSION)),
                info(), TestExchange.caps(), new RecordingListener())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.request("tools/call",
                    call("trigger-long-running-operation", args().put("duration", 5).put("steps", 5)), new TestExchange()))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessage("upstream 'everything': no response within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void closeEndsTheSession() throws Exception {
        UpstreamConnection c = connect(new RecordingListener());
        HttpSessionConnection s = (HttpSessionConnection) ((DefaultConnector.Tracked) c).unwrap();
        String sid = s.sessionId();
        c.close();
        assertThat(c.healthy()).isFalse();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                    .header("Mcp-Session-Id", sid).header("MCP-Protocol-Version", "2025-11-25")
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // the spec says 404; server-everything answers 400 "No valid session ID provided" — either way the session is gone
            assertThat(r.statusCode()).isIn(400, 404);
            assertThat(r.body()).containsIgnoringCase("session");
        }
    }

    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T uncheck(Call<T> c) {
        try {
            return c.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }
}
