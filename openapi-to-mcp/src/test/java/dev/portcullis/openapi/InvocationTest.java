package dev.portcullis.openapi;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamConnection;
import dev.portcullis.mcp.UpstreamTarget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tool calls against a real petstore backend on loopback. */
class InvocationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
    private static final AtomicReference<String> LAST = new AtomicReference<>();
    private static final AtomicReference<String> TRACE = new AtomicReference<>();
    private static WebServer backend;
    private static UpstreamConnection petstore;

    @BeforeAll
    static void start() {
        backend = WebServer.builder().port(0).host("127.0.0.1").routing(r -> r
                .get("/api/v3/pet/findByStatus", (req, res) -> {
                    LAST.set(req.prologue().query().rawValue());
                    res.header(HeaderNames.CONTENT_TYPE, "application/json")
                            .send("[{\"id\":1,\"name\":\"rex\",\"photoUrls\":[],\"status\":\"available\"}]");
                })
                .get("/api/v3/pet/{petId}", (req, res) -> {
                    TRACE.set(req.headers().first(HeaderNames.create("traceparent")).orElse("-") + " "
                            + req.headers().first(HeaderNames.create("tracestate")).orElse("-"));
                    String id = req.path().pathParameters().get("petId");
                    if (id.equals("404")) {
                        res.status(Status.NOT_FOUND_404).header(HeaderNames.CONTENT_TYPE, "application/json")
                                .send("{\"message\":\"Pet not found\"}");
                        return;
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "application/json")
                            .send("{\"id\":" + id + ",\"name\":\"rex\",\"photoUrls\":[]}");
                })
                .post("/api/v3/pet", (req, res) -> {
                    String body = req.content().as(String.class);
                    LAST.set(req.headers().contentType().map(Object::toString).orElse("") + " " + body);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
                })
                .delete("/api/v3/pet/{petId}", (req, res) -> {
                    LAST.set(req.headers().first(HeaderNames.create("api_key")).orElse("-"));
                    res.status(Status.OK_200).send();
                })
                .get("/api/v3/redirect", (req, res) -> res.status(Status.FOUND_302)
                        .header(HeaderNames.LOCATION, "http://169.254.169.254/latest/meta-data").send())
                .get("/api/v3/qr/{id}", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "image/png").send(PNG))
                .get("/api/v3/big", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/plain")
                        .send("x".repeat(10_000))))
                .build().start();
        petstore = OpenApiConnector.connect(target("petstore", spec(CorpusTest.CORPUS.resolve("petstore-3.0.yaml").toString()),
                true, 1024 * 1024));
    }

    @AfterAll
    static void stop() {
        petstore.close();
        backend.stop();
    }

    static UpstreamTarget.OpenApi target(String name, UpstreamTarget.OpenApi.Spec spec, boolean allowPrivate, long max) {
        return new UpstreamTarget.OpenApi(name, spec, Optional.of(URI.create("http://127.0.0.1:" + backend.port() + "/api/v3")),
                UpstreamTarget.OpenApi.Selection.ALL, Map.of(), Map.of(), allowPrivate, Optional.empty(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), max);
    }

    static UpstreamTarget.OpenApi.Spec spec(String location) {
        return new UpstreamTarget.OpenApi.Spec.Location(location);
    }

    static JsonNode call(UpstreamConnection c, String tool, String args) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("name", tool);
        params.set("arguments", JSON.readTree(args));
        return c.request("tools/call", params, NO_EXCHANGE);
    }

    @Test
    void listsOneToolPerOperation() throws Exception {
        JsonNode list = petstore.request("tools/list", JSON.createObjectNode(), NO_EXCHANGE);
        assertThat(list.get("tools")).hasSize(19);
        JsonNode getPet = null;
        for (JsonNode t : list.get("tools")) {
            if (t.get("name").asText().equals("getPetById")) {
                getPet = t;
            }
        }
        assertThat(getPet).isNotNull();
        assertThat(getPet.at("/inputSchema/required/0").asText()).isEqualTo("petId");
        assertThat(getPet.at("/annotations/readOnlyHint").asBoolean()).isTrue();
        assertThat(getPet.at("/_meta/dev.portcullis~1openapi/tags/0").asText()).isEqualTo("pet");
    }

    @Test
    void callsWithPathParameterAndReturnsStructuredContent() throws Exception {
        JsonNode r = call(petstore, "getPetById", "{\"petId\": 7}");
        assertThat(r.get("isError").asBoolean()).isFalse();
        assertThat(r.at("/structuredContent/id").asInt()).isEqualTo(7);
        assertThat(r.at("/content/0/type").asText()).isEqualTo("text");
    }

    @Test
    void serialisesQueryParameterAndWrapsArrayResult() throws Exception {
        JsonNode r = call(petstore, "findPetsByStatus", "{\"status\": \"available\"}");
        assertThat(LAST.get()).isEqualTo("status=available");
        assertThat(r.at("/structuredContent/result/0/name").asText()).isEqualTo("rex");
    }

    @Test
    void sendsJsonBody() throws Exception {
        JsonNode r = call(petstore, "addPet", "{\"body\": {\"name\": \"doggie\", \"photoUrls\": [\"a b\"]}}");
        assertThat(r.get("isError").asBoolean()).isFalse();
        assertThat(LAST.get()).startsWith("application/json").contains("\"doggie\"");
    }

    @Test
    void sendsHeaderParameter() throws Exception {
        call(petstore, "deletePet", "{\"petId\": 3, \"api_key\": \"k1\"}");
        assertThat(LAST.get()).isEqualTo("k1");
    }

    @Test
    void mapsErrorStatusToIsErrorWithExcerpt() throws Exception {
        JsonNode r = call(petstore, "getPetById", "{\"petId\": 404}");
        assertThat(r.get("isError").asBoolean()).isTrue();
        assertThat(r.at("/content/0/text").asText()).startsWith("HTTP 404").contains("Pet not found");
    }

    @Test
    void rejectsArgumentsThatDoNotMatchTheSchemaWithAPointer() {
        assertThatThrownBy(() -> call(petstore, "getPetById", "{\"petId\": \"seven\"}"))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.code()).isEqualTo(McpError.INVALID_PARAMS);
                    assertThat(e.data().get("pointer").asText()).isEqualTo("/petId");
                });
        assertThatThrownBy(() -> call(petstore, "getPetById", "{}"))
                .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.data().get("pointer").asText()).isEqualTo("/petId"));
        assertThatThrownBy(() -> call(petstore, "getPetById", "{\"petId\": 1, \"extra\": true}"))
                .isInstanceOf(McpError.class);
    }

    @Test
    void rejectsUnknownTool() {
        assertThatThrownBy(() -> call(petstore, "nope", "{}")).isInstanceOfSatisfying(McpError.class,
                e -> assertThat(e.code()).isEqualTo(McpError.INVALID_PARAMS));
    }

    private static final String EXTRA = """
            openapi: 3.1.0
            info: {title: extra, version: "1"}
            paths:
              /qr/{id}:
                get:
                  operationId: qr
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string}}
                  responses:
                    "200": {description: png, content: {image/png: {schema: {type: string, contentMediaType: image/png}}}}
              /redirect:
                get:
                  operationId: redirect
                  responses: {"302": {description: moved}}
              /big:
                get:
                  operationId: big
                  responses: {"200": {description: text, content: {text/plain: {schema: {type: string}}}}}
            """;

    @Test
    void returnsBinaryAsEmbeddedResource() throws Exception {
        try (UpstreamConnection c = OpenApiConnector.connect(target("extra", new UpstreamTarget.OpenApi.Spec.Inline(EXTRA), true, 4096))) {
            JsonNode r = call(c, "qr", "{\"id\": \"ticket 1\"}");
            assertThat(r.at("/content/0/type").asText()).as(r.toString()).isEqualTo("resource");
            assertThat(r.at("/content/0/resource/mimeType").asText()).isEqualTo("image/png");
            assertThat(Base64.getDecoder().decode(r.at("/content/0/resource/blob").asText())).isEqualTo(PNG);
        }
    }

    @Test
    void doesNotFollowRedirects() throws Exception {
        try (UpstreamConnection c = OpenApiConnector.connect(target("extra", new UpstreamTarget.OpenApi.Spec.Inline(EXTRA), true, 4096))) {
            JsonNode r = call(c, "redirect", "{}");
            assertThat(r.get("isError").asBoolean()).isTrue();
            assertThat(r.at("/content/0/text").asText()).contains("redirect");
        }
    }

    @Test
    void enforcesResponseSizeLimit() throws Exception {
        try (UpstreamConnection c = OpenApiConnector.connect(target("extra", new UpstreamTarget.OpenApi.Spec.Inline(EXTRA), true, 4096))) {
            JsonNode r = call(c, "big", "{}");
            assertThat(r.get("isError").asBoolean()).isTrue();
            assertThat(r.at("/content/0/text").asText()).contains("more than 4096 bytes");
        }
    }

    @Test
    void refusesLoopbackBackendUnlessAllowed() throws Exception {
        try (UpstreamConnection c = OpenApiConnector.connect(target("extra", new UpstreamTarget.OpenApi.Spec.Inline(EXTRA), false, 4096))) {
            JsonNode r = call(c, "big", "{}");
            assertThat(r.get("isError").asBoolean()).isTrue();
            assertThat(r.at("/content/0/text").asText()).startsWith("Refused").contains("loopback");
        }
    }

    @Test
    void refusesLocalhostNameUnlessAllowed() throws Exception {
        UpstreamTarget.OpenApi t = target("extra", new UpstreamTarget.OpenApi.Spec.Inline(EXTRA), false, 4096);
        t = new UpstreamTarget.OpenApi(t.name(), t.spec(), Optional.of(URI.create("http://localhost:" + backend.port())),
                t.selection(), Map.of(), Map.of(), false, Optional.empty(), t.connectTimeout(), t.requestTimeout(), 4096);
        try (UpstreamConnection c = OpenApiConnector.connect(t)) {
            JsonNode r = call(c, "big", "{}");
            assertThat(r.get("isError").asBoolean()).isTrue();
            assertThat(r.at("/content/0/text").asText()).startsWith("Refused").contains("loopback");
        }
    }

    @Test
    void theCallsTraceContextReachesTheBackend() throws Exception {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Exchange traced = exchange(Map.of("traceparent", parent, "tracestate", "congo=t61rcWkgMzE"));
        ObjectNode params = JSON.createObjectNode().put("name", "getPetById");
        params.putObject("arguments").put("petId", 7);

        assertThat(petstore.request("tools/call", params, traced).get("isError").asBoolean()).isFalse();
        assertThat(TRACE.get()).isEqualTo(parent + " congo=t61rcWkgMzE");

        call(petstore, "getPetById", "{\"petId\": 8}");
        assertThat(TRACE.get()).isEqualTo("- -");
    }

    static final Exchange NO_EXCHANGE = exchange(Map.of());

    /** An exchange with no client behind it, carrying {@code trace} as its trace context. */
    static Exchange exchange(Map<String, String> trace) {
        return Exchange.withoutClient(() -> false, JSON.createObjectNode(), trace);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
