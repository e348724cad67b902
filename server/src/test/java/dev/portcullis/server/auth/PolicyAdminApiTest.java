package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/policy}, {@code /admin/policy/reload} and {@code /admin/policy/explain} on a production
 * gateway with layer-1 authentication: only callers with the admin scope may use them.
 */
class PolicyAdminApiTest {
    static final String RESOURCE = "https://gw.example.test/mcp";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = """
            version: 1
            bindings:
              client-ids: {agent-cli: finance-analyst-agent}
            personas:
              - name: finance-analyst-agent
                tools: [lookup_customer, create_invoice, get_time]
                access: [read, write]
            entitlements:
              - name: finance-team
                groups: [finance]
                grants:
                  - tools: [lookup_customer, get_time]
            """;

    @TempDir
    static Path dir;
    static Path policyFile;
    static TestIdp idp;
    static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp("portcullis");
        policyFile = dir.resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        gw = new GatewayUnderTest("""
                mode: production
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: info, format: text}
                auth:
                  resource: %s
                  issuers:
                    - issuer: %s
                policy:
                  file: %s
                  reload-interval: 1h
                """.formatted(RESOURCE, idp.issuer, policyFile));
    }

    @AfterAll
    static void stop() {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            idp.close();
        }
    }

    @AfterEach
    void restorePolicy() throws Exception {
        Files.writeString(policyFile, POLICY);
        assertThat(post("/admin/policy/reload", admin(), "").statusCode()).isEqualTo(200);
    }

    private static String token(String scope) throws Exception {
        return idp.sign(idp.claims(RESOURCE).claim("scope", scope).build(), h -> { });
    }

    private static String admin() throws Exception {
        return token("openid mcp:tools portcullis:admin");
    }

    private static HttpResponse<String> post(String path, String token, String body) throws Exception {
        return gw.client.send(HttpRequest.newBuilder(gw.uri(path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesEveryPolicyRouteWithoutTheAdminScopeAndNamesTheScope() throws Exception {
        String user = token("openid mcp:tools");
        for (HttpResponse<String> r : java.util.List.of(gw.bearer("/admin/policy", user),
                post("/admin/policy/reload", user, ""),
                post("/admin/policy/explain", user, "{\"user\":\"alice\",\"agent\":\"agent-cli\",\"tool\":\"get_time\"}"))) {
            assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(403);
            assertThat(r.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer error=\"insufficient_scope\", scope=\"portcullis:admin\"");
            assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("insufficient-scope");
        }
    }

    @Test
    void refusesThePolicyRoutesWithoutAToken() throws Exception {
        assertThat(gw.get("/admin/policy").statusCode()).isEqualTo(401);
    }

    @Test
    void showsTheVersionInForceAndTheCanonicalBundle() throws Exception {
        HttpResponse<String> r = gw.bearer("/admin/policy", admin());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("enforcing").asBoolean()).isTrue();
        assertThat(body.path("healthy").asBoolean()).isTrue();
        assertThat(body.path("policyVersion").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(body.path("origin").asText()).isEqualTo(policyFile.toString());
        assertThat(body.path("loadedAt").asText()).isNotEmpty();
        assertThat(body.path("bundle").path("personas").get(0).path("name").asText()).isEqualTo("finance-analyst-agent");
        assertThat(body.path("bundle").path("bindings").path("client-ids").path("agent-cli").asText())
                .isEqualTo("finance-analyst-agent");
    }

    @Test
    void reloadPutsAChangedFileInForceAndAnswersTheNewStatus() throws Exception {
        String before = JSON.readTree(gw.bearer("/admin/policy", admin()).body()).path("policyVersion").asText();
        Files.writeString(policyFile, POLICY.replace("tools: [lookup_customer, get_time]", "tools: [get_time]"));
        HttpResponse<String> r = post("/admin/policy/reload", admin(), "");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode status = JSON.readTree(r.body());
        assertThat(status.path("healthy").asBoolean()).isTrue();
        assertThat(status.path("policyVersion").asText()).startsWith("sha256:").isNotEqualTo(before);
        assertThat(JSON.readTree(gw.bearer("/admin/policy", admin()).body()).path("policyVersion").asText())
                .isEqualTo(status.path("policyVersion").asText());
    }

    @Test
    void reloadOfABadFileKeepsTheOldVersionAndReportsWhereTheProblemIs() throws Exception {
        String before = JSON.readTree(gw.bearer("/admin/policy", admin()).body()).path("policyVersion").asText();
        Files.writeString(policyFile, "version: 1\npersonas: [{name: broken, rate-limits: {per-tool: lots}}]\n");
        JsonNode status = JSON.readTree(post("/admin/policy/reload", admin(), "").body());
        assertThat(status.path("healthy").asBoolean()).isFalse();
        assertThat(status.path("policyVersion").asText()).isEqualTo(before);
        assertThat(status.path("lastError").asText()).contains(policyFile + ":2:");
    }

    @Test
    void explainsAPermitWithTheGrantThatAllowsIt() throws Exception {
        HttpResponse<String> r = post("/admin/policy/explain", admin(), """
                {"user": "alice", "groups": ["finance"], "agent": "agent-cli", "tool": "lookup_customer", "access": "read"}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("decision").asText())
                .isEqualTo("ALLOW (persona finance-analyst-agent, entitlement finance-team grant #0)");
        assertThat(body.path("persona").path("name").asText()).isEqualTo("finance-analyst-agent");
        assertThat(body.path("persona").path("source").asText()).isEqualTo("client-id");
        assertThat(body.path("grants").get(0).path("entitlement").asText()).isEqualTo("finance-team");
        assertThat(body.path("grants").get(0).path("via").asText()).isEqualTo("group finance");
        assertThat(body.path("policyVersion").asText()).startsWith("sha256:");
    }

    @Test
    void explainsADenialWithItsReason() throws Exception {
        JsonNode outside = JSON.readTree(post("/admin/policy/explain", admin(), """
                {"user": "alice", "groups": ["finance"], "agent": "agent-cli", "tool": "echo"}""").body());
        assertThat(outside.path("decision").asText()).isEqualTo("DENY outside-persona");
        JsonNode notEntitled = JSON.readTree(post("/admin/policy/explain", admin(), """
                {"user": "bob", "groups": ["support"], "agent": "agent-cli", "tool": "get_time"}""").body());
        assertThat(notEntitled.path("decision").asText()).isEqualTo("DENY not-entitled");
        assertThat(notEntitled.path("grants").size()).isZero();
    }

    @Test
    void rejectsAnExplainRequestWithoutUserAgentOrTarget() throws Exception {
        HttpResponse<String> r = post("/admin/policy/explain", admin(), "{\"user\": \"alice\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("invalid-request");
        assertThat(post("/admin/policy/explain", admin(), "{not json").statusCode()).isEqualTo(400);
    }
}
