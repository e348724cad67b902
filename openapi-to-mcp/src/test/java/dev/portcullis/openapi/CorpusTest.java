package dev.portcullis.openapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.portcullis.mcp.UpstreamTarget;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every document of the test corpus converts: one tool per operation, valid unique names, input and output
 * schemas that are valid JSON Schema 2020-12 and compile.
 */
class CorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus");
    private static final Map<String, Integer> OPS = new HashMap<>();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static Schema metaSchema;

    @BeforeAll
    static void manifest() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\| [^|]+\\| [^|]+\\| [^|]+\\| +(\\d+) \\|")
                .matcher(Files.readString(CORPUS.resolve("MANIFEST.md")));
        while (m.find()) {
            OPS.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        metaSchema = REGISTRY.getSchema(SchemaLocation.of(SchemaConverter.SCHEMA_DIALECT));
    }

    static Stream<String> documents() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".md")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("documents")
    void convertsEveryOperationIntoAValidTool(String file) {
        assertThat(OPS).containsKey(file);
        OpenApiToolset set = OpenApiToolset.load(
                new UpstreamTarget.OpenApi.Spec.Location(CORPUS.resolve(file).toString()));

        assertThat(set.problems()).noneMatch(p -> p.severity() == SpecProblem.Severity.ERROR);
        assertThat(set.tools()).hasSize(OPS.get(file));
        Set<String> names = new HashSet<>();
        for (OpenApiTool tool : set.tools()) {
            assertThat(tool.name()).matches(OpenApiToolset.TOOL_NAME);
            assertThat(names.add(tool.name())).as("unique name %s", tool.name()).isTrue();
            assertValidSchema(tool.name() + " input", tool.inputSchema());
            assertThat(tool.inputSchema().path("type").asText()).isEqualTo("object");
            tool.outputSchema().ifPresent(s -> {
                assertValidSchema(tool.name() + " output", s);
                assertThat(s.path("type").asText()).isEqualTo("object");
            });
            assertThat(tool.description()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
        }
    }

    static void assertValidSchemaStatic(com.fasterxml.jackson.databind.JsonNode schema) {
        if (metaSchema == null) {
            metaSchema = REGISTRY.getSchema(SchemaLocation.of(SchemaConverter.SCHEMA_DIALECT));
        }
        assertValidSchema("schema", schema);
    }

    static void assertValidSchema(String what, com.fasterxml.jackson.databind.JsonNode schema) {
        List<Error> errors = metaSchema.validate(schema);
        assertThat(errors).as("%s against the 2020-12 meta-schema", what).isEmpty();
        // and it compiles: every $ref resolves
        Schema compiled = REGISTRY.getSchema(schema);
        compiled.initializeValidators();
    }
}
