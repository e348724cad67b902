package dev.portcullis.server.policy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.auth.AuthFeature;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.demo.DemoUpstream;
import io.opentelemetry.api.OpenTelemetry;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A dev-mode gateway on loopback in front of the real demo upstream, enforcing {@link #POLICY} from a file
 * (re-read every 100 ms when it changes); the set-up both policy test classes share. Register it as a
 * static {@code @RegisterExtension} field: it starts before the class's tests and stops after them.
 */
final class PolicyGateway implements BeforeAllCallback, AfterAllCallback {
    /** The policy bundle both policy test classes start from. */
    static final String POLICY = """
            version: 1
            bindings:
              client-ids: {portcullis-demo-agent: finance-analyst-agent}
            personas:
              - name: finance-analyst-agent
                tools: [lookup_customer, create_invoice, get_time]
                access: [read, write]
                rate-limits: {per-tool: 3/h}
            entitlements:
              - name: finance-team
                groups: [finance]
                grants:
                  - tools: [lookup_customer, get_time]
                  - tools: [create_invoice]
                    require-scope: billing:admin
              - name: support-desk
                groups: [support]
                grants:
                  - tools: ["*"]
                    access: [read]
              - name: everything
                groups: [finance, support]
                grants:
                  - tools: [echo]
            """;

    private Path dir;
    private Path policyFile;
    private DemoUpstream upstream;
    private GatewayApp app;
    private String alice;
    private String bob;

    /** Writes {@link #POLICY} to a fresh directory, then starts the demo upstream and the gateway. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("portcullis-policy-test");
        policyFile = dir.resolve("policy.yaml");
        Files.writeString(policyFile, POLICY);
        upstream = DemoUpstream.start();
        GatewayConfig config = GatewayConfig.create(ConfigLoader.fromYaml("test", """
                mode: dev
                server: {host: 127.0.0.1, port: 0, shutdown-grace: 0s}
                logging: {level: info, format: text}
                auth:
                  scopes-supported: [mcp:tools, billing:write]
                  dev-issuer: {enabled: true}
                upstreams:
                  - name: demo
                    url: %s
                policy:
                  file: %s
                  reload-interval: 100ms
                """.formatted(upstream.url(), policyFile), Map.of()));
        app = GatewayApp.start(config, OpenTelemetry.noop(), "test");
        alice = demoToken("alice");
        bob = demoToken("bob");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** The policy file the gateway enforces; tests that change it put {@link #POLICY} back. */
    Path policyFile() {
        return policyFile;
    }

    /** A development-issuer token for alice (finance) through the demo agent, minted at start. */
    String alice() {
        return alice;
    }

    /** A development-issuer token for bob (support) through the demo agent, minted at start. */
    String bob() {
        return bob;
    }

    private String demoToken(String user) {
        List<AuthFeature.DemoToken> tokens = app.gateway().capability(AuthFeature.class).orElseThrow().demoTokens();
        return tokens.stream().filter(t -> t.user().equals(user)).findFirst().orElseThrow().token();
    }

    PolicyFeature policy() {
        return app.gateway().capability(PolicyFeature.class).orElseThrow();
    }

    URI uri(String path) {
        return URI.create(app.gateway().baseUri() + path);
    }
}
