package dev.portcullis.server.mcp;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.auth.AuthConfig;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.demo.DemoUpstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything that can be wrong with an MCP request gets a precise JSON-RPC error and the right HTTP
 * status, never a hang or a stack trace.
 */
class McpEndpointBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static DemoUpstream upstream;
    private static GatewayApp app;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        GatewayConfig config = new GatewayConfig(GatewayConfig.Mode.DEV,
                new GatewayConfig.Server("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(1)),
                new GatewayConfig.Logging(GatewayConfig.Logging.Level.ERROR, GatewayConfig.Logging.Format.TEXT),
                new GatewayConfig.Telemetry("test", Optional.empty(), List.of()), AuthConfig.DISABLED,
                McpSettings.defaults(), List.of(
                        spec("demo", upstream.url()),
                        spec("down", "http://127.0.0.1:" + deadPort + "/mcp")),
                dev.portcullis.server.registry.RegistrySettings.defaults());
        app = GatewayApp.start(config, OpenTelemetry.noop(), "test");
        base = "http://127.0.0.1:" + app.gateway().port();
    }

    private static dev.portcullis.registry.Registration spec(String name, String url) {
        return new dev.portcullis.registry.Registration(name, "", "", "1.0.0", new UpstreamTarget.Http(name,
                URI.create(url), Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(5), Optional.empty()), name + "__",
                true, dev.portcullis.registry.Registration.Source.CONFIG, java.time.Instant.now());
    }

    @AfterAll
    static void stop() {
        app.close();
        upstream.close();
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String session() throws Exception {
        return post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error");
    }

    @Test
    void malformedJsonIsAParseError() throws Exception {
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32700);
        assertThat(JSON.readTree(r.body()).path("id").isNull()).isTrue();
    }

    @Test
    void batchesAndWrongVersionsAreInvalidRequests() throws Exception {
        assertThat(error(post("/mcp", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]")).path("code").asInt())
                .isEqualTo(-32600);
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}");
        assertThat(error(r).path("code").asInt()).isEqualTo(-32600);
        assertThat(JSON.readTree(r.body()).path("id").asInt()).isEqualTo(7);
    }

    @Test
    void unknownMethodIsMethodNotFound() throws Exception {
        String session = session();
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"frobnicate\"}",
                "Mcp-Session-Id", session);

        assertThat(error(r).path("code").asInt()).isEqualTo(-32601);
    }

    private String sessionOf(String version) throws Exception {
        return post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @Test
    void methodsWithoutAGatewayRuleAreNotRelayedToAnUpstream() throws Exception {
        String session = sessionOf("2025-11-25");
        HttpResponse<String> vendor = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"x-vendor/anything\","
                + "\"params\":{}}", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
        assertThat(error(vendor).path("code").asInt()).isEqualTo(-32601);
        // the gateway's own answer (an upstream's -32601 would not carry the Portcullis reason code)
        assertThat(error(vendor).path("data").path("reason").asText()).isEqualTo("method-not-found");
        // tasks have a rule in 2025-11-25: a task this session did not create is the gateway's own -32602
        for (String method : List.of("tasks/get", "tasks/result", "tasks/cancel")) {
            HttpResponse<String> r = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method
                    + "\",\"params\":{\"taskId\":\"t1\"}}", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
            assertThat(error(r).path("code").asInt()).as(method).isEqualTo(-32602);
            assertThat(error(r).path("data").path("reason").asText()).as(method).isEqualTo("task-not-found");
        }
        for (String params : List.of("{}", "{\"taskId\":7}", "{\"taskId\":null}")) {
            HttpResponse<String> r = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tasks/get\",\"params\":"
                    + params + "}", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
            assertThat(error(r).path("code").asInt()).as(params).isEqualTo(-32602);
            assertThat(error(r).path("data").path("reason").asText()).as(params).isEqualTo("invalid-params");
        }
        String longId = "x".repeat(10_000);
        HttpResponse<String> longOne = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tasks/get\","
                + "\"params\":{\"taskId\":\"" + longId + "\"}}", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
        assertThat(error(longOne).path("data").path("reason").asText()).isEqualTo("task-not-found");
        assertThat(longOne.body().length()).isLessThan(1_000);
        HttpResponse<String> list = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tasks/list\"}",
                "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
        assertThat(JSON.readTree(list.body()).at("/result/tasks").isArray()).as(list.body()).isTrue();
        assertThat(JSON.readTree(list.body()).at("/result/tasks").size()).isZero();
        // earlier versions have no tasks
        String older = sessionOf("2025-06-18");
        for (String method : List.of("tasks/get", "tasks/result", "tasks/list", "tasks/cancel")) {
            HttpResponse<String> r = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method
                    + "\",\"params\":{\"taskId\":\"t1\"}}", "Mcp-Session-Id", older, "MCP-Protocol-Version", "2025-06-18");
            assertThat(error(r).path("code").asInt()).as(method).isEqualTo(-32601);
            assertThat(error(r).path("data").path("reason").asText()).as(method).isEqualTo("method-not-found");
        }
        HttpResponse<String> stateless = post("/mcp/demo", "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tasks/get\","
                + "\"params\":{\"taskId\":\"t1\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}", "MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tasks/get");
        assertThat(stateless.statusCode()).isEqualTo(404);
        assertThat(error(stateless).path("data").path("reason").asText()).isEqualTo("method-not-found");
    }

    @Test
    void badParamsAreInvalidParams() throws Exception {
        String session = session();
        HttpResponse<String> noName = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{}}",
                "Mcp-Session-Id", session);
        HttpResponse<String> unknownTool = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"demo__nope\",\"arguments\":{}}}", "Mcp-Session-Id", session);

        assertThat(error(noName).path("code").asInt()).isEqualTo(-32602);
        assertThat(error(unknownTool).path("code").asInt()).isEqualTo(-32602);
        assertThat(error(unknownTool).path("message").asText()).contains("Unknown tool");
    }

    @Test
    void unknownSessionIs404() throws Exception {
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}",
                "Mcp-Session-Id", "deadbeef");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32001);
    }

    @Test
    void deletedSessionIs404Afterwards() throws Exception {
        String session = session();
        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> after = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}",
                "Mcp-Session-Id", session);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(after.statusCode()).isEqualTo(404);
    }

    @Test
    void unsupportedStatelessVersionIs400WithTheSupportedList() throws Exception {
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\",\"params\":{\"_meta\":"
                + "{\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                "MCP-Protocol-Version", "2099-01-01", "Mcp-Method", "tools/list");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).path("code").asInt()).isEqualTo(-32022);
        assertThat(error(r).path("data").path("supported").toString()).contains("2026-07-28");
        assertThat(error(r).path("data").path("requested").asText()).isEqualTo("2099-01-01");
    }

    @Test
    void disallowedOriginIs403() throws Exception {
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}",
                "Origin", "http://evil.example");

        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", app.gateway().port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (64 * 1024 + 1) + "\r\n\r\n").getBytes());
            assertThat(new String(socket.getInputStream().readAllBytes())).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void upstreamDownIsAnErrorNamingTheUpstreamWithoutHanging() throws Exception {
        String session = session();
        long start = System.nanoTime();
        HttpResponse<String> r = post("/mcp/down", "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\"}",
                "Mcp-Session-Id", session);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(error(r).path("code").asInt()).isEqualTo(-32002);
        assertThat(error(r).path("message").asText()).contains("down");
        assertThat(millis).as("answered within the connect timeout, not a hang").isLessThan(15_000);
    }

    @Test
    void aggregatedListSurvivesADownUpstream() throws Exception {
        String session = session();
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\"}",
                "Mcp-Session-Id", session);

        assertThat(JSON.readTree(r.body()).path("result").path("tools").findValuesAsText("name"))
                .contains("demo__echo", "demo__lookup_customer");
    }

    @Test
    void unregisteredUpstreamIsNotReachable() throws Exception {
        HttpResponse<String> r = post("/mcp/shadow", "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\"}");

        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void aCallRelaysThroughTheGateway() throws Exception {
        String session = session();
        HttpResponse<String> r = post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"relayed\"}}}", "Mcp-Session-Id", session);

        assertThat(JSON.readTree(r.body()).path("result").path("content").path(0).path("text").asText()).isEqualTo("relayed");
    }
}
