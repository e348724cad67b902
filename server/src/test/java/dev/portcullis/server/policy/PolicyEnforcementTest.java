package dev.portcullis.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.auth.AuthFeature;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.demo.DemoUpstream;
import io.opentelemetry.api.OpenTelemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy enforced by a running gateway in front of the real demo upstream, with development-issuer
 * tokens for alice (finance) and bob (support) through the demo agent.
 */
class PolicyEnforcementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The policy bundle both policy test classes start from. */
    static final String POLICY = """
            version: 1
            bindings:
              client-ids: {portcullis-demo-agent: finance-analyst-agent}
            personas:
              - name: finance-analyst-agent
                tools: [lookup_customer, create_invoice, get_time]
                access: [read, write]
                rate-limits: {per-tool: 3/h}
            entitlements:
              - name: finance-team
                groups: [finance]
                grants:
                  - tools: [lookup_customer, get_time]
                  - tools: [create_invoice]
                    require-scope: billing:admin
              - name: support-desk
                groups: [support]
                grants:
                  - tools: ["*"]
                    access: [read]
              - name: everything
                groups: [finance, support]
                grants:
                  - tools: [echo]
            """;

    @TempDir
    static Path dir;
    private static Path policyFile;
    private static DemoUpstream upstream;
    private static GatewayApp app;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() throws Exception {
        policyFile = dir.resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        upstream = DemoUpstream.start();
        app = startGateway(upstream, policyFile);
        alice = demoToken(app, "alice");
        bob = demoToken(app, "bob");
    }

    /**
     * A dev-mode gateway on loopback in front of the demo upstream, enforcing the policy file (re-read
     * every 100 ms when it changes).
     */
    static GatewayApp startGateway(DemoUpstream upstream, Path policyFile) {
        GatewayConfig config = GatewayConfig.create(ConfigLoader.fromYaml("test", """
                mode: dev
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: info, format: text}
                auth:
                  scopes-supported: [mcp:tools, billing:write]
                  dev-issuer: {enabled: true}
                upstreams:
                  - name: demo
                    url: %s
                policy:
                  file: %s
                  reload-interval: 100ms
                """.formatted(upstream.url(), policyFile), Map.of()));
        return GatewayApp.start(config, OpenTelemetry.noop(), "test");
    }

    /** The development issuer's token for a demo user (through the demo agent). */
    static String demoToken(GatewayApp app, String user) {
        List<AuthFeature.DemoToken> tokens = app.gateway().capability(AuthFeature.class).orElseThrow().demoTokens();
        return tokens.stream().filter(t -> t.user().equals(user)).findFirst().orElseThrow().token();
    }

    @AfterAll
    static void stop() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    private static HttpResponse<String> mcp(String token, String method, String name, String paramsJson)
            throws Exception {
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"%s","params":{%s"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"""
                .formatted(method, paramsJson);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.gateway().baseUri() + "/mcp"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (name != null) {
            b.header("Mcp-Name", name);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> tools(String token) throws Exception {
        HttpResponse<String> r = mcp(token, "tools/list", null, "");
        JsonNode result = JSON.readTree(r.body()).path("result");
        assertThat(result.path("cacheScope").asText()).isEqualTo("private");
        List<String> names = new ArrayList<>();
        result.path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    private static JsonNode call(String token, String tool) throws Exception {
        HttpResponse<String> r = mcp(token, "tools/call", tool,
                "\"name\":\"" + tool + "\",\"arguments\":{\"customer_id\":\"C-1001\",\"message\":\"hi\"},");
        String body = r.body();
        if (body.startsWith("event:") || body.startsWith("data:") || body.startsWith("id:")) {
            body = body.lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow().substring(5);
        }
        return JSON.readTree(body);
    }

    @Test
    void aliceSeesExactlyTheToolsBothHerEntitlementsAndThePersonaAllow() throws Exception {
        // echo: entitled but outside the persona; create_invoice: visible, needs a step-up
        assertThat(tools(alice)).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                "demo__create_invoice");
    }

    @Test
    void bobThroughTheSameAgentSeesOnlyReadOnlyTools() throws Exception {
        assertThat(tools(bob)).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time");
    }

    @Test
    void aliceCallsAnAllowedTool() throws Exception {
        JsonNode r = call(alice, "demo__get_time");
        assertThat(r.has("error")).as(r.toString()).isFalse();
        assertThat(r.path("result").path("content").isArray()).isTrue();
    }

    @Test
    void aToolOutsideThePersonaAnswersExactlyLikeANonexistentTool() throws Exception {
        JsonNode hidden = call(alice, "demo__echo");
        JsonNode missing = call(alice, "demo__no_such_tool");
        assertThat(hidden.path("error").path("data").path("reason").asText()).isEqualTo("tool-not-found");
        assertThat(hidden.path("error").path("code")).isEqualTo(missing.path("error").path("code"));
        assertThat(hidden.path("error").path("message").asText().replace("demo__echo", "X"))
                .isEqualTo(missing.path("error").path("message").asText().replace("demo__no_such_tool", "X"));
        assertThat(hidden.path("error").path("data")).isEqualTo(missing.path("error").path("data"));
    }

    @Test
    void bobCannotCallAWriteToolHeCannotSee() throws Exception {
        JsonNode r = call(bob, "demo__create_invoice");
        assertThat(r.path("error").path("data").path("reason").asText()).isEqualTo("tool-not-found");
    }

    @Test
    void aGrantThatNeedsAScopeAnswers403InsufficientScopeWithTheScope() throws Exception {
        HttpResponse<String> r = mcp(alice, "tools/call", "demo__create_invoice",
                "\"name\":\"demo__create_invoice\",\"arguments\":{\"customer_id\":\"C-1\"},");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer error=\"insufficient_scope\", scope=\"billing:admin\"");
        assertThat(JSON.readTree(r.body()).path("error").path("data").path("reason").asText())
                .isEqualTo("insufficient-scope");
    }

    @Test
    void perToolRateLimitAnswersWithRetryAfter() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(call(bob, "demo__lookup_customer").has("error")).isFalse();
        }
        HttpResponse<String> r = mcp(bob, "tools/call", "demo__lookup_customer",
                "\"name\":\"demo__lookup_customer\",\"arguments\":{\"customer_id\":\"C-1\"},");
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("data").path("reason").asText()).isEqualTo("rate-limited");
        assertThat(error.path("data").path("retryAfter").asLong()).isBetween(1L, 3600L);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aBadNewPolicyFileLeavesTheOldPolicyInForceAndIsReported() throws Exception {
        PolicyFeature policy = app.gateway().capability(PolicyFeature.class).orElseThrow();
        String before = policy.policyVersion();
        try {
            Files.writeString(policyFile, "version: 1\npersonas: [{name: broken, rate-limits: {per-tool: lots}}]\n");
            PolicyFeature.Status status = policy.reload();
            assertThat(status.policyVersion()).isEqualTo(before);
            assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains(policyFile + ":2:"));
            assertThat(tools(alice)).contains("demo__lookup_customer");
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                    URI.create(app.gateway().baseUri() + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("lastReloadError");
        } finally {
            Files.writeString(policyFile, POLICY);
            assertThat(policy.reload().lastError()).isEmpty();
        }
    }

    @Test
    void aReloadThatChangesThePolicyIsPickedUpFromTheFile() throws Exception {
        PolicyFeature policy = app.gateway().capability(PolicyFeature.class).orElseThrow();
        String before = policy.policyVersion();
        try {
            Files.writeString(policyFile, POLICY.replace("tools: [lookup_customer, get_time]", "tools: [get_time]"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (policy.policyVersion().equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(policy.policyVersion()).isNotEqualTo(before);
            assertThat(tools(alice)).containsExactlyInAnyOrder("demo__get_time", "demo__create_invoice");
        } finally {
            Files.writeString(policyFile, POLICY);
            policy.reload();
        }
    }
}
