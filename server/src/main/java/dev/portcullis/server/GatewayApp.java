package dev.portcullis.server;

import dev.portcullis.server.auth.AuthFeature;
import dev.portcullis.server.config.GatewayConfig;

import io.opentelemetry.api.OpenTelemetry;

/**
 * Assembles the gateway's capabilities into a running {@link Gateway}. Every capability registers its
 * routes here, in one place, so the whole surface of the gateway can be read in one method.
 */
public final class GatewayApp {
    private GatewayApp() {
    }

    /**
     * Starts the gateway with every configured capability.
     *
     * @param config        validated configuration
     * @param openTelemetry telemetry
     * @return the running gateway
     */
    public static Gateway start(GatewayConfig config, OpenTelemetry openTelemetry) {
        // layer 1 first: its filter (guard, then authenticate) must run before any capability's routes
        AuthFeature auth = AuthFeature.create(config);
        Gateway gateway = Gateway.builder(config)
                .openTelemetry(openTelemetry)
                .routes(auth::register)
                .capability(auth)
                .start();
        auth.start(gateway.baseUri());
        return gateway;
    }
}
