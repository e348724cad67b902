package dev.portcullis.server.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layer 1 against a real identity provider: Keycloak 26.7.3 installed from Maven Central and started on
 * loopback by {@code deploy/keycloak/keycloak.sh} with the Portcullis realm. Real tokens, including a full
 * authorization-code + PKCE flow driven over HTTP, are sent through a running gateway.
 *
 * <p>Runs in {@code verify} (about 15–70 s, the first run also downloads ~176 MB). If Keycloak cannot be
 * installed or started, the test fails; it is never skipped.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KeycloakTest {
    static final String RESOURCE = "http://localhost:8080/mcp";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCRIPT = Path.of("..", "deploy", "keycloak", "keycloak.sh").toAbsolutePath().normalize();

    static String keycloakPid;
    static int kcPort;
    static String issuer;
    static GatewayUnderTest gw;
    /** A second gateway in front of the same upstream whose policy binds the realm's agent to the finance persona. */
    static GatewayUnderTest financeGw;
    static dev.portcullis.server.demo.DemoUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        kcPort = freePort();
        Process p = new ProcessBuilder(SCRIPT.toString(), "start", String.valueOf(kcPort))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = p.waitFor();
        if (exit != 0 || !out.matches("\\d+")) {
            throw new IllegalStateException("Keycloak did not start (exit " + exit + ", output '" + out + "'); see "
                    + "~/.cache/portcullis/keycloak/logs/keycloak-" + kcPort + ".log");
        }
        keycloakPid = out;
        issuer = "http://localhost:" + kcPort + "/realms/portcullis";
        upstream = dev.portcullis.server.demo.DemoUpstream.start();
        // production denies every MCP request without a policy: this suite checks layer 1, so its agents
        // play a persona that allows every tool, and both realm groups are entitled to every tool
        java.nio.file.Path policy = java.nio.file.Files.createTempFile("keycloak-test-policy", ".yaml");
        policy.toFile().deleteOnExit();
        java.nio.file.Files.writeString(policy, """
                version: 1
                bindings:
                  client-ids: {portcullis-agent: everything, portcullis-cli: everything}
                personas:
                  - name: everything
                    tools: ["*"]
                entitlements:
                  - name: staff
                    groups: [finance, support, admins]
                    grants:
                      - tools: ["*"]
                """);
        gw = new GatewayUnderTest(gatewayYaml(policy));
        Path financePolicy = Files.createTempFile("keycloak-finance-policy", ".yaml");
        financePolicy.toFile().deleteOnExit();
        Files.writeString(financePolicy, FINANCE_POLICY);
        financeGw = new GatewayUnderTest(gatewayYaml(financePolicy));
    }

    /**
     * The realm's agent ({@code azp} {@code portcullis-agent}) plays the finance persona, which allows three
     * of the demo upstream's four tools (not {@code echo}); the realm's groups are entitled differently.
     */
    static final String FINANCE_POLICY = """
            version: 1
            bindings:
              client-ids: {portcullis-agent: finance-analyst-agent}
            personas:
              - name: finance-analyst-agent
                tools: [lookup_customer, create_invoice, get_time]
                access: [read, write]
            entitlements:
              - name: finance-team
                groups: [finance]
                grants:
                  - tools: [lookup_customer, get_time, create_invoice]
              - name: support-desk
                groups: [support]
                grants:
                  - tools: ["*"]
                    access: [read]
              - name: administrators
                groups: [admins]
                grants:
                  - tools: ["*"]
            """;

    static String gatewayYaml(Path policy) {
        return gatewayYaml(policy, "");
    }

    /** @param issuerExtras more keys of the issuer entry, each line indented like {@code groups-claim} */
    static String gatewayYaml(Path policy, String issuerExtras) {
        return """
                mode: production
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: info, format: text}
                auth:
                  resource: %s
                  required-scopes: [mcp:tools]
                  scopes-supported: [mcp:tools, openid, profile, email]
                  issuers:
                    - issuer: %s
                      groups-claim: groups
                %s
                upstreams:
                  - name: demo
                    url: %s
                policy:
                  file: %s
                """.formatted(RESOURCE, issuer, issuerExtras, upstream.url(), policy);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (gw != null) {
                gw.close();
            }
            if (financeGw != null) {
                financeGw.close();
            }
            if (upstream != null) {
                upstream.close();
            }
        } finally {
            if (keycloakPid != null) {
                Process p = new ProcessBuilder(SCRIPT.toString(), "stop", keycloakPid).inheritIO().start();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void authorizationCodeWithPkceOverHttpGivesATokenTheGatewayAccepts() throws Exception {
        String token = authorizationCodeWithPkce("alice", "alice-password");
        HttpResponse<String> r = gw.bearer("/auth/whoami", token);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode me = JSON.readTree(r.body());
        assertThat(me.get("issuer").asText()).isEqualTo(issuer);
        assertThat(me.get("name").asText()).isEqualTo("Alice Adams");
        assertThat(me.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(me.get("groups").toString()).isEqualTo("[\"finance\"]");
        assertThat(me.get("client_id").asText()).isEqualTo("portcullis-agent");
        assertThat(me.get("scopes").toString()).contains("\"mcp:tools\"");
    }

    @Test
    void passwordGrantTokenForBobCarriesHisGroup() throws Exception {
        HttpResponse<String> r = gw.bearer("/auth/whoami", passwordGrant("portcullis", "portcullis-cli",
                "portcullis-cli-secret", "bob", "bob-password", "openid mcp:tools"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("groups").toString()).isEqualTo("[\"support\"]");
    }

    @Test
    void tokenWithoutTheToolsScopeGetsAStepUpChallenge() throws Exception {
        HttpResponse<String> r = gw.bearer("/mcp", passwordGrant("portcullis", "portcullis-cli",
                "portcullis-cli-secret", "bob", "bob-password", "openid"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate")).get().asString()
                .contains("error=\"insufficient_scope\"").contains("scope=\"mcp:tools\"");
    }

    @Test
    void tokenForAnotherAudienceIsRejected() throws Exception {
        String token = passwordGrant("portcullis", "other-service", "other-service-secret", "bob", "bob-password",
                "openid mcp:tools");
        HttpResponse<String> r = gw.bearer("/auth/whoami", token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"invalid-token\"");
        assertThat(gw.authLog).anySatisfy(l -> assertThat(l).contains(AuthFailure.WRONG_AUDIENCE.name()));
    }

    @Test
    void tokenFromAnotherRealmIsRejectedEvenWithTheRightAudience() throws Exception {
        String token = passwordGrant("elsewhere", "portcullis-cli", "elsewhere-secret", "mallory", "mallory-password",
                "openid");
        HttpResponse<String> r = gw.bearer("/auth/whoami", token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(gw.authLog).anySatisfy(l -> assertThat(l).contains(AuthFailure.UNTRUSTED_ISSUER.name()));
    }

    /**
     * MCP through the gateway with the official MCP Java SDK client, carrying a token Keycloak issued through
     * a full authorization-code + PKCE flow: initialize, list and call a tool; the same client without the
     * token is refused.
     */
    @Test
    void mcpThroughGatewayWithKeycloakToken() throws Exception {
        String token = authorizationCodeWithPkce("bob", "bob-password");
        try (var client = javaSdkClient(token)) {
            var init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("portcullis");
            assertThat(client.listTools().tools()).extracting(io.modelcontextprotocol.spec.McpSchema.Tool::name)
                    .contains("demo__echo", "demo__lookup_customer");
            var result = client.callTool(io.modelcontextprotocol.spec.McpSchema.CallToolRequest.builder()
                    .name("demo__echo").arguments(Map.of("message", "hello from bob")).build());
            assertThat(((io.modelcontextprotocol.spec.McpSchema.TextContent) result.content().getFirst()).text())
                    .isEqualTo("hello from bob");
        }
        try (var anonymous = javaSdkClient(null)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(anonymous::initialize).isInstanceOf(RuntimeException.class);
        }
        assertThat(gw.get("/mcp").statusCode()).isEqualTo(401);
    }

    private static io.modelcontextprotocol.client.McpSyncClient javaSdkClient(String token) {
        return javaSdkClient(gw, token);
    }

    private static io.modelcontextprotocol.client.McpSyncClient javaSdkClient(GatewayUnderTest gw, String token) {
        java.net.http.HttpRequest.Builder requests = java.net.http.HttpRequest.newBuilder();
        if (token != null) {
            requests.header("Authorization", "Bearer " + token);
        }
        java.net.URI mcp = gw.uri("/mcp");
        var transport = io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport
                .builder(mcp.getScheme() + "://" + mcp.getRawAuthority()).endpoint("/mcp").requestBuilder(requests).build();
        return io.modelcontextprotocol.client.McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .clientInfo(new io.modelcontextprotocol.spec.McpSchema.Implementation("keycloak-test", "1")).build();
    }

    // --- personas with real Keycloak tokens: persona of the agent ∩ entitlements of the person's groups ---

    @Test
    void aliceInFinanceSeesAndCallsExactlyTheFinancePersonasTools() throws Exception {
        String token = authorizationCodeWithPkce("alice", "alice-password");
        JsonNode me = JSON.readTree(financeGw.bearer("/auth/whoami", token).body());
        assertThat(me.get("client_id").asText()).isEqualTo("portcullis-agent");
        assertThat(me.get("groups").toString()).isEqualTo("[\"finance\"]");
        try (var client = javaSdkClient(financeGw, token)) {
            client.initialize();
            assertThat(toolNames(client)).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                    "demo__create_invoice");
            assertThat(text(call(client, "demo__lookup_customer", Map.of("customer_id", "C-1001"))))
                    .contains("C-1001");
            assertThat(call(client, "demo__create_invoice", Map.of("customer_id", "C-1001")).isError())
                    .isNotEqualTo(Boolean.TRUE);
            assertThat(call(client, "demo__get_time", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
            assertHiddenLikeNonexistent(client, "demo__echo");
        }
    }

    @Test
    void bobThroughTheSameAgentSeesFewerToolsAndCannotCallTheOthers() throws Exception {
        String token = authorizationCodeWithPkce("bob", "bob-password");
        try (var client = javaSdkClient(financeGw, token)) {
            client.initialize();
            // support is entitled to read-only tools; create_invoice writes, echo is outside the persona
            assertThat(toolNames(client)).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time");
            assertThat(text(call(client, "demo__lookup_customer", Map.of("customer_id", "C-1001"))))
                    .contains("C-1001");
            assertHiddenLikeNonexistent(client, "demo__create_invoice");
        }
    }

    @Test
    void aToolOutsideThePersonaIsInvisibleEvenToAnAdministratorEntitledToEveryTool() throws Exception {
        String token = authorizationCodeWithPkce("dana", "dana-password");
        assertThat(JSON.readTree(financeGw.bearer("/auth/whoami", token).body()).get("groups").toString())
                .isEqualTo("[\"admins\"]");
        try (var client = javaSdkClient(financeGw, token)) {
            client.initialize();
            assertThat(toolNames(client)).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                    "demo__create_invoice");
            assertHiddenLikeNonexistent(client, "demo__echo");
        }
        // the same administrator sees echo through the allow-all gateway: it is the persona that hides it
        try (var client = javaSdkClient(gw, token)) {
            client.initialize();
            assertThat(toolNames(client)).contains("demo__echo");
        }
    }

    private static java.util.List<String> toolNames(io.modelcontextprotocol.client.McpSyncClient client) {
        return client.listTools().tools().stream().map(io.modelcontextprotocol.spec.McpSchema.Tool::name).toList();
    }

    private static io.modelcontextprotocol.spec.McpSchema.CallToolResult call(
            io.modelcontextprotocol.client.McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(io.modelcontextprotocol.spec.McpSchema.CallToolRequest.builder().name(tool)
                .arguments(args).build());
    }

    private static String text(io.modelcontextprotocol.spec.McpSchema.CallToolResult result) {
        return ((io.modelcontextprotocol.spec.McpSchema.TextContent) result.content().getFirst()).text();
    }

    /** A hidden tool is answered exactly like a tool that does not exist (only the name differs). */
    private static void assertHiddenLikeNonexistent(io.modelcontextprotocol.client.McpSyncClient client, String tool) {
        var hidden = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.modelcontextprotocol.spec.McpError.class, () -> call(client, tool, Map.of("customer_id", "C-1001")))
                .getJsonRpcError();
        var missing = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.modelcontextprotocol.spec.McpError.class,
                () -> call(client, "demo__no_such_tool", Map.of("customer_id", "C-1001"))).getJsonRpcError();
        assertThat(hidden.code()).isEqualTo(missing.code());
        assertThat(hidden.message().replace(tool, "X")).isEqualTo(missing.message().replace("demo__no_such_tool", "X"));
        JsonNode hiddenData = JSON.valueToTree(hidden.data());
        JsonNode missingData = JSON.valueToTree(missing.data());
        assertThat(hiddenData).isEqualTo(missingData);
        assertThat(hiddenData.path("reason").asText()).isEqualTo("tool-not-found");
    }

    // --- the IdP's own lifecycle: key rotation through Keycloak's admin API, RFC 7662 introspection ---

    /**
     * Keycloak starts signing with a new RSA key (a higher-priority key provider added through its admin
     * REST API): the gateway sees an unknown {@code kid}, refetches the realm's JWKS and accepts the new
     * tokens; tokens signed with the previous key, still published, stay valid.
     */
    @Test
    void acceptsTokensSignedWithAKeyTheIdpRotatedIn() throws Exception {
        Path policy = Files.createTempFile("keycloak-rotation-policy", ".yaml");
        policy.toFile().deleteOnExit();
        Files.writeString(policy, FINANCE_POLICY);
        try (GatewayUnderTest rotating = new GatewayUnderTest(gatewayYaml(policy, "      jwks-min-refetch-interval: 1s"))) {
            String before = passwordGrant("portcullis", "portcullis-cli", "portcullis-cli-secret", "bob",
                    "bob-password", "openid mcp:tools");
            assertThat(rotating.bearer("/auth/whoami", before).statusCode()).isEqualTo(200);
            String admin = tokenRequest("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                    "username", "admin", "password", "admin"));
            String realmId = JSON.readTree(adminCall(admin, "GET", "/admin/realms/portcullis", null).body()).get("id").asText();
            HttpResponse<String> created = adminCall(admin, "POST", "/admin/realms/portcullis/components", """
                    {"name":"rotated-rsa","providerId":"rsa-generated","providerType":"org.keycloak.keys.KeyProvider",
                     "parentId":"%s","config":{"priority":["900"],"enabled":["true"],"active":["true"],
                     "keySize":["2048"],"algorithm":["RS256"]}}""".formatted(realmId));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String location = created.headers().firstValue("Location").orElseThrow();
            try {
                Thread.sleep(1_100); // past the gateway's minimum refetch interval since its first fetch
                String after = passwordGrant("portcullis", "portcullis-cli", "portcullis-cli-secret", "bob",
                        "bob-password", "openid mcp:tools");
                assertThat(kid(after)).isNotEqualTo(kid(before));
                HttpResponse<String> r = rotating.bearer("/auth/whoami", after);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("groups").toString()).isEqualTo("[\"support\"]");
                assertThat(rotating.bearer("/auth/whoami", before).statusCode()).isEqualTo(200);
            } finally {
                String path = URI.create(location).getRawPath();
                assertThat(adminCall(admin, "DELETE", path, null).statusCode()).isEqualTo(204);
            }
        }
    }

    /**
     * The introspection client (RFC 7662, client_secret_basic as the gateway's confidential client) against
     * Keycloak's endpoint: an issued token is active with its subject, client and audience; after the
     * token is revoked (RFC 7009) and for garbage, the answer is inactive.
     */
    @Test
    void introspectsThroughKeycloaksEndpointAndSeesRevocation() throws Exception {
        String token = passwordGrant("portcullis", "portcullis-cli", "portcullis-cli-secret", "alice",
                "alice-password", "openid mcp:tools");
        AuthConfig.Introspection config = new AuthConfig.Introspection(
                URI.create(kc("portcullis") + "/protocol/openid-connect/token/introspect"), "portcullis-gateway",
                new SecretValue("portcullis-gateway-secret"), Duration.ofSeconds(30));
        Map<String, Object> claims = introspect(new Introspector(issuer, config, java.time.Clock.systemUTC(),
                Duration.ofSeconds(10)), token);
        assertThat(claims.get("active")).isEqualTo(true);
        assertThat(claims.get("iss")).isEqualTo(issuer);
        assertThat(claims.get("azp")).isEqualTo("portcullis-cli");
        assertThat(Claims.strings(claims.get("aud"))).contains(RESOURCE);
        assertThat(Claims.scopes(claims)).contains("mcp:tools");
        assertThat(Claims.instant(claims.get("exp"))).isPresent();

        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(kc("portcullis")
                        + "/protocol/openid-connect/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token, "token_type_hint", "access_token",
                        "client_id", "portcullis-cli", "client_secret", "portcullis-cli-secret")))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        Introspector fresh = new Introspector(issuer, config, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(Reject.class, () -> introspect(fresh, token))
                .failure()).isEqualTo(AuthFailure.INACTIVE);
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(Reject.class, () -> introspect(fresh, "not-a-token"))
                .failure()).isEqualTo(AuthFailure.INACTIVE);

        AuthConfig.Introspection wrongSecret = new AuthConfig.Introspection(config.endpoint(), "portcullis-gateway",
                new SecretValue("wrong"), Duration.ofSeconds(30));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(Reject.class, () -> introspect(new Introspector(issuer,
                wrongSecret, java.time.Clock.systemUTC(), Duration.ofSeconds(10)), token)).failure())
                .isEqualTo(AuthFailure.IDP_UNAVAILABLE);
    }

    /** Introspects the way the authenticator does: keyed by the token's digest. */
    private static Map<String, Object> introspect(Introspector introspector, String token) throws Reject {
        return introspector.introspect(token, Introspector.sha256(token));
    }

    private static String kid(String jwt) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.')))).path("kid").asText();
    }

    private static HttpResponse<String> adminCall(String adminToken, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + kcPort + path))
                .header("Authorization", "Bearer " + adminToken);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- a minimal OAuth client driven over HTTP ---

    static String passwordGrant(String realm, String clientId, String secret, String user, String password, String scope)
            throws Exception {
        return tokenRequest(realm, Map.of("grant_type", "password", "client_id", clientId, "client_secret", secret,
                "username", user, "password", password, "scope", scope));
    }

    static String authorizationCodeWithPkce(String user, String password) throws Exception {
        HttpServer callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CompletableFuture<String> query = new CompletableFuture<>();
        callback.createContext("/callback", ex -> {
            query.complete(ex.getRequestURI().getRawQuery());
            byte[] body = "You may close this window.".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        callback.start();
        try {
            String redirect = "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            String state = Long.toHexString(new SecureRandom().nextLong());
            // Keycloak sends Version=1 cookies, which java.net.CookieManager replays in RFC 2965 form that
            // Keycloak does not read back; a browser sends plain name=value pairs, so do that
            HttpClient browser = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
            Map<String, String> cookies = new LinkedHashMap<>();

            Map<String, String> authz = new LinkedHashMap<>();
            authz.put("response_type", "code");
            authz.put("client_id", "portcullis-agent");
            authz.put("redirect_uri", redirect);
            authz.put("scope", "openid mcp:tools");
            authz.put("state", state);
            authz.put("code_challenge", challenge);
            authz.put("code_challenge_method", "S256");
            authz.put("resource", RESOURCE);
            HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(kc("portcullis")
                    + "/protocol/openid-connect/auth?" + form(authz))).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (String setCookie : login.headers().allValues("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                int eq = pair.indexOf('=');
                cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            assertThat(login.statusCode()).isEqualTo(200);
            Matcher action = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"").matcher(login.body());
            if (!action.find()) {
                action = Pattern.compile("action=\"([^\"]+)\"").matcher(login.body());
                assertThat(action.find()).as("login form in Keycloak's page").isTrue();
            }
            String postUrl = action.group(1).replace("&amp;", "&");
            HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(postUrl))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")))
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "password", password,
                            "credentialId", ""))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as("redirect after login").isEqualTo(302);
            String location = posted.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith(redirect);
            // follow the redirect to the loopback redirect URI, as a browser would
            HttpResponse<String> landed = browser.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(landed.statusCode()).isEqualTo(200);
            Map<String, String> params = parse(query.get(10, TimeUnit.SECONDS));
            assertThat(params.get("state")).isEqualTo(state);
            return tokenRequest("portcullis", Map.of("grant_type", "authorization_code", "code", params.get("code"),
                    "redirect_uri", redirect, "client_id", "portcullis-agent", "code_verifier", verifier));
        } finally {
            callback.stop(0);
        }
    }

    static String tokenRequest(String realm, Map<String, String> params) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(kc(realm)
                        + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("token endpoint: %s", r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    static String kc(String realm) {
        return "http://localhost:" + kcPort + "/realms/" + realm;
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static Map<String, String> parse(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static {
        // the script must be present and executable, or the suite fails loudly
        if (!Files.isExecutable(SCRIPT)) {
            throw new IllegalStateException("missing " + SCRIPT);
        }
    }
}
