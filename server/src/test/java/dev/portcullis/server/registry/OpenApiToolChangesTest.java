package dev.portcullis.server.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Registering and re-registering OpenAPI upstreams answers with the tools that were added, removed or changed. */
class OpenApiToolChangesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path dir;
    private GatewayApp app;

    @BeforeEach
    void start() {
        app = GatewayApp.start(GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", """
                mode: dev
                auth: {disabled: true}
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: error, format: text}
                registry: {state-file: %s, health-interval: 1h}
                """.formatted(dir.resolve("registry.json")), Map.of())), OpenTelemetry.noop(), "test");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private JsonNode send(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(app.gateway().baseUri().resolve(path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    /** A document with one GET operation per entry: operationId → summary. */
    private static String document(Map<String, String> operations) {
        StringBuilder y = new StringBuilder("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
                + "servers: [{url: 'https://api.example.com'}]\npaths:\n");
        operations.keySet().stream().sorted().forEach(id -> y.append("  /").append(id).append(":\n    get:\n")
                .append("      operationId: ").append(id).append("\n      summary: ").append(operations.get(id))
                .append("\n      responses: {'204': {description: ok}}\n"));
        return y.toString();
    }

    private static String inline(String version, String document) {
        ObjectNode body = JSON.createObjectNode().put("name", "api").put("version", version);
        body.putObject("transport").put("type", "openapi").put("specContent", document);
        return body.toString();
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void putAnswersWithAddedRemovedAndChangedTools() throws Exception {
        JsonNode created = send("POST", "/admin/upstreams",
                inline("1.0.0", document(Map.of("a", "A", "b", "B", "c", "C"))), 201);
        assertThat(names(created.at("/toolChanges/added"))).containsExactly("a", "b", "c");
        assertThat(created.at("/toolChanges/removed").size()).isZero();
        assertThat(created.at("/toolChanges/total").asInt()).isEqualTo(3);

        JsonNode replaced = send("PUT", "/admin/upstreams/api",
                inline("2.0.0", document(Map.of("a", "A", "b", "B changed", "d", "D"))), 200);
        JsonNode changes = replaced.path("toolChanges");
        assertThat(names(changes.path("added"))).containsExactly("d");
        assertThat(names(changes.path("removed"))).containsExactly("c");
        assertThat(names(changes.path("changed"))).containsExactly("b");
        assertThat(changes.path("unchanged").asInt()).isEqualTo(1);
        assertThat(changes.path("total").asInt()).isEqualTo(3);
        assertThat(replaced.path("version").asText()).isEqualTo("2.0.0");
    }

    @Test
    void aDocumentChangedBehindTheSamePathIsComparedWithWhatWasRegistered() throws Exception {
        Path spec = dir.resolve("api.yaml");
        Files.writeString(spec, document(Map.of("a", "A", "b", "B")));
        String body = "{\"name\": \"api\", \"version\": \"%s\", \"transport\": {\"type\": \"openapi\", \"spec\": "
                + JSON.writeValueAsString(spec.toString()) + "}}";
        send("POST", "/admin/upstreams", body.formatted("1"), 201);
        Files.writeString(spec, document(Map.of("a", "A changed", "e", "E")));

        JsonNode changes = send("PUT", "/admin/upstreams/api", body.formatted("2"), 200).path("toolChanges");
        assertThat(names(changes.path("added"))).containsExactly("e");
        assertThat(names(changes.path("removed"))).containsExactly("b");
        assertThat(names(changes.path("changed"))).containsExactly("a");
    }

    @Test
    void aDocumentThatDoesNotConvertIsReportedNotHidden() throws Exception {
        send("POST", "/admin/upstreams", inline("1.0.0", document(Map.of("a", "A"))), 201);
        JsonNode replaced = send("PUT", "/admin/upstreams/api", inline("2.0.0", "hello: world\n"), 200);
        assertThat(replaced.at("/toolChanges/error").asText()).contains("no 'openapi' or 'swagger' field");
    }

    @Test
    void otherTransportsHaveNoToolChanges() throws Exception {
        JsonNode created = send("POST", "/admin/upstreams", """
                {"name": "mcp", "transport": {"type": "streamable-http", "url": "http://127.0.0.1:9/mcp"}}""", 201);
        assertThat(created.has("toolChanges")).isFalse();
    }
}
