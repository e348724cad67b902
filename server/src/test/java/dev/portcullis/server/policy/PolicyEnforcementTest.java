package dev.portcullis.server.policy;

import static dev.portcullis.server.policy.PolicyGateway.POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The policy enforced by a running gateway in front of the real demo upstream, with development-issuer
 * tokens for alice (finance) and bob (support) through the demo agent.
 */
class PolicyEnforcementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final PolicyGateway gateway = new PolicyGateway();

    private static HttpResponse<String> mcp(String token, String method, String name, String paramsJson)
            throws Exception {
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"%s","params":{%s"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"""
                .formatted(method, paramsJson);
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/mcp"))
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
        assertThat(tools(gateway.alice())).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                "demo__create_invoice");
    }

    @Test
    void bobThroughTheSameAgentSeesOnlyReadOnlyTools() throws Exception {
        assertThat(tools(gateway.bob())).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time");
    }

    @Test
    void aliceCallsAnAllowedTool() throws Exception {
        JsonNode r = call(gateway.alice(), "demo__get_time");
        assertThat(r.has("error")).as(r.toString()).isFalse();
        assertThat(r.path("result").path("content").isArray()).isTrue();
    }

    @Test
    void aToolOutsideThePersonaAnswersExactlyLikeANonexistentTool() throws Exception {
        JsonNode hidden = call(gateway.alice(), "demo__echo");
        JsonNode missing = call(gateway.alice(), "demo__no_such_tool");
        assertThat(hidden.path("error").path("data").path("reason").asText()).isEqualTo("tool-not-found");
        assertThat(hidden.path("error").path("code")).isEqualTo(missing.path("error").path("code"));
        assertThat(hidden.path("error").path("message").asText().replace("demo__echo", "X"))
                .isEqualTo(missing.path("error").path("message").asText().replace("demo__no_such_tool", "X"));
        assertThat(hidden.path("error").path("data")).isEqualTo(missing.path("error").path("data"));
    }

    @Test
    void bobCannotCallAWriteToolHeCannotSee() throws Exception {
        JsonNode r = call(gateway.bob(), "demo__create_invoice");
        assertThat(r.path("error").path("data").path("reason").asText()).isEqualTo("tool-not-found");
    }

    @Test
    void aGrantThatNeedsAScopeAnswers403InsufficientScopeWithTheScope() throws Exception {
        HttpResponse<String> r = mcp(gateway.alice(), "tools/call", "demo__create_invoice",
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
            assertThat(call(gateway.bob(), "demo__lookup_customer").has("error")).isFalse();
        }
        HttpResponse<String> r = mcp(gateway.bob(), "tools/call", "demo__lookup_customer",
                "\"name\":\"demo__lookup_customer\",\"arguments\":{\"customer_id\":\"C-1\"},");
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("data").path("reason").asText()).isEqualTo("rate-limited");
        assertThat(error.path("data").path("retryAfter").asLong()).isBetween(1L, 3600L);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aBadNewPolicyFileLeavesTheOldPolicyInForceAndIsReported() throws Exception {
        PolicyFeature policy = gateway.policy();
        String before = policy.policyVersion();
        try {
            Files.writeString(gateway.policyFile(),
                    "version: 1\npersonas: [{name: broken, rate-limits: {per-tool: lots}}]\n");
            PolicyFeature.Status status = policy.reload();
            assertThat(status.policyVersion()).isEqualTo(before);
            assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains(gateway.policyFile() + ":2:"));
            assertThat(tools(gateway.alice())).contains("demo__lookup_customer");
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(gateway.uri("/observe/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("lastReloadError");
        } finally {
            Files.writeString(gateway.policyFile(), POLICY);
            assertThat(policy.reload().lastError()).isEmpty();
        }
    }

    @Test
    void aReloadThatChangesThePolicyIsPickedUpFromTheFile() throws Exception {
        PolicyFeature policy = gateway.policy();
        String before = policy.policyVersion();
        try {
            Files.writeString(gateway.policyFile(),
                    POLICY.replace("tools: [lookup_customer, get_time]", "tools: [get_time]"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (policy.policyVersion().equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(policy.policyVersion()).isNotEqualTo(before);
            assertThat(tools(gateway.alice())).containsExactlyInAnyOrder("demo__get_time", "demo__create_invoice");
        } finally {
            Files.writeString(gateway.policyFile(), POLICY);
            policy.reload();
        }
    }
}
