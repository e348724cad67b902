package dev.portcullis.mcp;

import static dev.portcullis.mcp.FakeHttpServer.id;
import static dev.portcullis.mcp.FakeHttpServer.json;
import static dev.portcullis.mcp.FakeHttpServer.method;
import static dev.portcullis.mcp.FakeHttpServer.sse;
import static dev.portcullis.mcp.FakeHttpServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Protocol edge cases against scripted loopback servers. */
class HttpEdgeCaseTest {

    private static final String INIT_RESULT = "{\"protocolVersion\":\"%s\",\"capabilities\":{},\"serverInfo\":{\"name\":\"fake\",\"version\":\"1\"}}";
    private static final UpstreamConnectors.Options OPTIONS =
            new UpstreamConnectors.Options(Duration.ofMillis(300), 3, Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final UpstreamConnector connector = UpstreamConnectors.create(OPTIONS);
    private FakeHttpServer server;

    @AfterEach
    void stop() {
        connector.close();
        if (server != null) {
            server.close();
        }
    }

    private UpstreamConnection connect(Optional<ProtocolVersion.Era> era, Duration timeout, Map<String, String> headers) {
        var target = new UpstreamTarget.Http("fake", server.url(), headers, Duration.ofSeconds(2), timeout, era);
        return connector.connect(target, JsonRpc.mapper().createObjectNode().put("name", "t").put("version", "1"),
                TestExchange.caps(), new RecordingListener());
    }

    private UpstreamConnection session() {
        return connect(Optional.of(ProtocolVersion.Era.SESSION), Duration.ofSeconds(5), Map.of());
    }

    private static ObjectNode tool(String name) {
        return JsonRpc.mapper().createObjectNode().put("name", name);
    }

    /** A session-era server whose tools/call answer is scripted. */
    private static FakeHttpServer.Handler sessionServer(FakeHttpServer.Handler onCall) {
        return (s, ex) -> {
            switch (method(s)) {
                case "initialize" -> {
                    ex.getResponseHeaders().set("Mcp-Session-Id", "s-1");
                    json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":" + INIT_RESULT.formatted("2025-11-25") + "}");
                }
                case "notifications/initialized", "notifications/cancelled" -> json(ex, 202, "");
                default -> {
                    if ("DELETE".equals(s.method())) {
                        ex.sendResponseHeaders(200, -1);
                    } else {
                        onCall.handle(s, ex);
                    }
                }
            }
        };
    }

    @Nested
    class SessionEra {

        @Test
        void rejectsMalformedSseDataWithoutQuotingIt() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> {
                OutputStream out = sse(ex);
                write(out, "data: {\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":{\"secret\":\"hunter2\"\n\n");
            }));
            try (UpstreamConnection c = session()) {
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOf(UpstreamException.class)
                        .hasMessage("upstream 'fake': malformed JSON-RPC message")
                        .hasMessageNotContaining("hunter2");
            }
        }

        @Test
        void timesOutWhenTheServerNeverAnswers() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.SESSION), Duration.ofMillis(1500), Map.of())) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': no response within 1500 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(3500));
            }
        }

        @Test
        void timesOutWhenTheStreamStallsAfterHeaders() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> {
                OutputStream out = sse(ex);
                write(out, ": keep-alive\n\n");
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.SESSION), Duration.ofMillis(1500), Map.of())) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': no response within 1500 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(3500));
                // the cancellation notice is sent asynchronously
                for (int i = 0; i < 40 && server.seen.stream().noneMatch(x -> "notifications/cancelled".equals(method(x))); i++) {
                    Thread.sleep(50);
                }
                assertThat(server.seen).filteredOn(x -> "notifications/cancelled".equals(method(x))).singleElement()
                        .satisfies(x -> assertThat(x.body().path("params").path("requestId").isIntegralNumber()).isTrue());
            }
        }

        @Test
        void reinitializesOnceOn404AndGivesUpOnTheSecond() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            server = new FakeHttpServer(sessionServer((s, ex) -> {
                if (calls.incrementAndGet() <= 3) {
                    json(ex, 404, "");
                } else {
                    json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":{\"ok\":true}}");
                }
            }));
            try (UpstreamConnection c = session()) {
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': session expired");
                assertThat(server.seen).extracting(FakeHttpServer::method).filteredOn("initialize"::equals).hasSize(2);
                // one more 404 then success: re-initialize and retry transparently
                assertThat(c.request("tools/call", tool("x"), new TestExchange()).path("ok").asBoolean()).isTrue();
                assertThat(server.seen).extracting(FakeHttpServer::method).filteredOn("initialize"::equals).hasSize(3);
            }
        }

        @Test
        void resumesAStreamThatEndsEarlyWithLastEventId() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> {
                if ("GET".equals(s.method())) {
                    if (!"ev-1".equals(s.headers().getFirst("Last-Event-ID"))) {
                        ex.sendResponseHeaders(405, -1);
                        return;
                    }
                    OutputStream out = sse(ex);
                    write(out, "id: ev-2\ndata: {\"jsonrpc\":\"2.0\",\"id\":1000,\"result\":{\"resumed\":true}}\n\n");
                    return;
                }
                OutputStream out = sse(ex);
                // the priming event, a retry hint, then the server closes the stream before answering
                write(out, "id: ev-1\nretry: 50\ndata: \n\n");
            }));
            // the request id the fake answers on resume is fixed: make it the connection's next id
            try (UpstreamConnection c = session()) {
                HttpSessionConnection s = (HttpSessionConnection) ((DefaultConnector.Tracked) c).unwrap();
                while (s.nextId().asLong() < 999) {
                    // advance the id counter so the next request uses id 1000
                }
                assertThat(c.request("tools/call", tool("x"), new TestExchange()).path("resumed").asBoolean()).isTrue();
                assertThat(server.seen).anySatisfy(seen -> {
                    assertThat(seen.method()).isEqualTo("GET");
                    assertThat(seen.headers().getFirst("Last-Event-ID")).isEqualTo("ev-1");
                    assertThat(seen.headers().getFirst("Mcp-Session-Id")).isEqualTo("s-1");
                });
            }
        }

        @Test
        void failsWhenAStreamEndsWithoutResponseOrEventId() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> {
                OutputStream out = sse(ex);
                write(out, "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"x\"}}\n\n");
            }));
            try (UpstreamConnection c = session()) {
                TestExchange ex = new TestExchange();
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), ex))
                        .isInstanceOf(UpstreamException.class)
                        .hasMessage("upstream 'fake': response stream ended before the response");
                assertThat(ex.notifications("notifications/message")).hasSize(1);
            }
        }

        @Test
        void sendsSessionAndVersionHeadersButNeverLeaksStaticHeaderValues() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> json(ex, 401, "")));
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.SESSION), Duration.ofSeconds(5),
                    Map.of("Authorization", "Bearer s3cr3t-token"))) {
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': HTTP 401");
                FakeHttpServer.Seen call = server.seen.stream().filter(x -> "tools/call".equals(method(x))).findFirst().orElseThrow();
                assertThat(call.headers().getFirst("Mcp-Session-Id")).isEqualTo("s-1");
                assertThat(call.headers().getFirst("MCP-Protocol-Version")).isEqualTo("2025-11-25");
                assertThat(call.headers().getFirst("Accept")).isEqualTo("application/json, text/event-stream");
                assertThat(call.headers().getFirst("Authorization")).isEqualTo("Bearer s3cr3t-token");
            }
        }

        @Test
        void passesJsonRpcErrorsThrough() throws Exception {
            server = new FakeHttpServer(sessionServer((s, ex) -> json(ex, 200,
                    "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"error\":{\"code\":-32602,\"message\":\"Unknown tool\",\"data\":{\"t\":1}}}")));
            try (UpstreamConnection c = session()) {
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOfSatisfying(McpError.class, e -> {
                            assertThat(e.code()).isEqualTo(-32602);
                            assertThat(e.getMessage()).isEqualTo("Unknown tool");
                            assertThat(e.data().path("t").asInt()).isEqualTo(1);
                        });
            }
        }
    }

    @Nested
    class EraDetection {

        @Test
        void fallsBackToInitializeOnA400WithoutModernError() throws Exception {
            server = new FakeHttpServer((s, ex) -> {
                switch (method(s)) {
                    case "server/discover" -> json(ex, 400, "");
                    case "initialize" -> json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":"
                            + INIT_RESULT.formatted("2025-06-18") + "}");
                    default -> json(ex, 202, "");
                }
            });
            try (UpstreamConnection c = connect(Optional.empty(), Duration.ofSeconds(5), Map.of())) {
                assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2025_06_18);
                FakeHttpServer.Seen discover = server.seen.get(0);
                assertThat(discover.headers().getFirst("MCP-Protocol-Version")).isEqualTo("2026-07-28");
                assertThat(discover.headers().getFirst("Mcp-Method")).isEqualTo("server/discover");
                assertThat(discover.body().path("params").path("_meta").path("io.modelcontextprotocol/protocolVersion").asText())
                        .isEqualTo("2026-07-28");
            }
        }

        @Test
        void usesTheAdvertisedSessionVersionOnUnsupportedProtocolVersion() throws Exception {
            server = new FakeHttpServer((s, ex) -> {
                switch (method(s)) {
                    case "server/discover" -> json(ex, 400, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"error\":{\"code\":-32022,"
                            + "\"message\":\"Unsupported protocol version\",\"data\":{\"supported\":[\"2025-06-18\"],\"requested\":\"2026-07-28\"}}}");
                    case "initialize" -> json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":"
                            + INIT_RESULT.formatted(s.body().path("params").path("protocolVersion").asText()) + "}");
                    default -> json(ex, 202, "");
                }
            });
            try (UpstreamConnection c = connect(Optional.empty(), Duration.ofSeconds(5), Map.of())) {
                assertThat(c.protocolVersion()).isEqualTo(ProtocolVersion.V2025_06_18);
                assertThat(server.seen.get(1).body().path("params").path("protocolVersion").asText()).isEqualTo("2025-06-18");
            }
        }

        @Test
        void refusesWhenNoVersionIsShared() throws Exception {
            server = new FakeHttpServer((s, ex) -> json(ex, 400, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"error\":{\"code\":-32022,"
                    + "\"message\":\"Unsupported protocol version\",\"data\":{\"supported\":[\"2099-01-01\"],\"requested\":\"2026-07-28\"}}}"));
            assertThatThrownBy(() -> connect(Optional.empty(), Duration.ofSeconds(5), Map.of()))
                    .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': no mutually supported protocol version");
        }

        @Test
        void reportsAnUnreachableUpstreamByName() throws Exception {
            server = new FakeHttpServer((s, ex) -> json(ex, 500, ""));
            java.net.URI dead = server.url();
            server.close();
            server = null;
            var target = new UpstreamTarget.Http("gone", dead, Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(2), Optional.empty());
            assertThatThrownBy(() -> connector.connect(target, JsonRpc.mapper().createObjectNode(), TestExchange.caps(), new RecordingListener()))
                    .isInstanceOf(UpstreamException.class).hasMessageStartingWith("upstream 'gone': unreachable (");
        }
    }

    @Nested
    class StatelessEra {

        private static final String DISCOVER = "{\"supportedVersions\":[\"2026-07-28\"],\"capabilities\":{},\"resultType\":\"complete\"}";

        @Test
        void boundsTheNumberOfInputRounds() throws Exception {
            AtomicInteger rounds = new AtomicInteger();
            server = new FakeHttpServer((s, ex) -> {
                if ("server/discover".equals(method(s))) {
                    json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":" + DISCOVER + "}");
                    return;
                }
                rounds.incrementAndGet();
                json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":{\"resultType\":\"input_required\",\"requestState\":\"again\"}}");
            });
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.STATELESS), Duration.ofSeconds(5), Map.of())) {
                assertThatThrownBy(() -> c.request("tools/call", tool("x"), new TestExchange()))
                        .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': too many input rounds");
                assertThat(rounds.get()).isEqualTo(OPTIONS.maxInputRounds());
                // every round is a new request id and echoes the state
                assertThat(server.seen.stream().filter(x -> "tools/call".equals(method(x))).map(FakeHttpServer::id).distinct().count())
                        .isEqualTo(OPTIONS.maxInputRounds());
                assertThat(server.seen.get(server.seen.size() - 1).body().path("params").path("requestState").asText()).isEqualTo("again");
            }
        }

        @Test
        void encodesUnsafeNamesAndSendsLogLevel() throws Exception {
            server = new FakeHttpServer((s, ex) -> json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":"
                    + ("server/discover".equals(method(s)) ? DISCOVER : "{\"resultType\":\"complete\"}") + "}"));
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.STATELESS), Duration.ofSeconds(5), Map.of())) {
                TestExchange ex = new TestExchange();
                ex.logLevel = "debug";
                c.request("tools/call", tool("grüße"), ex);
                FakeHttpServer.Seen call = server.seen.get(server.seen.size() - 1);
                assertThat(call.headers().getFirst("Mcp-Name")).isEqualTo("=?base64?Z3LDvMOfZQ==?=");
                assertThat(call.headers().getFirst("Mcp-Method")).isEqualTo("tools/call");
                assertThat(call.body().path("params").path("_meta").path("io.modelcontextprotocol/logLevel").asText()).isEqualTo("debug");
                assertThat(call.body().path("params").path("_meta").path("io.modelcontextprotocol/clientCapabilities").has("elicitation")).isTrue();
            }
        }

        @Test
        void leavesToolsWithInvalidHeaderAnnotationsOutAndMirrorsValidOnes() throws Exception {
            server = new FakeHttpServer((s, ex) -> {
                String result = switch (method(s)) {
                    case "server/discover" -> DISCOVER;
                    case "tools/list" -> "{\"resultType\":\"complete\",\"tools\":["
                            + "{\"name\":\"good\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"r\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"}}}},"
                            + "{\"name\":\"bad\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"x-mcp-header\":\"N\"}}}}]}";
                    default -> "{\"resultType\":\"complete\"}";
                };
                json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":" + result + "}");
            });
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.STATELESS), Duration.ofSeconds(5), Map.of())) {
                assertThat(c.request("tools/list", null, new TestExchange()).path("tools").findValuesAsText("name")).containsExactly("good");
                ObjectNode p = tool("good");
                p.putObject("arguments").put("r", "eu-1");
                c.request("tools/call", p, new TestExchange());
                assertThat(server.seen.get(server.seen.size() - 1).headers().getFirst("Mcp-Param-Region")).isEqualTo("eu-1");
            }
        }

        @Test
        void checksHealthWithDiscoverOnceTheLastObservationIsStale() throws Exception {
            AtomicInteger discovers = new AtomicInteger();
            server = new FakeHttpServer((s, ex) -> {
                discovers.incrementAndGet();
                json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":" + DISCOVER + "}");
            });
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.STATELESS), Duration.ofSeconds(2), Map.of())) {
                assertThat(c.healthy()).isTrue();
                assertThat(discovers.get()).as("fresh: no check").isEqualTo(1);
                Thread.sleep(400);
                assertThat(c.healthy()).isTrue();
                assertThat(discovers.get()).as("stale: one discover").isEqualTo(2);
                server.close();
                server = null;
                Thread.sleep(400);
                assertThat(c.healthy()).isFalse();
            }
        }

        @Test
        void reportsUnsupportedProtocolVersionMidLife() throws Exception {
            server = new FakeHttpServer((s, ex) -> {
                if ("server/discover".equals(method(s))) {
                    json(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"result\":" + DISCOVER + "}");
                } else {
                    json(ex, 400, "{\"jsonrpc\":\"2.0\",\"id\":" + id(s) + ",\"error\":{\"code\":-32022,\"message\":\"Unsupported\","
                            + "\"data\":{\"supported\":[\"2027-01-01\"],\"requested\":\"2026-07-28\"}}}");
                }
            });
            try (UpstreamConnection c = connect(Optional.of(ProtocolVersion.Era.STATELESS), Duration.ofSeconds(5), Map.of())) {
                assertThatThrownBy(() -> c.request("tools/list", null, new TestExchange()))
                        .isInstanceOf(UpstreamException.class).hasMessage("upstream 'fake': unsupported protocol version");
            }
        }
    }
}
