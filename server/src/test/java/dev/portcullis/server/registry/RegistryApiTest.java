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
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API and the {@code /v0.1} read API of a running gateway in dev mode without layer-1
 * authentication (every caller is an administrator). Upstreams point at a closed loopback port: these
 * tests are about the registry, not about MCP traffic.
 */
class RegistryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEAD = "http://127.0.0.1:9/mcp";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path dir;
    private GatewayApp app;

    @BeforeEach
    void start() {
        GatewayConfig config = GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", """
                mode: dev
                auth: {disabled: true}
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: warning, format: text}
                registry: {state-file: %s, health-interval: 1h}
                upstreams:
                  - {name: configured, title: From configuration, url: "%s"}
                """.formatted(dir.resolve("registry.json"), DEAD), Map.of()));
        app = GatewayApp.start(config, OpenTelemetry.noop(), "test");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(app.gateway().baseUri().resolve(path)).timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> registerAdmin(String name, String version) throws Exception {
        return send("POST", "/admin/upstreams", """
                {"name": "%s", "version": "%s", "transport": {"type": "streamable-http", "url": "%s",
                 "headers": {"X-Api-Key": "s3cr3t-value"}}}""".formatted(name, version, DEAD));
    }

    @Nested
    class AdminApi {
        @Test
        void registersListsAndShowsAnUpstreamWithoutEverShowingHeaderValues() throws Exception {
            HttpResponse<String> created = registerAdmin("billing", "1.0.0");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Location")).hasValue("/admin/upstreams/billing");
            assertThat(created.body()).doesNotContain("s3cr3t-value").contains("\"headerNames\":[\"X-Api-Key\"]");

            JsonNode list = json(send("GET", "/admin/upstreams", null));
            assertThat(list.path("upstreams").findValuesAsText("name")).containsExactly("configured", "billing");
            JsonNode billing = json(send("GET", "/admin/upstreams/billing", null));
            assertThat(billing.path("source").asText()).isEqualTo("admin");
            assertThat(billing.path("enabled").asBoolean()).isTrue();
            assertThat(billing.path("pinning").asText()).isEqualTo("strict");
            assertThat(billing.path("health").path("status").asText()).isIn("unknown", "unhealthy");
            assertThat(billing.path("quarantinedTools").asInt()).isZero();
            assertThat(Files.readString(dir.resolve("registry.json"))).contains("billing");
        }

        @Test
        void putRegistersANewVersionAndRefusesToRewriteAnOldOne() throws Exception {
            registerAdmin("billing", "1.0.0");
            HttpResponse<String> v2 = send("PUT", "/admin/upstreams/billing", """
                    {"version": "2.0.0", "transport": {"type": "streamable-http", "url": "%s"}}""".formatted(DEAD));
            assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
            assertThat(json(v2).path("version").asText()).isEqualTo("2.0.0");

            HttpResponse<String> rewrite = send("PUT", "/admin/upstreams/billing", """
                    {"version": "2.0.0", "title": "changed", "transport": {"type": "streamable-http", "url": "%s"}}"""
                    .formatted(DEAD));
            assertThat(rewrite.statusCode()).isEqualTo(409);
            assertThat(json(rewrite).path("code").asText()).isEqualTo("conflict");
        }

        @Test
        void answersInvalidRegistrationsWithEveryProblemAndItsFieldPath() throws Exception {
            HttpResponse<String> r = send("POST", "/admin/upstreams", """
                    {"name": "Bad Name", "transport": {"type": "streamable-http", "url": "ftp://x"}, "colour": "red"}""");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json(r);
            assertThat(problem.path("code").asText()).isEqualTo("invalid-registration");
            List<String> problems = new ArrayList<>();
            problem.path("problems").forEach(p -> problems.add(p.asText()));
            assertThat(problems).anyMatch(p -> p.startsWith("name:")).anyMatch(p -> p.startsWith("transport.url:"))
                    .anyMatch(p -> p.startsWith("colour:"));
        }

        @Test
        void refusesToRegisterANameTwiceThroughPost() throws Exception {
            registerAdmin("billing", "1.0.0");
            HttpResponse<String> again = registerAdmin("billing", "1.0.1");
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(json(again).path("code").asText()).isEqualTo("conflict");
        }

        @Test
        void configuredUpstreamsCanBeDisabledButNotRemoved() throws Exception {
            HttpResponse<String> delete = send("DELETE", "/admin/upstreams/configured", null);
            assertThat(delete.statusCode()).isEqualTo(403);
            assertThat(json(delete).path("code").asText()).isEqualTo("read-only");

            HttpResponse<String> disabled = send("POST", "/admin/upstreams/configured/disable", null);
            assertThat(disabled.statusCode()).isEqualTo(200);
            assertThat(json(disabled).path("enabled").asBoolean()).isFalse();
            assertThat(json(disabled).path("health").path("status").asText()).isEqualTo("disabled");
        }

        @Test
        void unknownUpstreamsAndToolsAre404AndWrongMethods405() throws Exception {
            HttpResponse<String> missing = send("GET", "/admin/upstreams/nope", null);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(json(missing).path("code").asText()).isEqualTo("not-found");
            assertThat(send("POST", "/admin/upstreams/configured/quarantine/nothing/approve", null).statusCode())
                    .isEqualTo(404);
            assertThat(send("GET", "/admin/upstreams/configured/quarantine", null).statusCode()).isEqualTo(200);
            HttpResponse<String> wrong = send("PATCH", "/admin/upstreams", null);
            assertThat(wrong.statusCode()).isEqualTo(405);
            assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, POST");
            assertThat(send("POST", "/admin/upstreams/configured", "{}").headers().firstValue("Allow"))
                    .hasValue("DELETE, GET, PUT");
            assertThat(send("GET", "/admin/upstreams/configured/enable", null).statusCode()).isEqualTo(405);
        }

        @Test
        void recordsRegistrationsRemovalsAndTheirActorsAsEvents() throws Exception {
            registerAdmin("billing", "1.0.0");
            send("DELETE", "/admin/upstreams/billing", null);
            JsonNode events = json(send("GET", "/admin/registry/events", null)).path("events");
            assertThat(events.findValuesAsText("type")).containsSubsequence("registered", "removed");
            assertThat(events.findValuesAsText("actor")).contains("anonymous");
            assertThat(send("GET", "/admin/registry/events?limit=0", null).statusCode()).isEqualTo(400);
        }
    }

    @Nested
    class ServersApi {
        @Test
        void pagesThroughServersSortedByNameWithAnOpaqueCursor() throws Exception {
            registerAdmin("alpha", "1.0.0");
            registerAdmin("beta", "1.0.0");
            JsonNode first = json(send("GET", "/v0.1/servers?limit=2", null));
            assertThat(first.path("servers").findValuesAsText("name"))
                    .containsExactly("local.portcullis/alpha", "local.portcullis/beta");
            String cursor = first.path("metadata").path("nextCursor").asText();
            assertThat(cursor).isNotEmpty();
            JsonNode second = json(send("GET", "/v0.1/servers?limit=2&cursor="
                    + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8), null));
            assertThat(second.path("servers").findValuesAsText("name")).containsExactly("local.portcullis/configured");
            assertThat(second.path("metadata").has("nextCursor")).isFalse();

            JsonNode searched = json(send("GET", "/v0.1/servers?search=ALP", null));
            assertThat(searched.path("servers").findValuesAsText("name")).containsExactly("local.portcullis/alpha");
        }

        @Test
        void answersABadCursorOrLimitWith400() throws Exception {
            for (String query : List.of("limit=0", "limit=101", "limit=ten", "cursor=%25%25garbage")) {
                HttpResponse<String> r = send("GET", "/v0.1/servers?" + query, null);
                assertThat(r.statusCode()).as(query).isEqualTo(400);
                assertThat(r.headers().firstValue("Content-Type")).as(query).hasValue("application/problem+json");
                assertThat(json(r).path("code").asText()).as(query).isEqualTo("invalid-request");
            }
        }

        @Test
        void servesVersionsOfAServerWhoseEncodedNameContainsASlash() throws Exception {
            registerAdmin("billing", "1.0.0");
            send("PUT", "/admin/upstreams/billing", """
                    {"version": "1.1.0", "transport": {"type": "streamable-http", "url": "%s"}}""".formatted(DEAD));

            JsonNode versions = json(send("GET", "/v0.1/servers/local.portcullis%2Fbilling/versions", null));
            assertThat(versions.path("servers").findValuesAsText("version")).containsExactly("1.1.0", "1.0.0");
            JsonNode one = json(send("GET", "/v0.1/servers/local.portcullis%2Fbilling/versions/1.0.0", null));
            assertThat(one.path("server").path("version").asText()).isEqualTo("1.0.0");
            JsonNode latest = json(send("GET", "/v0.1/servers/local.portcullis%2Fbilling/versions/latest", null));
            assertThat(latest.path("server").path("version").asText()).isEqualTo("1.1.0");
            assertThat(latest.toString()).doesNotContain("s3cr3t-value").doesNotContain("X-Api-Key");

            assertThat(send("GET", "/v0.1/servers/local.portcullis%2Fnope/versions", null).statusCode()).isEqualTo(404);
            assertThat(send("GET", "/v0.1/servers/local.portcullis%2Fbilling/versions/9.9.9", null).statusCode())
                    .isEqualTo(404);
            assertThat(send("POST", "/v0.1/servers", "{}").statusCode()).isEqualTo(405);
        }
    }
}
