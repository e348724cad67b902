package dev.portcullis.server.auth;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The network guard on a running gateway: per-route CIDR rules, X-Forwarded-For believed only from
 * trusted proxies, and token IP pinning. Every denial has a stable reason code.
 */
class NetworkGuardHttpTest {
    private static final String RESOURCE = "https://gw.example.test/mcp";
    private static TestIdp idp;

    @BeforeAll
    static void startIdp() throws Exception {
        idp = new TestIdp("portcullis");
    }

    @AfterAll
    static void stopIdp() {
        idp.close();
    }

    private static GatewayUnderTest gateway(String network) {
        return new GatewayUnderTest("""
                mode: production
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: warning, format: text}
                auth:
                  resource: %s
                  issuers:
                    - issuer: %s
                  network:
                %s
                """.formatted(RESOURCE, idp.issuer, network.indent(4)));
    }

    private static String code(HttpResponse<String> response) throws Exception {
        return new ObjectMapper().readTree(response.body()).path("code").asText();
    }

    @Test
    void allowListAdmitsOnlyItsAddresses() throws Exception {
        String token = idp.token(RESOURCE);
        try (GatewayUnderTest open = gateway("rules:\n  - path: /auth/*\n    allow: [127.0.0.0/8]\n");
             GatewayUnderTest closed = gateway("rules:\n  - path: /auth/*\n    allow: [192.0.2.0/24]\n")) {
            assertThat(open.bearer(AuthFeature.WHOAMI_PATH, token).statusCode()).isEqualTo(200);

            HttpResponse<String> denied = closed.bearer(AuthFeature.WHOAMI_PATH, token);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(code(denied)).isEqualTo("client-ip-denied");
            assertThat(closed.get("/observe/health").statusCode()).as("other routes are not covered").isEqualTo(200);
        }
    }

    @Test
    void denyListWinsOverAllowList() throws Exception {
        try (GatewayUnderTest gw = gateway("rules:\n  - path: /auth/*\n    allow: [127.0.0.0/8]\n    deny: [127.0.0.1/32]\n")) {
            HttpResponse<String> denied = gw.bearer(AuthFeature.WHOAMI_PATH, idp.token(RESOURCE));
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(code(denied)).isEqualTo("client-ip-denied");
        }
    }

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() throws Exception {
        String token = idp.token(RESOURCE);
        String rule = "rules:\n  - path: /auth/*\n    allow: [203.0.113.0/24]\n";
        try (GatewayUnderTest trusting = gateway("trusted-proxies: [127.0.0.0/8]\n" + rule);
             GatewayUnderTest untrusting = gateway(rule)) {
            assertThat(trusting.get(AuthFeature.WHOAMI_PATH, "Authorization", "Bearer " + token,
                    "X-Forwarded-For", "203.0.113.7").statusCode()).isEqualTo(200);
            assertThat(trusting.get(AuthFeature.WHOAMI_PATH, "Authorization", "Bearer " + token,
                    "X-Forwarded-For", "198.51.100.9").statusCode()).isEqualTo(403);
            // a client that is not a trusted proxy cannot claim another address
            assertThat(untrusting.get(AuthFeature.WHOAMI_PATH, "Authorization", "Bearer " + token,
                    "X-Forwarded-For", "203.0.113.7").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void tokenIpPinningRefusesATokenUsedFromElsewhere() throws Exception {
        try (GatewayUnderTest gw = gateway("token-ip-claim: ip_ranges\n")) {
            String pinnedElsewhere = idp.sign(idp.claims(RESOURCE).claim("ip_ranges", List.of("10.0.0.0/8")).build(), h -> { });
            String pinnedHere = idp.sign(idp.claims(RESOURCE).claim("ip_ranges", "127.0.0.0/8").build(), h -> { });

            HttpResponse<String> refused = gw.bearer(AuthFeature.WHOAMI_PATH, pinnedElsewhere);
            assertThat(refused.statusCode()).isIn(401, 403);
            assertThat(code(refused)).isEqualTo("token-ip-mismatch");
            assertThat(gw.bearer(AuthFeature.WHOAMI_PATH, pinnedHere).statusCode()).isEqualTo(200);
        }
    }
}
