package dev.portcullis.server;

import java.util.List;

import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.mcp.UpstreamConnectors;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.mcp.McpEndpoint;

import io.opentelemetry.api.OpenTelemetry;

/**
 * Assembles the gateway's capabilities into a running {@link Gateway}. Every capability registers its
 * routes here, in one place, so the whole surface of the gateway can be read in one method.
 */
public final class GatewayApp implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(GatewayApp.class.getName());

    private final Gateway gateway;
    private final UpstreamConnector connector;
    private final McpEndpoint mcp;

    private GatewayApp(Gateway gateway, UpstreamConnector connector, McpEndpoint mcp) {
        this.gateway = gateway;
        this.connector = connector;
        this.mcp = mcp;
    }

    /**
     * Starts the gateway with every configured capability.
     *
     * @param config        validated configuration
     * @param openTelemetry telemetry
     * @param version       the gateway version (reported to MCP clients)
     * @return the running gateway
     * @throws ConfigException when the configuration is valid on its own but unsafe to run
     */
    public static GatewayApp start(GatewayConfig config, OpenTelemetry openTelemetry, String version) {
        if (config.mode() == GatewayConfig.Mode.PRODUCTION && !config.upstreams().isEmpty()) {
            throw new ConfigException(List.of("upstreams: serving MCP in production mode needs layer-1 "
                    + "authentication, which this build does not configure; run with mode: dev to serve without it"));
        }
        UpstreamConnector connector = UpstreamConnectors.create();
        McpEndpoint mcp = McpEndpoint.create(config.mcp(), config.upstreams(), connector, config.server().host(),
                req -> "anonymous", version);
        if (config.mode() != GatewayConfig.Mode.PRODUCTION) {
            LOGGER.log(System.Logger.Level.WARNING, "MCP endpoint is UNAUTHENTICATED (mode "
                    + config.mode().name().toLowerCase(java.util.Locale.ROOT) + "): every caller acts as 'anonymous'");
        }
        Gateway gateway = Gateway.builder(config)
                .openTelemetry(openTelemetry)
                .routes(mcp::register)
                .start();
        return new GatewayApp(gateway, connector, mcp);
    }

    /** @return the running listener */
    public Gateway gateway() {
        return gateway;
    }

    /** Drains and stops the listener, then ends MCP sessions and upstream connections. */
    @Override
    public void close() {
        gateway.close();
        mcp.close();
        connector.close();
    }
}
