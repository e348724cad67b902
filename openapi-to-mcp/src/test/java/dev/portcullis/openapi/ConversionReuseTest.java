package dev.portcullis.openapi;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.mcp.UpstreamTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A document is converted once per registration, not once per session, and a changed file is converted again. */
class ConversionReuseTest {
    private static final String SPEC = """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /a:
                get: {operationId: first, responses: {"200": {description: ok}}}
            """;

    private static UpstreamTarget.OpenApi target(UpstreamTarget.OpenApi.Spec spec) {
        return new UpstreamTarget.OpenApi("t", spec, Optional.of(URI.create("http://127.0.0.1:9/")),
                UpstreamTarget.OpenApi.Selection.ALL, Map.of(), Map.of(), true, Optional.empty(),
                Duration.ofSeconds(1), Duration.ofSeconds(2), 1024);
    }

    private static OpenApiConnector connector() {
        return OpenApiConnector.decorate(new UpstreamConnector() {
            @Override
            public dev.portcullis.mcp.UpstreamConnection connect(UpstreamTarget t, com.fasterxml.jackson.databind.node.ObjectNode i,
                                                                  com.fasterxml.jackson.databind.node.ObjectNode c,
                                                                  dev.portcullis.mcp.UpstreamListener l) {
                throw new AssertionError("not an MCP upstream");
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void anInlineDocumentIsConvertedOnceForAllSessions() {
        OpenApiConnector connector = connector();
        UpstreamTarget.OpenApi api = target(new UpstreamTarget.OpenApi.Spec.Inline(SPEC));

        assertThat(connector.converted(api)).isSameAs(connector.converted(api));
    }

    @Test
    void aChangedFileIsConvertedAgain(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), SPEC);
        OpenApiConnector connector = connector();
        UpstreamTarget.OpenApi api = target(new UpstreamTarget.OpenApi.Spec.Location(file.toString()));
        OpenApiToolset first = connector.converted(api);
        assertThat(connector.converted(api)).isSameAs(first);

        Files.writeString(file, SPEC.replace("operationId: first", "operationId: second"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        OpenApiToolset second = connector.converted(api);

        assertThat(second).isNotSameAs(first);
        assertThat(second.tools()).extracting(t -> t.toJson().path("name").asText()).containsExactly("second");
    }
}
