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
        GatewayConfig config = new GatewayConfig(GatewayConfig.Mode.DEV,
                new GatewayConfig.Server("127.0.0.1", 0, 4L * 1024 * 1024, Duration.ofSeconds(2)),
                new GatewayConfig.Logging(GatewayConfig.Logging.Level.WARNING, GatewayConfig.Logging.Format.TEXT),
                new GatewayConfig.Telemetry("portcullis-test", Optional.empty(), List.of()),
                dev.portcullis.server.auth.AuthConfig.DISABLED, McpSettings.defaults(), upstreams);
        return new GatewayUnderTest(GatewayApp.start(config, OpenTelemetry.noop(), "test"));
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
