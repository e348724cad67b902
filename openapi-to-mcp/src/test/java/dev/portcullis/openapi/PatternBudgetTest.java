package dev.portcullis.openapi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamConnection;
import dev.portcullis.mcp.UpstreamTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A document's {@code pattern} that backtracks without end on a client's value fails that argument instead of
 * holding the call; the same pattern still accepts the values it describes.
 */
class PatternBudgetTest {
    private static final String SPEC = """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /codes/{code}:
                get:
                  operationId: getCode
                  parameters:
                    - {name: code, in: path, required: true, schema: {type: string, pattern: '^(.*a){12}$'}}
                  responses:
                    "200": {description: ok}
            """;

    private static ObjectNode args(String code) {
        ObjectNode params = JsonRpc.mapper().createObjectNode().put("name", "getCode");
        params.putObject("arguments").put("code", code);
        return params;
    }

    @Test
    void aValueThatWouldBacktrackWithoutEndIsRefusedPromptly() throws Exception {
        UpstreamTarget.OpenApi target = new UpstreamTarget.OpenApi("codes", new UpstreamTarget.OpenApi.Spec.Inline(SPEC),
                Optional.of(URI.create("http://127.0.0.1:9/api")), UpstreamTarget.OpenApi.Selection.ALL, Map.of(),
                Map.of(), false, Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(5), 1024 * 1024);
        UpstreamConnection codes = OpenApiConnector.connect(target);
        String evil = "a".repeat(60) + "!";

        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> codes.request("tools/call", args(evil), InvocationTest.NO_EXCHANGE))
                        .isInstanceOfSatisfying(McpError.class, e -> {
                            assertThat(e.code()).isEqualTo(McpError.INVALID_PARAMS);
                            assertThat(e.data().path("pointer").asText()).isEqualTo("/code");
                        }), "a pattern check that never ends holds the call");
        // a matching value passes validation and goes on to the backend (refused here: loopback is not allowed)
        assertThat(codes.request("tools/call", args("a".repeat(12)), InvocationTest.NO_EXCHANGE).at("/content/0/text").asText())
                .startsWith("Refused");
    }
}
