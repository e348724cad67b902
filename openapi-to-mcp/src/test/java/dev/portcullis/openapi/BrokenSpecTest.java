package dev.portcullis.openapi;

import org.junit.jupiter.api.Test;

import dev.portcullis.mcp.UpstreamTarget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Broken documents give specific errors, never a crash. */
class BrokenSpecTest {

    private static OpenApiToolset inline(String text) {
        return OpenApiToolset.load(new UpstreamTarget.OpenApi.Spec.Inline(text));
    }

    @Test
    void truncatedYaml() {
        assertThatThrownBy(() -> inline("openapi: 3.0.0\ninfo:\n  title: [x\n")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("not well-formed YAML").hasMessageContaining("line");
    }

    @Test
    void wrongVersion() {
        assertThatThrownBy(() -> inline("openapi: 4.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n"))
                .isInstanceOf(OpenApiException.class).hasMessageContaining("unsupported OpenAPI version '4.0.0'");
        assertThatThrownBy(() -> inline("swagger: '1.2'\n")).hasMessageContaining("unsupported Swagger version");
        assertThatThrownBy(() -> inline("hello: world\n")).hasMessageContaining("no 'openapi' or 'swagger' field");
        assertThatThrownBy(() -> inline("[1, 2]")).hasMessageContaining("not an OpenAPI document");
    }

    @Test
    void refToNowhereIsAWarningWithLocation() {
        OpenApiToolset set = inline("""
                openapi: 3.0.3
                info: {title: x, version: '1'}
                paths:
                  /a:
                    post:
                      operationId: a
                      requestBody:
                        content:
                          application/json:
                            schema: {$ref: '#/components/schemas/Missing'}
                      responses: {'204': {description: ok}}
                """);
        assertThat(set.tools()).hasSize(1);
        assertThat(set.problems()).anyMatch(p -> p.location().startsWith("/paths/~1a/post") && p.message().contains("nowhere"));
    }

    @Test
    void circularSchemasBecomeDefs() {
        OpenApiToolset set = inline("""
                openapi: 3.0.3
                info: {title: x, version: '1'}
                paths:
                  /n:
                    post:
                      operationId: n
                      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}
                      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}}
                components:
                  schemas:
                    Node:
                      type: object
                      properties:
                        next: {$ref: '#/components/schemas/Node'}
                        nullable: {type: string, nullable: true}
                """);
        OpenApiTool t = set.tools().getFirst();
        assertThat(t.inputSchema().at("/$defs/Node/properties/next/$ref").asText()).isEqualTo("#/$defs/Node");
        assertThat(t.inputSchema().at("/$defs/Node/properties/nullable/type/1").asText()).isEqualTo("null");
        assertThat(t.outputSchema()).isPresent();
        CorpusTest.assertValidSchemaStatic(t.inputSchema());
    }

    @Test
    void deeplyNestedDocument() {
        String deep = "{\"openapi\":\"3.0.0\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> inline(deep)).isInstanceOf(OpenApiException.class).hasMessageContaining("nests deeper");
        String deepYaml = "openapi: 3.0.0\nx: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        assertThatThrownBy(() -> inline(deepYaml)).isInstanceOf(OpenApiException.class);
    }

    @Test
    void uploadedDocumentMayNotReferenceLocalFiles() {
        assertThatThrownBy(() -> inline("""
                openapi: 3.0.3
                info: {title: x, version: '1'}
                paths:
                  /a: {$ref: '../../etc/passwd'}
                """)).isInstanceOf(OpenApiException.class).hasMessageContaining("would read a local file");
    }

    @Test
    void billionLaughsIsRejected() {
        StringBuilder y = new StringBuilder("openapi: 3.0.0\na0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for (int i = 1; i < 30; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" [");
            y.append(("*a" + (i - 1) + ",").repeat(9)).append("*a").append(i - 1).append("]\n");
        }
        // either refused outright or read without expanding: never a hang or an OutOfMemoryError
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            try {
                assertThat(inline(y.toString()).tools()).isEmpty();
            } catch (OpenApiException expected) {
                assertThat(expected.getMessage()).startsWith("spec:");
            }
        });
    }
}
