package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The stdio client against real servers: server-everything (2025 era) and the v2 TypeScript SDK (2026-07-28). */
class StdioTest {

    private UpstreamConnector connector;
    private final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void start() {
        connector = UpstreamConnectors.create();
    }

    @AfterEach
    void stop() {
        try {
            connector.close();
        } finally {
            // belt and braces: every child this test saw is gone
            pids.forEach(NodeServers::stop);
        }
    }

    private UpstreamConnection connect(String name, List<String> command, Duration timeout, UpstreamListener listener) {
        UpstreamConnection c = connector.connect(new UpstreamTarget.Stdio(name, command, Map.of(), Optional.empty(), timeout),
                JsonRpc.mapper().createObjectNode().put("name", "portcullis-test").put("version", "0.1.0"),
                TestExchange.caps(), listener);
        pids.add(stdio(c).pid());
        return c;
    }

    static StdioConnection stdio(UpstreamConnection c) {
        return (StdioConnection) ((DefaultConnector.Tracked) c).unwrap();
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

    @Nested
    class SessionEraEverything {

        private UpstreamConnection connect(Duration timeout) {
            return StdioTest.this.connect("everything-stdio", NodeServers.everythingStdio(), timeout, new RecordingListener());
        }

        @Test
        void fallsBackToInitializeAndMultiplexesRequests() throws Exception {
            try (UpstreamConnection c = connect(Duration.ofSeconds(20))) {
                assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2025_11_25);
                assertThat(c.serverInfo().path("name").asText()).isEqualTo("mcp-servers/everything");
                List<CompletableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String m = "m" + i;
                    calls.add(CompletableFuture.supplyAsync(() -> EverythingHttpTest.uncheck(
                            () -> text(c.request("tools/call", call("echo", args().put("message", m)), new TestExchange())))));
                }
                for (int i = 0; i < 8; i++) {
                    assertThat(calls.get(i).get()).isEqualTo("Echo: m" + i);
                }
                assertThat(c.healthy()).isTrue();
            }
        }

        @Test
        void mapsProgressAndAnswersSampling() throws Exception {
            try (UpstreamConnection c = connect(Duration.ofSeconds(20))) {
                TestExchange ex = new TestExchange();
                ObjectNode p = call("trigger-long-running-operation", args().put("duration", 1).put("steps", 3));
                p.putObject("_meta").put("progressToken", "abc");
                c.request("tools/call", p, ex);
                assertThat(ex.notifications("notifications/progress")).hasSize(3)
                        .allSatisfy(n -> assertThat(n.params().path("progressToken").asText()).isEqualTo("abc"));

                TestExchange sampling = new TestExchange().answer("sampling/createMessage", q -> {
                    ObjectNode r = JsonRpc.mapper().createObjectNode().put("role", "assistant").put("model", "m");
                    r.putObject("content").put("type", "text").put("text", "from stdio sampling");
                    return r;
                });
                JsonNode r = c.request("tools/call", call("trigger-sampling-request", args().put("prompt", "x").put("maxTokens", 5)), sampling);
                assertThat(r.path("content").toString()).contains("from stdio sampling");
            }
        }

        @Test
        void cancelsWithNotificationsCancelled() throws Exception {
            try (UpstreamConnection c = connect(Duration.ofSeconds(20))) {
                TestExchange ex = new TestExchange();
                ObjectNode p = call("trigger-long-running-operation", args().put("duration", 10).put("steps", 10));
                p.putObject("_meta").put("progressToken", 7);
                CompletableFuture<JsonNode> f = CompletableFuture.supplyAsync(() -> EverythingHttpTest.uncheck(() -> c.request("tools/call", p, ex)));
                long t0 = System.nanoTime();
                while (ex.notifications("notifications/progress").isEmpty() && System.nanoTime() - t0 < 5_000_000_000L) {
                    Thread.sleep(20);
                }
                ex.cancelled.set(true);
                assertThatThrownBy(f::get).cause().hasMessage("upstream 'everything-stdio': request cancelled");
                assertThat(text(c.request("tools/call", call("echo", args().put("message", "still here")), new TestExchange())))
                        .isEqualTo("Echo: still here");
            }
        }

        @Test
        void restartsTheChildAndFailsCallsInFlight() throws Exception {
            try (UpstreamConnection c = connect(Duration.ofSeconds(20))) {
                StdioConnection s = stdio(c);
                long first = s.pid();
                CompletableFuture<JsonNode> f = CompletableFuture.supplyAsync(() -> EverythingHttpTest.uncheck(() -> c.request("tools/call",
                        call("trigger-long-running-operation", args().put("duration", 10).put("steps", 2)), new TestExchange())));
                Thread.sleep(500);
                ProcessHandle.of(first).orElseThrow().destroyForcibly();
                assertThatThrownBy(f::get).cause().isInstanceOf(UpstreamException.class)
                        .hasMessage("upstream 'everything-stdio': process exited");
                assertThat(text(c.request("tools/call", call("echo", args().put("message", "reborn")), new TestExchange())))
                        .isEqualTo("Echo: reborn");
                pids.add(s.pid());
                assertThat(s.pid()).isNotEqualTo(first);
                assertThat(s.restarts()).isEqualTo(1);
            }
        }

        @Test
        void timesOutAndClosesTheChild() {
            UpstreamConnection c = connect(Duration.ofSeconds(1));
            long pid = stdio(c).pid();
            assertThatThrownBy(() -> c.request("tools/call",
                    call("trigger-long-running-operation", args().put("duration", 5).put("steps", 5)), new TestExchange()))
                    .isInstanceOf(UpstreamException.class).hasMessage("upstream 'everything-stdio': no response within 1000 ms");
            c.close();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(c.healthy()).isFalse();
        }
    }

    @Nested
    class StatelessEraSdk {

        private UpstreamConnection connect(UpstreamListener listener) throws Exception {
            return StdioTest.this.connect("modern-stdio", NodeServers.modernStdio(), Duration.ofSeconds(20), listener);
        }

        @Test
        void discoversAndCalls() throws Exception {
            try (UpstreamConnection c = connect(new RecordingListener())) {
                assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2026_07_28);
                assertThat(c.serverInfo().path("name").asText()).isEqualTo("portcullis-modern-test");
                assertThat(text(c.request("tools/call", call("echo", args().put("message", "over stdio")), new TestExchange())))
                        .isEqualTo("Echo: over stdio");
                TestExchange ex = new TestExchange();
                ObjectNode p = call("progress", args().put("steps", 2));
                p.putObject("_meta").put("progressToken", "tok");
                assertThat(text(c.request("tools/call", p, ex))).isEqualTo("done 2");
                assertThat(ex.notifications("notifications/progress")).hasSize(2);
                assertThat(c.healthy()).isTrue();
            }
        }

        @Test
        void carriesTheCallsTraceContextInMeta() throws Exception {
            String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            try (UpstreamConnection c = connect(new RecordingListener())) {
                TestExchange ex = new TestExchange();
                ex.traceContext = Map.of("traceparent", parent);
                ObjectNode p = call("trace", args());
                // what the client sent is replaced, tracestate included: the exchange's context has none
                p.putObject("_meta").put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                        .put("tracestate", "rojo=1");
                JsonNode seen = JsonRpc.mapper().readTree(text(c.request("tools/call", p, ex)));

                assertThat(seen.path("traceparent").asText()).isEqualTo(parent);
                assertThat(seen.path("tracestate").isNull()).isTrue();
                assertThat(p.path("_meta").path("traceparent").asText()).as("the caller's params are not changed")
                        .startsWith("00-0af7651916cd43dd");

                seen = JsonRpc.mapper().readTree(text(c.request("tools/call", call("trace", args()), new TestExchange())));
                assertThat(seen.path("traceparent").isNull()).isTrue();
            }
        }

        @Test
        void runsTheMultiRoundTripLoop() throws Exception {
            try (UpstreamConnection c = connect(new RecordingListener())) {
                TestExchange ex = new TestExchange().answer("elicitation/create", q -> {
                    ObjectNode r = JsonRpc.mapper().createObjectNode().put("action", "accept");
                    r.putObject("content").put("ok", false);
                    return r;
                });
                assertThat(text(c.request("tools/call", call("confirm", args().put("action", "drop")), ex)))
                        .isEqualTo("drop: ok=false, state=state-for-drop");
            }
        }

        @Test
        void listensOnTheSharedChannel() throws Exception {
            RecordingListener listener = new RecordingListener();
            try (UpstreamConnection c = connect(listener)) {
                c.listen(Set.of("tools"), Set.of("test://doc"));
                boolean got = false;
                for (int i = 0; i < 20 && !got; i++) {
                    c.request("tools/call", call("touch", args().put("uri", "test://doc")), new TestExchange());
                    got = listener.await(n -> n.method().equals("notifications/resources/updated"), Duration.ofMillis(500));
                }
                assertThat(got).isTrue();
                assertThat(listener.await(n -> n.method().equals("notifications/tools/list_changed"), Duration.ofSeconds(2))).isTrue();
            }
        }

        @Test
        void cancelsWithNotificationsCancelled() throws Exception {
            try (UpstreamConnection c = connect(new RecordingListener())) {
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
                assertThatThrownBy(f::get).cause().hasMessage("upstream 'modern-stdio': request cancelled");
                int aborted = before;
                for (int i = 0; i < 50 && aborted == before; i++) {
                    Thread.sleep(100);
                    aborted = Integer.parseInt(text(c.request("tools/call", call("aborted-count", args()), new TestExchange())));
                }
                assertThat(aborted).isEqualTo(before + 1);
            }
        }
    }

    /**
     * A task's progress goes on after the call that created it (2025-11-25): the upstream's notifications carry the
     * gateway's token, and reach the listener (the session) with the client's token again.
     */
    @Test
    void theProgressOfATaskReachesTheSessionAfterTheCallWithTheClientsToken() throws Exception {
        Path server = NodeServers.repoRoot().resolve("mcp-core/src/test/node/task-progress-server.mjs");
        RecordingListener listener = new RecordingListener();
        try (UpstreamConnection c = connect("task-progress", List.of(NodeServers.node(), server.toString()),
                Duration.ofSeconds(10), listener)) {
            ObjectNode params = call("job", args());
            params.putObject("_meta").put("progressToken", "client-7");
            params.putObject("task").put("ttl", 60_000);

            JsonNode created = c.request("tools/call", params, new TestExchange());

            assertThat(created.at("/task/taskId").asText()).isEqualTo("t-1");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (listener.notifications.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(listener.notifications).hasSize(2).allSatisfy(n -> {
                assertThat(n.method()).isEqualTo("notifications/progress");
                assertThat(n.params().path("progressToken").asText()).isEqualTo("client-7");
            });
            assertThat(listener.notifications.get(1).params().path("progress").asInt()).isEqualTo(2);
        }
    }
}
