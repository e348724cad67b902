package dev.portcullis.server;

import java.util.Locale;

import dev.portcullis.core.Caller;
import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.mcp.UpstreamConnectors;
import dev.portcullis.server.auth.AuthContext;
import dev.portcullis.server.auth.AuthFeature;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.mcp.McpEndpoint;
import dev.portcullis.server.policy.PolicyFeature;
import dev.portcullis.server.registry.RegistryFeature;
import io.helidon.webserver.http.ServerRequest;

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
    private final RegistryFeature registry;
    private final PolicyFeature policy;

    private GatewayApp(Gateway gateway, UpstreamConnector connector, McpEndpoint mcp, RegistryFeature registry,
                       PolicyFeature policy) {
        this.policy = policy;
        this.gateway = gateway;
        this.connector = connector;
        this.mcp = mcp;
        this.registry = registry;
    }

    /**
     * Starts the gateway with every configured capability.
     *
     * @param config        validated configuration
     * @param openTelemetry telemetry
     * @param version       the gateway version (reported to MCP clients)
     * @return the running gateway
     */
    public static GatewayApp start(GatewayConfig config, OpenTelemetry openTelemetry, String version) {
        // layer 1 first: its filter (guard, then authenticate) must run before any capability's routes
        AuthFeature auth = AuthFeature.create(config);
        // only registered upstreams are reachable: the MCP endpoint sees the registry, with tool pinning
        RegistryFeature registry = RegistryFeature.open(config, auth.enabled(), version);
        // OpenAPI upstreams are answered in-process; every other target goes to the MCP connector
        UpstreamConnector connector = dev.portcullis.openapi.OpenApiConnector.decorate(UpstreamConnectors.create());
        McpEndpoint mcp = McpEndpoint.create(config.mcp(), registry.directory(), connector, config.server().host(),
                GatewayApp::principal, version);
        registry.follow(mcp);
        // authorize: effective permissions = entitlements of the person ∩ persona of the agent
        PolicyFeature policy = PolicyFeature.create(config, auth.enabled());
        mcp.policy(policy);
        mcp.tracer(openTelemetry.getTracer("portcullis.mcp"));
        policy.onChange(mcp::policyChanged);
        if (!auth.enabled()) {
            LOGGER.log(System.Logger.Level.WARNING, "MCP endpoint is UNAUTHENTICATED (mode "
                    + config.mode().name().toLowerCase(Locale.ROOT) + "): every caller acts as 'anonymous'");
        }
        Gateway gateway = Gateway.builder(config)
                .openTelemetry(openTelemetry)
                .routes(auth::register)
                .routes(mcp::register)
                .routes(registry::register)
                .routes(policy::register)
                .capability(auth)
                .capability(registry)
                .capability(policy)
                .healthCheck("policy", () -> {
                    PolicyFeature.Status st = policy.status();
                    var b = io.helidon.health.HealthCheckResponse.builder().status(st.healthy())
                            .detail("policyVersion", st.policyVersion()).detail("enforcing", st.enforcing());
                    st.lastError().ifPresent(e -> b.detail("lastReloadError", e));
                    return b.build();
                })
                .start();
        auth.start(gateway.baseUri());
        registry.start();
        policy.start();
        return new GatewayApp(gateway, connector, mcp, registry, policy);
    }

    /**
     * The key MCP sessions and upstream connections are bound to: the person and the agent. A session
     * created by one of them cannot be used by another.
     */
    private static String principal(ServerRequest req) {
        return AuthContext.caller(req).map(GatewayApp::principalKey).orElse("anonymous");
    }

    private static String principalKey(Caller caller) {
        return caller.user().issuer() + "\u0000" + caller.user().id() + "\u0000" + caller.agent().clientId();
    }

    /** @return the running listener */
    public Gateway gateway() {
        return gateway;
    }

    /** Drains and stops the listener, then ends MCP sessions, health checks and upstream connections. */
    @Override
    public void close() {
        policy.close();
        gateway.close();
        mcp.close();
        registry.close();
        connector.close();
    }
}
