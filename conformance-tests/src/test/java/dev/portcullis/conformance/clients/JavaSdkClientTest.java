package dev.portcullis.conformance.clients;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;

/** The official MCP Java SDK client (2.1.0, session era) against the fixture server. */
class JavaSdkClientTest {

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"BOTH", "LEGACY"})
    void javaSdkClientUsesEveryKindOfFixture(Eras eras) {
        try (FixtureServer server = FixtureServer.start(0, eras)) {
            long start = System.nanoTime();
            JavaSdkClient.Observations seen = JavaSdkClient.exercise(server.url());
            System.out.printf("Java SDK client (%s) in %d ms%n", eras, (System.nanoTime() - start) / 1_000_000);

            assertThat(seen.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(seen.serverName()).isEqualTo("portcullis-fixture");
            assertThat(seen.tools()).contains("test_simple_text", "test_tool_with_progress", "test_sampling",
                                              "test_elicitation", "json_schema_2020_12_tool");
            assertThat(seen.simpleText()).isEqualTo("This is a simple text response for testing.");
            assertThat(seen.progress()).containsExactly(0.0, 50.0, 100.0);
            assertThat(seen.samplingRequests()).isEqualTo(1);
            assertThat(seen.samplingResult()).isEqualTo("LLM response: Java SDK sampled this");
            assertThat(seen.elicitationRequests()).isEqualTo(1);
            assertThat(seen.elicitationResult())
                    .startsWith("User response: action=accept, content={")
                    .contains("\"username\":\"java-sdk\"", "\"email\":\"java@example.com\"");
            assertThat(seen.resourceText()).isEqualTo("This is the content of the static text resource.");
            assertThat(seen.promptText()).isEqualTo("Prompt with arguments: arg1='alpha', arg2='beta'");
        }
    }
}
