package dev.portcullis.server.mcp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenAPI upstreams end to end: a petstore backend (the corpus's petstore 3.0 document, implemented on
 * loopback by this test) registered from its document through configuration and through the admin API, and
 * driven through {@code /mcp} by the official MCP Java SDK client.
 */
class OpenApiGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PETSTORE = Path.of("../openapi-to-mcp/src/test/resources/corpus/petstore-3.0.yaml");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, (byte) 0xff};
    private static final AtomicReference<String> LAST = new AtomicReference<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static WebServer backend;
    private static GatewayApp app;
    private static String api;

    @BeforeAll
    static void start() {
        backend = WebServer.builder().port(0).host("127.0.0.1").routing(r -> r
                .get("/api/v3/pet/findByStatus", (req, res) -> {
                    LAST.set("query " + req.prologue().query().rawValue());
                    res.header(HeaderNames.CONTENT_TYPE, "application/json")
                            .send("[{\"id\":1,\"name\":\"rex\",\"photoUrls\":[],\"status\":\"available\"}]");
                })
                .get("/api/v3/pet/{petId}/photo", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "image/png").send(PNG))
                .get("/api/v3/pet/{petId}", (req, res) -> {
                    String id = req.path().pathParameters().get("petId");
                    LAST.set("path " + id);
                    if (id.equals("404")) {
                        res.status(Status.NOT_FOUND_404).header(HeaderNames.CONTENT_TYPE, "application/json")
                                .send("{\"code\":404,\"message\":\"Pet not found\"}");
                        return;
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "application/json")
                            .send("{\"id\":" + id + ",\"name\":\"rex\",\"photoUrls\":[],\"status\":\"sold\"}");
                })
                .post("/api/v3/pet", (req, res) -> {
                    String body = req.content().as(String.class);
                    LAST.set("body " + req.headers().contentType().map(Object::toString).orElse("") + " " + body);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
                }))
                .build().start();
        api = "http://127.0.0.1:" + backend.port() + "/api/v3";
        String spec = PETSTORE.toAbsolutePath().normalize().toString();
        GatewayConfig config = GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", """
                mode: dev
                auth: {disabled: true}
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: error, format: text}
                registry: {health-interval: 1h}
                upstreams:
                  - name: petstore
                    openapi: {spec: "%1$s", base-url: "%2$s", allow-private-networks: true}
                  - name: guarded
                    openapi: {spec: "%1$s", base-url: "%2$s"}
                """.formatted(spec, api), Map.of()));
        app = GatewayApp.start(config, OpenTelemetry.noop(), "test");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (backend != null) {
            backend.stop();
        }
    }

    private static McpSyncClient client() {
        URI base = app.gateway().baseUri();
        var transport = HttpClientStreamableHttpTransport.builder(base.getScheme() + "://" + base.getRawAuthority())
                .endpoint("/mcp").build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .clientInfo(new McpSchema.Implementation("openapi-e2e", "1")).build();
        client.initialize();
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(McpSchema.CallToolRequest.builder().name(tool).arguments(args).build());
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.gateway().baseUri().resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The petstore document plus one operation answering with an image, as a JSON object. */
    static ObjectNode petstoreWithPhoto() throws Exception {
        ObjectNode doc = (ObjectNode) new YAMLMapper().readTree(Files.readString(PETSTORE));
        ObjectNode get = ((ObjectNode) doc.get("paths")).putObject("/pet/{petId}/photo").putObject("get");
        get.put("operationId", "getPetPhoto").put("summary", "The pet's photo");
        get.putArray("tags").add("pet");
        get.putArray("parameters").addObject().put("name", "petId").put("in", "path").put("required", true)
                .putObject("schema").put("type", "integer");
        get.putObject("responses").putObject("200").put("description", "photo").putObject("content")
                .putObject("image/png").putObject("schema").put("type", "string").put("format", "binary");
        return doc;
    }

    static String registration(String name, String version, JsonNode spec, boolean allowPrivate) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("version", version);
        ObjectNode transport = body.putObject("transport").put("type", "openapi");
        transport.set("specContent", spec);
        transport.put("baseUrl", api).put("allowPrivateNetworks", allowPrivate);
        return body.toString();
    }

    @Test
    void listsAndCallsToolsOfAConfiguredDocument() {
        try (McpSyncClient client = client()) {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name)
                    .contains("petstore__getPetById", "petstore__findPetsByStatus", "petstore__addPet", "guarded__getPetById");
            assertThat(tools.stream().filter(t -> t.name().startsWith("petstore__"))).hasSize(19);
            McpSchema.Tool getPet = tools.stream().filter(t -> t.name().equals("petstore__getPetById")).findFirst().orElseThrow();
            assertThat(getPet.inputSchema().get("required")).isEqualTo(List.of("petId"));
            assertThat(getPet.annotations().readOnlyHint()).isTrue();
            assertThat(getPet.outputSchema()).isNotNull();

            // path parameter, JSON answer: structured content
            McpSchema.CallToolResult pet = call(client, "petstore__getPetById", Map.of("petId", 7));
            assertThat(pet.isError()).isFalse();
            assertThat(LAST.get()).isEqualTo("path 7");
            assertThat(((Map<?, ?>) pet.structuredContent()).get("name")).isEqualTo("rex");
            assertThat(text(pet)).contains("\"status\":\"sold\"");

            // query parameter, array answer wrapped as {"result": [...]}
            McpSchema.CallToolResult found = call(client, "petstore__findPetsByStatus", Map.of("status", "available"));
            assertThat(found.isError()).isFalse();
            assertThat(LAST.get()).isEqualTo("query status=available");
            assertThat(((Map<?, ?>) found.structuredContent()).get("result")).asList().hasSize(1);

            // JSON request body
            McpSchema.CallToolResult added = call(client, "petstore__addPet",
                    Map.of("body", Map.of("name", "doggie", "photoUrls", List.of("https://example.com/a b.png"))));
            assertThat(added.isError()).isFalse();
            assertThat(LAST.get()).startsWith("body application/json").contains("\"name\":\"doggie\"");
            assertThat(((Map<?, ?>) added.structuredContent()).get("name")).isEqualTo("doggie");

            // an error answer of the backend is a tool error, not a protocol error
            McpSchema.CallToolResult missing = call(client, "petstore__getPetById", Map.of("petId", 404));
            assertThat(missing.isError()).isTrue();
            assertThat(text(missing)).startsWith("HTTP 404").contains("Pet not found");

            // arguments that do not match inputSchema never reach the backend
            LAST.set("untouched");
            assertThatThrownBy(() -> call(client, "petstore__getPetById", Map.of("petId", "seven")))
                    .isInstanceOfSatisfying(McpError.class,
                            e -> assertThat(e.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
            assertThat(LAST.get()).isEqualTo("untouched");
        }
    }

    @Test
    void refusesALoopbackBackendWithoutAllowPrivateNetworks() {
        try (McpSyncClient client = client()) {
            LAST.set("untouched");
            McpSchema.CallToolResult r = call(client, "guarded__getPetById", Map.of("petId", 7));
            assertThat(r.isError()).isTrue();
            assertThat(text(r)).startsWith("Refused").contains("loopback");
            assertThat(LAST.get()).isEqualTo("untouched");
        }
    }

    @Test
    void registersAnUploadedDocumentThroughTheAdminApi() throws Exception {
        HttpResponse<String> created = admin("POST", "/admin/upstreams",
                registration("shop", "1.0.0", petstoreWithPhoto(), true));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> guarded = admin("POST", "/admin/upstreams",
                registration("shop-guarded", "1.0.0", petstoreWithPhoto(), false));
        assertThat(guarded.statusCode()).as(guarded.body()).isEqualTo(201);
        try (McpSyncClient client = client()) {
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .contains("shop__getPetById", "shop__getPetPhoto", "shop-guarded__getPetPhoto");

            McpSchema.CallToolResult pet = call(client, "shop__getPetById", Map.of("petId", 12));
            assertThat(pet.isError()).isFalse();
            assertThat(((Map<?, ?>) pet.structuredContent()).get("id")).isEqualTo(12);

            // a binary answer is an embedded resource with the bytes in base64
            McpSchema.CallToolResult photo = call(client, "shop__getPetPhoto", Map.of("petId", 12));
            assertThat(photo.isError()).isFalse();
            assertThat(photo.content().getFirst()).isInstanceOf(McpSchema.EmbeddedResource.class);
            McpSchema.ResourceContents contents = ((McpSchema.EmbeddedResource) photo.content().getFirst()).resource();
            assertThat(contents.mimeType()).isEqualTo("image/png");
            assertThat(Base64.getDecoder().decode(((McpSchema.BlobResourceContents) contents).blob())).isEqualTo(PNG);

            McpSchema.CallToolResult refused = call(client, "shop-guarded__getPetPhoto", Map.of("petId", 12));
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).startsWith("Refused").contains("loopback");
        } finally {
            admin("DELETE", "/admin/upstreams/shop", null);
            admin("DELETE", "/admin/upstreams/shop-guarded", null);
        }
    }
}
