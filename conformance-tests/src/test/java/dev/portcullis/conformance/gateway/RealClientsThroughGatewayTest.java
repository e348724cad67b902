package dev.portcullis.conformance.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.conformance.clients.JavaSdkClient;
import dev.portcullis.conformance.clients.TypeScriptSdkClient;
import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official MCP clients (Java SDK 2.1.0 and TypeScript SDK) through the gateway: they list and call
 * tools, receive progress, and answer sampling and elicitation requests that the upstream sends, relayed
 * by the gateway, whatever era the upstream speaks.
 */
class RealClientsThroughGatewayTest {

    private static void assertJavaClientSawEverything(JavaSdkClient.Observations seen) {
        assertThat(seen.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(seen.serverName()).isEqualTo("portcullis");
        assertThat(seen.tools()).contains("test_simple_text", "test_tool_with_progress", "test_sampling",
                "test_elicitation", "json_schema_2020_12_tool");
        assertThat(seen.simpleText()).isEqualTo("This is a simple text response for testing.");
        // the SDK hands notifications to its consumer asynchronously, so it may see them out of order;
        // RelayTest checks the order on the wire
        assertThat(seen.progress()).containsExactlyInAnyOrder(0.0, 50.0, 100.0);
        assertThat(seen.samplingRequests()).isEqualTo(1);
        assertThat(seen.samplingResult()).isEqualTo("LLM response: Java SDK sampled this");
        assertThat(seen.elicitationRequests()).isEqualTo(1);
        assertThat(seen.elicitationResult()).startsWith("User response: action=accept, content={")
                .contains("\"username\":\"java-sdk\"");
        assertThat(seen.resourceText()).isEqualTo("This is the content of the static text resource.");
        assertThat(seen.promptText()).isEqualTo("Prompt with arguments: arg1='alpha', arg2='beta'");
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void javaSdkClientUsesAnUpstreamOfEitherEra(Eras upstreamEra) {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            assertJavaClientSawEverything(JavaSdkClient.exercise(gateway.mcp()));
            assertJavaClientSawEverything(JavaSdkClient.exercise(gateway.mcp("fixture")));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void typeScriptSdkClientUsesAnUpstreamOfEitherEra(Eras upstreamEra) {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            JsonNode seen = TypeScriptSdkClient.run("ts-sdk-client.mjs", gateway.mcp("fixture"), Duration.ofMinutes(5));

            assertThat(seen.path("serverName").asText()).isEqualTo("portcullis");
            assertThat(seen.path("sessionId").asText()).isNotBlank();
            assertThat(seen.path("simpleText").asText()).isEqualTo("This is a simple text response for testing.");
            assertThat(seen.path("progress").toString()).isEqualTo("[0,50,100]");
            assertThat(seen.path("samplingRequests").asInt()).isEqualTo(1);
            assertThat(seen.path("samplingResult").asText()).isEqualTo("LLM response: TS SDK sampled this");
            assertThat(seen.path("elicitationRequests").asInt()).isEqualTo(1);
            assertThat(seen.path("elicitationResult").asText()).contains("\"username\":\"ts-sdk\"");
            assertThat(seen.path("resourceText").asText()).isEqualTo("This is the content of the static text resource.");
            assertThat(seen.path("promptText").asText()).isEqualTo("Prompt with arguments: arg1='alpha', arg2='beta'");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void statelessV2SdkClientUsesAnUpstreamOfEitherEra(Eras upstreamEra) {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            JsonNode seen = TypeScriptSdkClient.run("v2-sdk-client.mjs", gateway.mcp(), Duration.ofMinutes(5));

            assertThat(seen.path("protocolVersion").asText()).isEqualTo("2026-07-28");
            assertThat(seen.path("serverName").asText()).isEqualTo("portcullis");
            assertThat(seen.path("tools").toString()).contains("\"test_simple_text\"", "\"test_input_required_result_elicitation\"");
            assertThat(seen.path("simpleText").asText()).isEqualTo("This is a simple text response for testing.");
            assertThat(seen.path("progress").size()).isEqualTo(3);
            assertThat(seen.path("elicitationRequests").asInt()).isEqualTo(1);
            assertThat(seen.path("elicitationResult").asText()).isEqualTo("Hello, v2-sdk!");
            assertThat(seen.path("samplingRequests").asInt()).isEqualTo(1);
            assertThat(seen.path("samplingResult").asText()).isEqualTo("LLM said: v2 SDK sampled this");
            assertThat(seen.path("resourceText").asText()).isEqualTo("This is the content of the static text resource.");
        }
    }

    @Test
    void clientsCarryTheirOAuthTokenAndAreRefusedWithoutIt() {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.BOTH);
             GatewayUnderTest gateway = GatewayUnderTest.fromYaml("""
                     mode: dev
                     server: {port: 0}
                     logging: {level: warning, format: text}
                     auth:
                       required-scopes: [mcp:tools]
                       scopes-supported: [mcp:tools]
                       dev-issuer: {enabled: true}
                     upstreams:
                       - name: fixture
                         url: %s
                         tool-prefix: ""
                     """.formatted(fixture.url()))) {
            String token = gateway.devToken("alice");

            assertJavaClientSawEverything(JavaSdkClient.exercise(gateway.mcp(), Map.of("Authorization", "Bearer " + token)));
            JsonNode ts = TypeScriptSdkClient.run("ts-sdk-client.mjs", gateway.mcp(), Duration.ofMinutes(5),
                    Map.of("MCP_BEARER_TOKEN", token));
            assertThat(ts.path("simpleText").asText()).isEqualTo("This is a simple text response for testing.");
            assertThatThrownBy(() -> JavaSdkClient.exercise(gateway.mcp())).isInstanceOf(Exception.class);
        }
    }

    @Test
    void aSessionCannotBeUsedByAnotherPerson() {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.BOTH);
             GatewayUnderTest gateway = GatewayUnderTest.fromYaml("""
                     mode: dev
                     server: {port: 0}
                     logging: {level: warning, format: text}
                     auth:
                       dev-issuer: {enabled: true}
                     upstreams:
                       - name: fixture
                         url: %s
                     """.formatted(fixture.url()))) {
            String alice = gateway.devToken("alice");
            String bob = gateway.devToken("bob");
            var init = McpHttp.post(gateway.mcp(), null, McpHttp.request(1, "initialize", initializeParams()),
                    "Authorization", "Bearer " + alice);
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

            var asBob = McpHttp.post(gateway.mcp(), session, McpHttp.request(2, "tools/list", McpHttp.JSON.createObjectNode()),
                    "Authorization", "Bearer " + bob);
            var asAlice = McpHttp.post(gateway.mcp(), session, McpHttp.request(3, "tools/list", McpHttp.JSON.createObjectNode()),
                    "Authorization", "Bearer " + alice);

            assertThat(asBob.statusCode()).isEqualTo(404);
            assertThat(asAlice.statusCode()).isEqualTo(200);
            assertThat(McpHttp.lastMessage(asAlice).path("result").path("tools").size()).isGreaterThan(10);
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode initializeParams() {
        var params = McpHttp.JSON.createObjectNode().put("protocolVersion", "2025-11-25");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "test").put("version", "1");
        return params;
    }
}
