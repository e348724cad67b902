package dev.portcullis.conformance.gateway;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two upstreams listing over a thousand tools each, some with names the aggregated view must rename: every tool
 * is listed once under a valid name, and a call by that name reaches the tool behind it.
 */
class LargeCatalogueTest {
    private static final int EXTRA = 1000;

    @Test
    void everyToolOfALargeCatalogueIsListedValidlyAndCallableByItsExposedName() throws Exception {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.BOTH, EXTRA);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(
                     Upstreams.http("a", fixture.url(), "a__"), Upstreams.http("b", fixture.url(), "b__")))) {
            McpHttp client = McpHttp.session(gateway.mcp());
            List<String> names = client.toolNames();

            assertThat(names).doesNotHaveDuplicates().allMatch(n -> n.matches("[A-Za-z0-9_.-]{1,128}"));
            assertThat(names.stream().filter(n -> n.startsWith("a__bulk")).count()).isEqualTo(EXTRA);
            assertThat(names.stream().filter(n -> n.startsWith("b__bulk")).count()).isEqualTo(EXTRA);
            List<String> renamed = names.stream().filter(n -> n.startsWith("b__bulk_0999_")).toList();
            assertThat(renamed).hasSize(1); // "bulk/0999", sanitised and suffixed with a hash of the original

            assertThat(client.callText(renamed.getFirst())).isEqualTo("bulk/0999");
            assertThat(client.callText("a__bulk_0998")).isEqualTo("bulk_0998");
            assertThat(client.callText("a__bulk_0000")).isEqualTo("bulk_0000");
            assertThat(client.callText("b__test_simple_text")).isEqualTo("This is a simple text response for testing.");
            assertThat(client.callError("b__bulk/0999")).as("only the exposed name is callable").contains("Unknown tool");

            McpHttp single = McpHttp.session(gateway.mcp() + "/b");
            assertThat(single.callText("bulk/0999")).isEqualTo("bulk/0999");
            assertThat(single.callText("bulk_0500")).isEqualTo("bulk_0500");
            assertThat(single.callError(renamed.getFirst())).contains("Unknown tool");
        }
    }

    @Test
    void aListOverTheBoundIsRefusedWholeNeverOfferedInPart() throws Exception {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.BOTH, 10_000); // plus the fixture's own tools
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("a", fixture.url(), "a__")))) {
            JsonNode refused = McpHttp.session(gateway.mcp() + "/a").call("tools/list", McpHttp.JSON.createObjectNode());
            assertThat(refused.path("error").path("data").path("reason").asText()).as("tools/list on /mcp/a")
                    .isEqualTo("upstream-list-too-large");
            assertThat(refused.path("error").path("message").asText()).contains("'a'").contains("10000");

            McpHttp aggregated = McpHttp.session(gateway.mcp());
            assertThat(aggregated.toolNames()).isEmpty();
            assertThat(aggregated.callError("a__bulk_0000")).contains("Unknown tool");
        }
    }
}
