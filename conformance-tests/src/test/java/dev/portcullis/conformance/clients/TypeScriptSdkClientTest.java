package dev.portcullis.conformance.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;

/** The official MCP TypeScript SDK client (1.32.2, session era) against the fixture server. */
class TypeScriptSdkClientTest {

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"BOTH", "LEGACY"})
    void typeScriptSdkClientUsesEveryKindOfFixture(Eras eras) {
        try (FixtureServer server = FixtureServer.start(0, eras)) {
            long start = System.nanoTime();
            JsonNode seen = TypeScriptSdkClient.run("ts-sdk-client.mjs", server.url(), Duration.ofMinutes(5));
            System.out.printf("TypeScript SDK client (%s) in %d ms%n", eras, (System.nanoTime() - start) / 1_000_000);

            assertThat(seen.path("protocolVersion").asText()).isEqualTo("2025-11-25");
            assertThat(seen.path("sessionId").asText()).isNotBlank();
            assertThat(seen.path("serverName").asText()).isEqualTo("portcullis-fixture");
            assertThat(seen.path("tools").toString()).contains("\"test_simple_text\"", "\"test_sampling\"",
                                                               "\"test_elicitation\"", "\"test_tool_with_progress\"");
            assertThat(seen.path("simpleText").asText()).isEqualTo("This is a simple text response for testing.");
            assertThat(seen.path("progress").toString()).isEqualTo("[0,50,100]");
            assertThat(seen.path("samplingRequests").asInt()).isEqualTo(1);
            assertThat(seen.path("samplingResult").asText()).isEqualTo("LLM response: TS SDK sampled this");
            assertThat(seen.path("elicitationRequests").asInt()).isEqualTo(1);
            assertThat(seen.path("elicitationResult").asText())
                    .startsWith("User response: action=accept, content={")
                    .contains("\"username\":\"ts-sdk\"", "\"email\":\"ts@example.com\"");
            assertThat(seen.path("resourceText").asText()).isEqualTo("This is the content of the static text resource.");
            assertThat(seen.path("promptText").asText()).isEqualTo("Prompt with arguments: arg1='alpha', arg2='beta'");
        }
    }
}
