package dev.portcullis.server.auth;

import java.util.Map;

import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code auth} section: fail closed, key-path errors, mode rules. */
class AuthConfigTest {
    static GatewayConfig load(String yaml) {
        return GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", yaml, Map.of()));
    }

    @Test
    void refusesProductionWithoutAnAuthSection() {
        assertThatThrownBy(() -> load("mode: production\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth: missing");
    }

    @Test
    void refusesDisabledAuthOutsideDevMode() {
        assertThatThrownBy(() -> load("mode: production\nauth: {disabled: true}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.disabled: true is allowed only in mode dev");
        assertThatThrownBy(() -> load("mode: demo\nauth: {disabled: true}\n"))
                .hasMessageContaining("auth.disabled");
    }

    @Test
    void allowsDisabledAuthInDevModeOnlyWhenExplicit() {
        assertThat(load("mode: dev\nauth: {disabled: true}\n").auth().disabled()).isTrue();
        assertThatThrownBy(() -> load("mode: dev\n")).hasMessageContaining("auth: missing");
    }

    @Test
    void refusesTheDevelopmentIssuerInProduction() {
        assertThatThrownBy(() -> load("""
                mode: production
                auth:
                  resource: https://gw.example.com/mcp
                  dev-issuer: {enabled: true}
                """)).hasMessageContaining("auth.dev-issuer: the built-in development issuer is allowed only in mode demo or dev");
    }

    @Test
    void refusesTheDevelopmentIssuerInProductionAlsoThroughTheRecord() {
        GatewayConfig demo = load("mode: demo\nauth: {dev-issuer: {enabled: true}}\n");
        assertThatThrownBy(() -> new GatewayConfig(GatewayConfig.Mode.PRODUCTION, demo.server(), demo.logging(),
                demo.telemetry(), demo.auth(), demo.mcp(), demo.upstreams())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatewayConfig(GatewayConfig.Mode.PRODUCTION, demo.server(), demo.logging(),
                demo.telemetry())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesEveryBadKeyByItsPath() {
        assertThatThrownBy(() -> load("""
                mode: production
                auth:
                  resource: https://gw.example.com/mcp#frag
                  protect: [/observe/health]
                  required-scopes: ["bad scope"]
                  issuers:
                    - issuer: https://idp.example.com/realms/x
                      algorithms: [RS256, HS256, none]
                      clock-skew: 1h
                      audiance: typo
                  network:
                    trusted-proxies: [10.0.0.0/33]
                    rules:
                      - path: /admin/*
                        allow: [not-an-ip]
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.resource: 'https://gw.example.com/mcp#frag' (expected: no query and no fragment, RFC 8707)")
                .hasMessageContaining("auth.protect: '/observe/health' is always open")
                .hasMessageContaining("auth.required-scopes: 'bad scope' is not a valid scope token")
                .hasMessageContaining("auth.issuers.0.algorithms: 'HS256'")
                .hasMessageContaining("auth.issuers.0.algorithms: 'none'")
                .hasMessageContaining("auth.issuers.0.clock-skew: 1h")
                .hasMessageContaining("auth.issuers.0.audiance: unknown key")
                .hasMessageContaining("auth.network.trusted-proxies: '10.0.0.0/33' prefix length 33")
                .hasMessageContaining("auth.network.rules.0.allow: 'not-an-ip'");
    }

    @Test
    void refusesIntrospectionAtTwoIssuers() {
        assertThatThrownBy(() -> load("""
                mode: production
                auth:
                  resource: https://gw.example.com/mcp
                  issuers:
                    - issuer: https://a.example.com
                      introspection: {endpoint: https://a.example.com/introspect, client-id: gw, client-secret: s}
                    - issuer: https://b.example.com
                      introspection: {endpoint: https://b.example.com/introspect, client-id: gw, client-secret: s}
                """)).hasMessageContaining("auth.issuers: more than one issuer has introspection");
    }

    @Test
    void readsAFullIssuerWithSecureDefaults() {
        GatewayConfig c = load("""
                mode: production
                auth:
                  resource: https://gw.example.com/mcp
                  issuers:
                    - issuer: https://idp.example.com/realms/x
                      groups-claim: realm_access.roles
                      introspection: {endpoint: https://idp.example.com/introspect, client-id: gw, client-secret: s3cret}
                """);
        AuthConfig.Issuer i = c.auth().issuers().getFirst();
        assertThat(i.algorithms()).containsExactly("RS256", "PS256", "ES256", "EdDSA");
        assertThat(i.groupsClaim()).isEqualTo("realm_access.roles");
        assertThat(c.auth().protect()).contains("/mcp", "/mcp/*", "/admin/*");
        assertThat(i.introspection().orElseThrow().clientSecret().toString()).isEqualTo("[secret]");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void bundledDemoConfigurationUsesTheDevelopmentIssuer() {
        GatewayConfig demo = GatewayConfig.create(ConfigLoader.loadResource("demo/portcullis-demo.yaml", Map.of()));
        assertThat(demo.mode()).isEqualTo(GatewayConfig.Mode.DEMO);
        assertThat(demo.auth().devIssuer()).isPresent();
        assertThat(demo.auth().disabled()).isFalse();
    }
}
