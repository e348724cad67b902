package dev.portcullis.personas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** The published JSON Schema accepts every bundled example, and agrees with the loader on bad input. */
class SchemaTest {
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = PolicyBundle.class.getResourceAsStream("policy.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Stream<Path> examples() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/dev/portcullis/personas/examples"))) {
            s.filter(p -> p.toString().endsWith(".yaml")).forEach(out::add);
        }
        Path demo = Path.of("../server/src/main/resources/demo/portcullis-demo-policy.yaml");
        if (Files.exists(demo)) {
            out.add(demo);
        }
        return out.stream();
    }

    @Test
    void thereAreExamplesToCheck() throws IOException {
        assertThat(examples()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void bundledExamplesValidateAgainstTheSchemaAndLoad(Path example) throws Exception {
        String text = Files.readString(example);
        assertThat(schema.validate(tree(text))).isEmpty();
        assertThat(PolicyLoader.parse(example.toString(), text).warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "version: 2",
            "version: 1\npersonaz: []",
            "version: 1\npersonas: [{name: p, access: [delete]}]",
            "version: 1\npersonas: [{name: p, rate-limits: {per-tool: lots}}]",
            "version: 1\nentitlements: [{name: e, groups: [g]}]",
            "version: 1\nentitlements: [{name: e, grants: [{tools: echo}]}]",
            "version: 1\nbindings: {precedence: [header]}",
            "version: 1\npersonas: [{name: 'bad name'}]",
    })
    void schemaAndLoaderBothRejectInvalidBundles(String yaml) {
        assertThat(schema.validate(tree(yaml))).isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyLoader.parse("x.yaml", yaml))
                .isInstanceOf(PolicyException.class);
    }

    private static JsonNode tree(String yaml) {
        return new ObjectMapper().valueToTree(new Yaml().load(yaml));
    }
}
