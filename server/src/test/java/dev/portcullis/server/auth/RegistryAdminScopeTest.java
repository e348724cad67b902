package dev.portcullis.server.auth;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's APIs behind layer-1 authentication in production: the admin API needs the admin scope,
 * the {@code /v0.1} inventory needs an authenticated caller.
 */
class RegistryAdminScopeTest {
    static final String RESOURCE = "https://gw.example.test/mcp";

    @TempDir
    static Path dir;
    static TestIdp idp;
    static GatewayUnderTest gw;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp("portcullis");
        gw = new GatewayUnderTest("""
                mode: production
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: info, format: text}
                registry: {state-file: %s}
                auth:
                  resource: %s
                  issuers:
                    - issuer: %s
                """.formatted(dir.resolve("registry.json"), RESOURCE, idp.issuer));
    }

    @AfterAll
    static void stop() {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            idp.close();
        }
    }

    private static String token(String scope) throws Exception {
        return idp.sign(idp.claims(RESOURCE).claim("scope", scope).build(), h -> { });
    }

    @Test
    void refusesTheAdminApiWithoutTheAdminScopeAndSaysWhichScopeIsNeeded() throws Exception {
        HttpResponse<String> r = gw.bearer("/admin/upstreams", token("openid mcp:tools"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer error=\"insufficient_scope\", scope=\"portcullis:admin\"");
        assertThat(r.body()).contains("\"code\":\"insufficient-scope\"");
    }

    @Test
    void refusesTheAdminApiWithoutAToken() throws Exception {
        assertThat(gw.get("/admin/upstreams").statusCode()).isEqualTo(401);
    }

    @Test
    void allowsTheAdminApiWithTheAdminScopeAndRecordsTheSubjectAsActor() throws Exception {
        String admin = token("openid portcullis:admin");
        assertThat(gw.bearer("/admin/upstreams", admin).statusCode()).isEqualTo(200);
        HttpResponse<String> created = gw.client.send(HttpRequest.newBuilder(gw.uri("/admin/upstreams"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"name": "billing", "transport": {"type": "streamable-http", "url": "http://127.0.0.1:9/mcp"}}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(gw.bearer("/admin/registry/events", admin).body()).contains("\"actor\":\"alice\"");
    }

    @Test
    void protectsTheInventoryButLetsAnyAuthenticatedCallerReadIt() throws Exception {
        assertThat(gw.get("/v0.1/servers").statusCode()).isEqualTo(401);
        assertThat(gw.bearer("/v0.1/servers", token("openid mcp:tools")).statusCode()).isEqualTo(200);
    }
}
