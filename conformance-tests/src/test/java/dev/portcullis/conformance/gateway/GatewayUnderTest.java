package dev.portcullis.conformance.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.mcp.McpSettings;
import dev.portcullis.registry.Registration;

import io.opentelemetry.api.OpenTelemetry;

/**
 * A Portcullis gateway started in-process on a free loopback port, in dev mode (layer-1
 * authentication is exercised by its own suite), in front of the given upstreams.
 */
final class GatewayUnderTest implements AutoCloseable {
    private final GatewayApp app;

    private GatewayUnderTest(GatewayApp app) {
        this.app = app;
    }

    static GatewayUnderTest start(List<Registration> upstreams) {
        return start(upstreams, OpenTelemetry.noop());
    }

    /**
     * @param upstreams     registered upstreams
     * @param openTelemetry the gateway's OpenTelemetry (a recording SDK to see its spans)
     * @return the gateway, in development mode without authentication
     */
    static GatewayUnderTest start(List<Registration> upstreams, OpenTelemetry openTelemetry) {
        GatewayConfig config = new GatewayConfig(GatewayConfig.Mode.DEV,
                new GatewayConfig.Server("127.0.0.1", 0, 4L * 1024 * 1024, Duration.ofSeconds(2)),
                new GatewayConfig.Logging(GatewayConfig.Logging.Level.WARNING, GatewayConfig.Logging.Format.TEXT),
                new GatewayConfig.Telemetry("portcullis-test", Optional.empty(), List.of()),
                dev.portcullis.server.auth.AuthConfig.DISABLED, McpSettings.defaults(), upstreams);
        return new GatewayUnderTest(GatewayApp.start(config, openTelemetry, "test"));
    }

    /**
     * Starts a gateway from YAML (for layer-1 authentication with the development issuer).
     *
     * @param yaml configuration; {@code server.port} should be 0
     * @return the gateway
     */
    static GatewayUnderTest fromYaml(String yaml) {
        GatewayConfig config = GatewayConfig.create(dev.portcullis.server.config.ConfigLoader.fromYaml("test", yaml,
                java.util.Map.of()));
        return new GatewayUnderTest(GatewayApp.start(config, OpenTelemetry.noop(), "test"));
    }

    /**
     * @param user demo user (alice or bob)
     * @return a token minted by the development issuer for that user
     */
    String devToken(String user) {
        return app.gateway().capability(dev.portcullis.server.auth.AuthFeature.class).orElseThrow()
                .demoTokens().stream().filter(t -> t.user().equals(user)).findFirst().orElseThrow().token();
    }

    /** @return the aggregated endpoint */
    String mcp() {
        return "http://127.0.0.1:" + app.gateway().port() + "/mcp";
    }

    /** @param upstream upstream name
     *  @return the single-upstream endpoint */
    String mcp(String upstream) {
        return mcp() + "/" + upstream;
    }

    /** @param path a path such as {@code /admin/upstreams}
     *  @return the gateway's URL for it */
    String url(String path) {
        return "http://127.0.0.1:" + app.gateway().port() + path;
    }

    int port() {
        return app.gateway().port();
    }

    @Override
    public void close() {
        app.close();
    }
}
