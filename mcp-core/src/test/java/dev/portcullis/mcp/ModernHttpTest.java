package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
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

/** The stateless (2026-07-28) HTTP client against a real server built with the v2 TypeScript SDK 2.4.0. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModernHttpTest {

    private NodeServers.Running server;
    private UpstreamConnector connector;

    @BeforeAll
    void start() throws Exception {
        server = NodeServers.modern();
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

    private UpstreamConnection connect(Duration timeout, Optional<ProtocolVersion.Era> era, UpstreamListener listener) {
        var target = new UpstreamTarget.Http("modern", URI.create("http://127.0.0.1:" + server.port() + "/mcp"), Map.of(),
                Duration.ofSeconds(5), timeout, era);
        return connector.connect(target, JsonRpc.mapper().createObjectNode().put("name", "portcullis-test").put("version", "0.1.0"),
                TestExchange.caps(), listener);
    }

    private UpstreamConnection connect() {
        return connect(Duration.ofSeconds(20), Optional.empty(), new RecordingListener());
    }

    private static ObjectNode call(String tool, ObjectNode args) {
        ObjectNode p = JsonRpc.mapper().createObjectNode().put("name", tool);
        p.set("arguments", args);
        return p;
    }

    private static ObjectNode args() {
        return JsonRpc.mapper().createObjectNode();
    }

    private static String text(JsonNode result) {
        return result.path("content").get(0).path("text").asText();
    }

    @Test
    void discoversTheStatelessEra() {
        try (UpstreamConnection c = connect()) {
            assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2026_07_28);
            assertThat(c.serverInfo().path("name").asText()).isEqualTo("portcullis-modern-test");
            assertThat(c.instructions()).isEqualTo("Test server for Portcullis.");
            assertThat(c.serverCapabilities().path("tools").path("listChanged").asBoolean()).isTrue();
            assertThat(c.healthy()).isTrue();
        }
    }

    @Test
    void callsAToolWithPerRequestMeta() throws Exception {
        try (UpstreamConnection c = connect()) {
            JsonNode tools = c.request("tools/list", null, new TestExchange());
            assertThat(tools.path("tools").findValuesAsText("name")).contains("echo", "confirm", "progress");
            JsonNode r = c.request("tools/call", call("echo", args().put("message", "héllo wörld")), new TestExchange());
            assertThat(text(r)).isEqualTo("Echo: héllo wörld");
            assertThat(r.path("resultType").asText()).isEqualTo("complete");
        }
    }

    @Test
    void runsTheMultiRoundTripLoopThroughTheExchange() throws Exception {
        try (UpstreamConnection c = connect()) {
            TestExchange ex = new TestExchange().answer("elicitation/create", p -> {
                ObjectNode r = JsonRpc.mapper().createObjectNode().put("action", "accept");
                r.putObject("content").put("ok", true);
                return r;
            });
            JsonNode r = c.request("tools/call", call("confirm", args().put("action", "deploy")), ex);
            assertThat(ex.asks).singleElement().satisfies(a -> {
                assertThat(a.method()).isEqualTo("elicitation/create");
                assertThat(a.params().path("message").asText()).isEqualTo("Really deploy?");
            });
            assertThat(text(r)).isEqualTo("deploy: ok=true, state=state-for-deploy");
        }
    }

    @Test
    void runsSeveralRoundsEchoingTheLatestState() throws Exception {
        try (UpstreamConnection c = connect()) {
            TestExchange ex = new TestExchange()
                    .answer("elicitation/create", p -> {
                        ObjectNode r = JsonRpc.mapper().createObjectNode().put("action", "accept");
                        r.putObject("content").put("v", "x");
                        return r;
                    })
                    .answer("sampling/createMessage", p -> {
                        ObjectNode r = JsonRpc.mapper().createObjectNode().put("role", "assistant").put("model", "m");
                        r.putObject("content").put("type", "text").put("text", "y");
                        return r;
                    });
            JsonNode r = c.request("tools/call", call("two-rounds", args()), ex);
            assertThat(ex.asks).extracting(TestExchange.Sent::method).containsExactly("elicitation/create", "sampling/createMessage");
            assertThat(text(r)).isEqualTo("first=x second=y");
        }
    }

    @Test
    void passesTheClientsRefusalToAnswerBack() {
        try (UpstreamConnection c = connect()) {
            TestExchange ex = new TestExchange(); // answers nothing: ask fails with -32601
            assertThatThrownBy(() -> c.request("tools/call", call("confirm", args().put("action", "x")), ex))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.code()).isEqualTo(McpError.METHOD_NOT_FOUND));
        }
    }

    @Test
    void mapsProgressBackToTheClientsToken() throws Exception {
        try (UpstreamConnection c = connect()) {
            TestExchange ex = new TestExchange();
            ObjectNode p = call("progress", args().put("steps", 3));
            p.putObject("_meta").put("progressToken", 42);
            assertThat(text(c.request("tools/call", p, ex))).isEqualTo("done 3");
            assertThat(ex.notifications("notifications/progress")).hasSize(3).allSatisfy(n -> {
                assertThat(n.params().path("progressToken").isInt()).isTrue();
                assertThat(n.params().path("progressToken").asInt()).isEqualTo(42);
            });
        }
    }

    @Test
    void cancelsByClosingTheResponseStream() throws Exception {
        try (UpstreamConnection c = connect()) {
            int before = Integer.parseInt(text(c.request("tools/call", call("aborted-count", args()), new TestExchange())));
            TestExchange ex = new TestExchange();
            ObjectNode p = call("slow", args().put("ms", 10_000));
            p.putObject("_meta").put("progressToken", "t");
            CompletableFuture<JsonNode> f = CompletableFuture.supplyAsync(() -> EverythingHttpTest.uncheck(() -> c.request("tools/call", p, ex)));
            long t0 = System.nanoTime();
            while (ex.notifications("notifications/progress").isEmpty() && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(20);
            }
            ex.cancelled.set(true);
            assertThatThrownBy(f::get).cause().isInstanceOf(UpstreamException.class).hasMessage("upstream 'modern': request cancelled");
            int aborted = before;
            for (int i = 0; i < 50 && aborted == before; i++) {
                Thread.sleep(100);
                aborted = Integer.parseInt(text(c.request("tools/call", call("aborted-count", args()), new TestExchange())));
            }
            assertThat(aborted).as("the server saw the stream close as cancellation").isEqualTo(before + 1);
        }
    }

    @Test
    void listensForOptedInChanges() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (UpstreamConnection c = connect(Duration.ofSeconds(20), Optional.empty(), listener)) {
            c.listen(Set.of("tools"), Set.of("test://doc"));
            boolean got = false;
            for (int i = 0; i < 20 && !got; i++) {
                c.request("tools/call", call("touch", args().put("uri", "test://doc")), new TestExchange());
                got = listener.await(n -> n.method().equals("notifications/resources/updated")
                        && n.params().path("uri").asText().equals("test://doc"), Duration.ofMillis(500));
            }
            assertThat(got).isTrue();
            assertThat(listener.await(n -> n.method().equals("notifications/tools/list_changed"), Duration.ofSeconds(2))).isTrue();
            assertThat(listener.notifications).extracting(TestExchange.Sent::method)
                    .doesNotContain("notifications/subscriptions/acknowledged", "notifications/prompts/list_changed");
        }
    }

    @Test
    void mirrorsAnnotatedParametersIntoHeaders() throws Exception {
        try (UpstreamConnection c = connect()) {
            // no tools/list seen yet: the server rejects with -32020, the connection re-learns the tools and retries
            JsonNode r = c.request("tools/call", call("regional", args().put("region", "eu-west").put("query", "q")), new TestExchange());
            assertThat(text(r)).isEqualTo("q in eu-west (header eu-west)");
            // a value that is not plain ASCII travels base64-encoded; the server decodes it before comparing
            JsonNode z = c.request("tools/call", call("regional", args().put("region", "zürich").put("query", "q")), new TestExchange());
            assertThat(text(z)).isEqualTo("q in zürich (header =?base64?esO8cmljaA==?=)");
        }
    }

    @Test
    void speaksTheSessionEraWhenConfiguredSo() throws Exception {
        try (UpstreamConnection c = connect(Duration.ofSeconds(20), Optional.of(ProtocolVersion.Era.SESSION), new RecordingListener())) {
            assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2025_11_25);
            assertThat(text(c.request("tools/call", call("echo", args().put("message", "old")), new TestExchange()))).isEqualTo("Echo: old");
        }
    }

    @Test
    void timesOutNamingTheUpstream() {
        try (UpstreamConnection c = connect(Duration.ofSeconds(1), Optional.of(ProtocolVersion.Era.STATELESS), new RecordingListener())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.request("tools/call", call("slow", args().put("ms", 5000)), new TestExchange()))
                    .isInstanceOf(UpstreamException.class).hasMessage("upstream 'modern': no response within 1000 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
