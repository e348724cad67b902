package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiCommandTest {
    private static final Path CORPUS = Path.of("../openapi-to-mcp/src/test/resources/corpus");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static String petstore() {
        return CORPUS.resolve("petstore-3.0.yaml").toString();
    }

    @Test
    void toolsPrintsNameMethodPathAndDescriptionPerOperation() {
        assertThat(run("openapi", "tools", petstore())).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).hasSize(20)
                .anyMatch(l -> l.matches("getPetById +GET +/pet/\\{petId} +Find pet by ID.*"))
                .anyMatch(l -> l.matches("deleteUser +DELETE +/user/\\{username} +.+"))
                .last().isEqualTo("19 tools, 0 errors, 0 warnings");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void toolsJsonPrintsTheMcpToolDefinitions() throws Exception {
        assertThat(run("openapi", "tools", "--json", CORPUS.resolve("petstore-2.0.yaml").toString())).isZero();
        JsonNode list = new ObjectMapper().readTree(out.toString());
        assertThat(list.path("tools").size()).isEqualTo(20);
        JsonNode first = list.path("tools").get(0);
        assertThat(first.path("name").asText()).isNotEmpty();
        assertThat(first.path("inputSchema").path("type").asText()).isEqualTo("object");
        assertThat(first.path("_meta").path("dev.portcullis/openapi").path("method").asText()).isNotEmpty();
    }

    @Test
    void checkListsProblemsWithJsonPointers(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("dangling.yaml");
        Files.writeString(spec, """
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
        assertThat(run("openapi", "check", spec.toString())).isZero();
        assertThat(out.toString()).contains("warning /paths/~1a/post").contains("nowhere")
                .contains(spec + ": valid, 1 tool, 0 errors, 2 warnings");
    }

    @Test
    void checkExits2WhenAnOperationCannotBeConverted(@TempDir Path dir) throws Exception {
        String deep = "{\"type\":\"array\",\"items\":".repeat(80) + "{}" + "}".repeat(80);
        Path spec = dir.resolve("deep.json");
        Files.writeString(spec, """
                {"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {
                  "/ok": {"get": {"operationId": "ok", "responses": {"204": {"description": "ok"}}}},
                  "/deep": {"post": {"operationId": "deep", "requestBody": {"content": {"application/json": {"schema": %s}}},
                    "responses": {"204": {"description": "ok"}}}}}}""".formatted(deep));
        assertThat(run("openapi", "check", spec.toString())).isEqualTo(2);
        assertThat(out.toString()).contains("error /paths/~1deep/post").contains("not every operation converts, 1 tool, 1 error");
    }

    @Test
    void checkPassesCorpusDocumentsOfEveryVersion() {
        // the whole corpus is converted by the module's CorpusTest; here one document per OpenAPI version
        for (String f : new String[] {"petstore-2.0.yaml", "petstore-3.0.yaml", "scalar-galaxy-3.1.yaml"}) {
            assertThat(run("openapi", "check", CORPUS.resolve(f).toString())).as(f + ": " + err).isZero();
            assertThat(out.toString()).contains(CORPUS.resolve(f) + ": valid, ");
        }
    }

    @Test
    void unreadableOrInvalidInputExits2WithOneLine(@TempDir Path dir) throws Exception {
        assertThat(run("openapi", "tools", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertOneLine();

        Path notOpenApi = dir.resolve("hello.yaml");
        Files.writeString(notOpenApi, "hello: world\n");
        assertThat(run("openapi", "check", notOpenApi.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no 'openapi' or 'swagger' field");
        assertOneLine();

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "openapi: 3.0.0\ninfo:\n  title: [x\n");
        assertThat(run("openapi", "tools", "--json", broken.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not well-formed YAML");
        assertOneLine();
        assertThat(out.toString()).isEmpty();
    }

    private void assertOneLine() {
        assertThat(err.toString().lines().toList()).hasSize(1).first().asString().startsWith("portcullis openapi: ")
                .doesNotContain("Exception", "\tat ");
        err.getBuffer().setLength(0);
    }
}
