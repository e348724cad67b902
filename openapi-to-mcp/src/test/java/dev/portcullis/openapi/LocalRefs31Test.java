package dev.portcullis.openapi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.portcullis.mcp.UpstreamTarget;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAPI 3.1 documents with only local references are converted without swagger-parser's 3.1 dereferencer:
 * component schemas stay references ({@code $defs} + {@code $ref}), cycles included, and validate as the
 * document says.
 */
class LocalRefs31Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private static final String SPEC = """
            openapi: 3.1.0
            info: {title: t, version: "1"}
            paths:
              /trees/{id}:
                parameters:
                  - $ref: '#/components/parameters/Id'
                put:
                  operationId: putTree
                  requestBody:
                    $ref: '#/components/requestBodies/Tree'
                  responses:
                    "200":
                      $ref: '#/components/responses/Order'
            components:
              parameters:
                Id: {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
              requestBodies:
                Tree:
                  required: true
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Node'}
              responses:
                Order:
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Order'}
              schemas:
                Node:
                  type: object
                  required: [value]
                  properties:
                    value: {type: integer}
                    label: {type: [string, "null"]}
                    children:
                      type: array
                      items: {$ref: '#/components/schemas/Node'}
                    order: {$ref: '#/components/schemas/Order'}
                  additionalProperties: false
                Order:
                  type: object
                  required: [customer]
                  properties:
                    customer: {$ref: '#/components/schemas/Customer'}
                    parent: {$ref: '#/components/schemas/Order'}
                Customer:
                  type: object
                  required: [address]
                  properties:
                    address: {$ref: '#/components/schemas/Address'}
                Address:
                  type: object
                  required: [zip]
                  properties:
                    zip: {type: string, pattern: '^[0-9]{5}$'}
            """;

    private static List<Error> validate(JsonNode schema, String instance) throws Exception {
        Schema s = REGISTRY.getSchema(schema);
        return s.validate(JSON.readTree(instance));
    }

    @Test
    void cyclicAndNestedComponentReferencesBecomeDefs() throws Exception {
        OpenApiToolset set = OpenApiToolset.load(new UpstreamTarget.OpenApi.Spec.Inline(SPEC));
        assertThat(set.problems()).noneMatch(p -> p.severity() == SpecProblem.Severity.ERROR);
        assertThat(set.tools()).hasSize(1);
        OpenApiTool tool = set.tools().getFirst();
        JsonNode in = tool.inputSchema();
        CorpusTest.assertValidSchemaStatic(in);
        assertThat(in.path("$defs").has("Node")).as("Node kept as a definition: %s", in).isTrue();
        assertThat(in.path("$defs").has("Address")).as("nested references reach $defs: %s", in).isTrue();
        assertThat(in.toString()).contains("\"$ref\":\"#/$defs/Node\"");

        String good = """
                {"id": 3, "body": {"value": 1, "label": null, "children": [
                  {"value": 2, "children": [{"value": 3, "label": "leaf"}]},
                  {"value": 4, "order": {"customer": {"address": {"zip": "12345"}},
                                         "parent": {"customer": {"address": {"zip": "54321"}}}}}]}}
                """;
        assertThat(validate(in, good)).isEmpty();
        // a violation deep in the cycle
        assertThat(validate(in, """
                {"id": 3, "body": {"value": 1, "children": [{"value": 2, "children": [{"value": "x"}]}]}}
                """)).isNotEmpty();
        // a violation through nested component references
        assertThat(validate(in, """
                {"id": 3, "body": {"value": 1, "order": {"customer": {"address": {"zip": "12"}}}}}
                """)).isNotEmpty();
        assertThat(validate(in, """
                {"id": 3, "body": {"value": 1, "order": {"customer": {}}}}
                """)).isNotEmpty();
        // closed object in the cycle, the path parameter from a component
        assertThat(validate(in, """
                {"id": 3, "body": {"value": 1, "children": [{"value": 2, "extra": true}]}}
                """)).isNotEmpty();
        assertThat(validate(in, """
                {"id": 0, "body": {"value": 1}}
                """)).isNotEmpty();
        assertThat(validate(in, """
                {"id": 3}
                """)).isNotEmpty();

        JsonNode out = tool.outputSchema().orElseThrow();
        CorpusTest.assertValidSchemaStatic(out);
        assertThat(out.toString()).contains("#/$defs/Order");
    }

    @Test
    void documentsWithExternalReferencesAreStillResolved(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("common.yaml"), """
                Address:
                  type: object
                  required: [zip]
                  properties:
                    zip: {type: string, pattern: '^[0-9]{5}$'}
                """);
        Files.writeString(dir.resolve("api.yaml"), """
                openapi: 3.1.0
                info: {title: t, version: "1"}
                paths:
                  /addresses:
                    post:
                      operationId: addAddress
                      requestBody:
                        required: true
                        content:
                          application/json:
                            schema: {$ref: 'common.yaml#/Address'}
                      responses:
                        "204": {description: ok}
                """);
        OpenApiToolset set = OpenApiToolset.load(
                new UpstreamTarget.OpenApi.Spec.Location(dir.resolve("api.yaml").toString()));
        assertThat(set.problems()).noneMatch(p -> p.severity() == SpecProblem.Severity.ERROR);
        JsonNode in = set.tools().getFirst().inputSchema();
        CorpusTest.assertValidSchemaStatic(in);
        assertThat(validate(in, "{\"body\": {\"zip\": \"12345\"}}")).isEmpty();
        assertThat(validate(in, "{\"body\": {\"zip\": \"1\"}}")).isNotEmpty();
    }
}
