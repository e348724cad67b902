package dev.portcullis.server.auth;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.core.Agent;
import dev.portcullis.core.Caller;
import dev.portcullis.core.ReasonCode;
import dev.portcullis.core.Subject;
import dev.portcullis.server.Gateway;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.http.Problems;
import dev.portcullis.server.http.RequestFilter;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Layer-1 authentication for the gateway: the guard/authenticate filter, RFC 9728 Protected Resource
 * Metadata and, in demo/dev mode, the development issuer's JWKS and metadata.
 *
 * <p>Lifecycle: {@link #create(GatewayConfig)}, {@link #register(Gateway.Routes)} before the listener
 * starts, {@link #start(URI)} once it is bound (the resource URI may depend on the port in demo mode).
 * Until then protected routes answer 500 (fail closed), never pass.
 */
public final class AuthFeature {
    private static final System.Logger LOGGER = System.getLogger(AuthFeature.class.getName());
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    /** A protected route that shows callers who the gateway thinks they are (never the token). */
    public static final String WHOAMI_PATH = "/auth/whoami";

    private final GatewayConfig.Mode mode;
    private final AuthConfig config;
    private final Clock clock;
    private final Optional<DevIssuer> devIssuer;
    private volatile State state;
    private volatile String base;

    /** What the filter needs once the listener is bound. */
    record State(boolean disabled, Authenticator authenticator, ResourceServer resourceServer) {
        Caller anonymous(InetAddress ip) {
            return new Caller(new Subject("anonymous", "none", "Anonymous (authentication disabled)", "", Set.of()),
                    new Agent("unauthenticated", Optional.empty()), Optional.empty(), Set.of(), "none", ip);
        }
    }

    /**
     * A ready-to-use development token (demo/dev mode only).
     *
     * @param user   user name
     * @param groups the user's groups
     * @param token  the access token
     */
    public record DemoToken(String user, List<String> groups, String token) {
        /** Rejects nulls. */
        public DemoToken {
            Objects.requireNonNull(user, "user");
            groups = List.copyOf(groups);
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "DemoToken[" + user + "]";
        }
    }

    AuthFeature(GatewayConfig.Mode mode, AuthConfig config, Clock clock) {
        if (config == AuthConfig.INVALID) {
            throw new IllegalStateException("auth: the configuration has problems; refusing to start");
        }
        config.checkMode(mode);
        this.mode = mode;
        this.config = config;
        this.clock = clock;
        this.devIssuer = config.devIssuer().map(d -> new DevIssuer(d, clock));
    }

    /**
     * @param config validated gateway configuration
     * @return the feature
     * @throws IllegalStateException when the {@code auth} section was not valid
     * @throws IllegalArgumentException when the section is not allowed in the configured mode
     */
    public static AuthFeature create(GatewayConfig config) {
        return new AuthFeature(config.mode(), config.auth(), Clock.systemUTC());
    }

    /**
     * Registers the filter and the discovery routes.
     *
     * @param routes routing and route table
     */
    public void register(Gateway.Routes routes) {
        routes.routing().addFilter(new AuthFilter(new NetworkGuard(config.network()),
                config.disabled() ? AuthConfig.DEFAULT_PROTECT : config.protect(), () -> state));
        if (config.disabled()) {
            return;
        }
        routes.routing().get(ResourceServer.METADATA_PATH, this::metadata);
        routes.routing().get(ResourceServer.METADATA_PATH + "/*", this::metadata);
        routes.table().declare(ResourceServer.METADATA_PATH, List.of("GET"));
        routes.table().declare(ResourceServer.METADATA_PATH + "/*", List.of("GET"));
        routes.routing().get(WHOAMI_PATH, AuthFeature::whoami);
        routes.table().declare(WHOAMI_PATH, List.of("GET"));
        if (devIssuer.isPresent()) {
            DevIssuer dev = devIssuer.get();
            routes.routing().get(DevIssuer.JWKS_PATH, (req, res) -> json(res,
                    dev.publicKeys().toString(true).getBytes(StandardCharsets.UTF_8), "application/jwk-set+json"));
            routes.routing().get(DevIssuer.METADATA_PATH, (req, res) -> json(res,
                    dev.metadata(base).getBytes(StandardCharsets.UTF_8), "application/json"));
            routes.table().declare(DevIssuer.JWKS_PATH, List.of("GET"));
            routes.table().declare(DevIssuer.METADATA_PATH, List.of("GET"));
        }
    }

    /**
     * Binds the feature to the listener's base URI and starts authenticating.
     *
     * @param baseUri the gateway's base URI, e.g. {@code http://127.0.0.1:8080}
     */
    public void start(URI baseUri) {
        this.base = baseUri.toString().replaceAll("/+$", "");
        if (config.disabled()) {
            LOGGER.log(Level.WARNING, "*** LAYER-1 AUTHENTICATION IS DISABLED (auth.disabled: true, mode "
                    + mode.name().toLowerCase(java.util.Locale.ROOT) + "). Every request to a protected route runs as"
                    + " 'anonymous'. Never expose this instance. ***");
            state = new State(true, null, null);
            return;
        }
        URI resource = config.resource().orElseGet(() -> URI.create(base + "/mcp"));
        HttpJson http = new HttpJson(HTTP_TIMEOUT);
        List<IssuerVerifier> verifiers = new ArrayList<>();
        List<String> authorizationServers = new ArrayList<>();
        Optional<Introspector> introspector = Optional.empty();
        for (AuthConfig.Issuer issuer : config.issuers()) {
            verifiers.add(new IssuerVerifier(issuer.issuer(), issuer.audience(), issuer.algorithms(), issuer.clockSkew(),
                    issuer.groupsClaim(), new RemoteJwks(issuer.issuer(), issuer.discoveryUrl(), issuer.jwksUri(), http,
                    clock, issuer.jwksCacheTtl(), issuer.jwksMinRefetch())));
            authorizationServers.add(issuer.issuer());
            if (issuer.introspection().isPresent()) {
                introspector = Optional.of(new Introspector(issuer.issuer(), issuer.introspection().get(), clock, HTTP_TIMEOUT));
            }
        }
        if (devIssuer.isPresent()) {
            String iss = DevIssuer.issuer(base);
            verifiers.add(new IssuerVerifier(iss, Optional.empty(), List.of("ES256"), Duration.ofSeconds(60), "groups",
                    KeySource.fixed(devIssuer.get().publicKeys())));
            authorizationServers.add(iss);
            LOGGER.log(Level.WARNING, "Development token issuer enabled at " + iss + " (mode "
                    + mode.name().toLowerCase(java.util.Locale.ROOT) + "); its tokens are for demonstration only.");
        }
        Authenticator authenticator = new Authenticator(resource, verifiers, introspector, config.requiredScopes(),
                config.network().tokenIpClaim(), clock);
        state = new State(false, authenticator, new ResourceServer(resource, authorizationServers,
                config.scopesSupported(), config.requiredScopes()));
        LOGGER.log(Level.INFO, "Layer-1 authentication on: resource " + resource + ", issuers " + authorizationServers
                + ", protected " + config.protect());
    }

    /**
     * Tokens for the demo users, minted by the development issuer.
     *
     * @return the tokens; empty when the development issuer is not enabled or the feature has not started
     */
    public List<DemoToken> demoTokens() {
        State s = state;
        if (devIssuer.isEmpty() || s == null || s.disabled()) {
            return List.of();
        }
        List<String> scopes = config.requiredScopes().isEmpty() ? config.scopesSupported() : config.requiredScopes();
        List<DemoToken> tokens = new ArrayList<>();
        for (DevIssuer.DemoUser user : DevIssuer.USERS) {
            tokens.add(new DemoToken(user.username(), user.groups(), devIssuer.get().mint(user, DevIssuer.issuer(base),
                    s.authenticator().resource().toString(), scopes)));
        }
        return tokens;
    }

    /**
     * @return whether requests are authenticated (false only with {@code auth.disabled: true} in dev mode)
     */
    public boolean enabled() {
        return !config.disabled();
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        State s = state;
        String path = req.path().path();
        String suffix = path.substring(ResourceServer.METADATA_PATH.length());
        Optional<byte[]> doc = s == null || s.disabled() ? Optional.empty() : s.resourceServer().metadata(suffix);
        if (doc.isEmpty()) {
            Problems.send(res, ReasonCode.NOT_FOUND, "No such endpoint.",
                    req.context().get(RequestFilter.CONTEXT_REQUEST_ID, String.class).orElse(null), java.util.Map.of());
            return;
        }
        json(res, doc.get(), "application/json");
    }

    private static void whoami(ServerRequest req, ServerResponse res) {
        Optional<Caller> caller = AuthContext.caller(req);
        if (caller.isEmpty()) {
            // only reachable when the route is not in auth.protect
            Problems.send(res, ReasonCode.UNAUTHENTICATED, "A bearer token is required.",
                    req.context().get(RequestFilter.CONTEXT_REQUEST_ID, String.class).orElse(null), java.util.Map.of());
            return;
        }
        Caller c = caller.get();
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("sub", c.user().id());
        doc.put("issuer", c.user().issuer());
        doc.put("name", c.user().name());
        doc.put("email", c.user().email());
        doc.put("groups", new java.util.TreeSet<>(c.user().groups()));
        doc.put("client_id", c.agent().clientId());
        c.agent().actor().ifPresent(a -> doc.put("actor", a));
        doc.put("scopes", new java.util.TreeSet<>(c.scopes()));
        doc.put("token_id", c.tokenId());
        doc.put("ip", c.ip().getHostAddress());
        try {
            res.headers().contentType(HttpMediaType.create("application/json"));
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(doc));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(ServerResponse res, byte[] body, String type) {
        res.headers().contentType(HttpMediaType.create(type));
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
        res.send(body);
    }
}
