package dev.portcullis.server.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.server.config.ConfigReader;
import dev.portcullis.server.config.GatewayConfig.Mode;
import io.helidon.config.Config;

/**
 * Layer-1 authentication settings: the {@code auth} section of the gateway configuration.
 *
 * <p>Secure by default: a configuration without an {@code auth} section does not start; switching
 * authentication off needs {@code auth.disabled: true} and is allowed only in {@code dev} mode; the
 * built-in development issuer is refused in {@code production}.
 *
 * @param disabled        authentication switched off (dev mode only)
 * @param resource        the gateway's canonical resource URI (RFC 8707), e.g. {@code https://gw.example.com/mcp};
 *                        may be left out in demo/dev mode, where it is derived from the listener
 * @param protect         path patterns that need a token (exact, or prefix ending in {@code /*})
 * @param requiredScopes  scopes every token must carry on protected routes (else 403 insufficient_scope)
 * @param scopesSupported scopes announced in Protected Resource Metadata
 * @param issuers         trusted token issuers
 * @param network         client-address rules
 * @param devIssuer       the built-in development issuer, when enabled (demo/dev only)
 */
public record AuthConfig(boolean disabled, Optional<URI> resource, List<String> protect, List<String> requiredScopes,
                         List<String> scopesSupported, List<Issuer> issuers, Network network,
                         Optional<DevIssuer> devIssuer) {

    /** Routes protected when {@code auth.protect} is not set. */
    public static final List<String> DEFAULT_PROTECT = List.of("/mcp", "/mcp/*", "/admin/*", "/v1/*", "/v0.1/*", "/auth/*");
    /** Algorithms accepted when an issuer does not list its own. */
    public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "PS256", "ES256", "EdDSA");
    /** Asymmetric JWS algorithms an issuer may list; symmetric ones (HS*) and {@code none} never are. */
    public static final Set<String> KNOWN_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA", "Ed25519");
    /** Paths that are always reachable without a token. */
    static final List<String> ALWAYS_OPEN = List.of("/observe", "/.well-known");

    /** Authentication switched off: legal only in dev mode. */
    public static final AuthConfig DISABLED = new AuthConfig(true, Optional.empty(), List.of(), List.of(), List.of(),
            List.of(), Network.NONE, Optional.empty());

    /**
     * Placeholder for an {@code auth} section that had problems; {@link ConfigReader} reports them and
     * start-up stops, and nothing ever authenticates with it.
     */
    public static final AuthConfig INVALID = new AuthConfig(true, Optional.empty(), List.of(), List.of(), List.of(),
            List.of(), Network.NONE, Optional.empty());

    /** Validates. */
    public AuthConfig {
        Objects.requireNonNull(resource, "resource");
        protect = List.copyOf(protect);
        requiredScopes = List.copyOf(requiredScopes);
        scopesSupported = List.copyOf(scopesSupported);
        issuers = List.copyOf(issuers);
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(devIssuer, "devIssuer");
        if (!disabled && issuers.isEmpty() && devIssuer.isEmpty()) {
            throw new IllegalArgumentException("issuers: empty (expected: at least one issuer, or dev-issuer in demo/dev mode)");
        }
        if (issuers.stream().filter(i -> i.introspection().isPresent()).count() > 1) {
            throw new IllegalArgumentException("issuers: more than one issuer with introspection (expected: at most one)");
        }
    }

    /**
     * Checks the rules that depend on the mode.
     *
     * @param mode the gateway mode
     * @throws IllegalArgumentException when this configuration is not allowed in the mode
     */
    public void checkMode(Mode mode) {
        if (this == INVALID) {
            return;
        }
        if (disabled && mode != Mode.DEV) {
            throw new IllegalArgumentException("auth.disabled: true is allowed only in mode dev");
        }
        if (devIssuer.isPresent() && mode == Mode.PRODUCTION) {
            throw new IllegalArgumentException("auth.dev-issuer: allowed only in mode demo or dev");
        }
        if (!disabled && resource.isEmpty() && mode == Mode.PRODUCTION) {
            throw new IllegalArgumentException("auth.resource: missing (expected: the gateway's canonical URI)");
        }
    }

    /**
     * Reads the {@code auth} section, recording problems with their key paths.
     *
     * @param node the {@code auth} node
     * @param mode the gateway mode
     * @param r    problem collector
     * @return the configuration (a disabled one when the section is invalid; {@code r} then has problems)
     */
    public static AuthConfig read(Config node, Mode mode, ConfigReader r) {
        if (!node.exists()) {
            r.problem(node, "missing: layer-1 authentication must be configured (issuers, resource), "
                    + "or switched off with 'disabled: true' in mode dev");
            return INVALID;
        }
        r.allowOnly(node, "disabled", "resource", "protect", "required-scopes", "scopes-supported", "issuers",
                "network", "dev-issuer");
        boolean disabled = r.bool(node.get("disabled"), false);
        if (disabled) {
            if (mode != Mode.DEV) {
                r.problem(node.get("disabled"), "true is allowed only in mode dev (mode is "
                        + mode.name().toLowerCase(Locale.ROOT) + ")");
                return INVALID;
            }
            return DISABLED;
        }
        Optional<URI> resource = Optional.empty();
        String rawResource = r.string(node.get("resource"), "");
        if (!rawResource.isEmpty()) {
            resource = httpUri(node.get("resource"), rawResource, r, true);
        } else if (mode == Mode.PRODUCTION) {
            r.problem(node.get("resource"), "missing (expected: the gateway's canonical resource URI, e.g. https://gw.example.com/mcp)");
        }
        List<String> protect = node.get("protect").exists() ? r.stringList(node.get("protect")) : DEFAULT_PROTECT;
        for (String p : protect) {
            if (!p.startsWith("/")) {
                r.problem(node.get("protect"), "'" + p + "' (expected: a path starting with /)");
            }
            for (String open : ALWAYS_OPEN) {
                if (p.equals(open) || p.startsWith(open + "/")) {
                    r.problem(node.get("protect"), "'" + p + "' is always open (observability and discovery must be reachable)");
                }
            }
        }
        List<String> required = scopes(node.get("required-scopes"), r);
        List<String> supported = scopes(node.get("scopes-supported"), r);
        if (supported.isEmpty()) {
            supported = required;
        }
        List<Issuer> issuers = new ArrayList<>();
        Config issuersNode = node.get("issuers");
        if (issuersNode.exists() && issuersNode.type() != Config.Type.LIST) {
            r.problem(issuersNode, "expected a list");
        } else {
            Set<String> seen = new HashSet<>();
            for (Config item : issuersNode.asNodeList().orElse(List.of())) {
                Issuer issuer = Issuer.read(item, r);
                if (issuer != null) {
                    if (!seen.add(issuer.issuer())) {
                        r.problem(item.get("issuer"), "'" + issuer.issuer() + "' is listed twice");
                    }
                    issuers.add(issuer);
                }
            }
        }
        if (issuers.stream().filter(i -> i.introspection().isPresent()).count() > 1) {
            r.problem(issuersNode, "more than one issuer has introspection (expected: at most one; "
                    + "an opaque token is never sent to several authorization servers)");
        }
        Network network = Network.read(node.get("network"), r);
        Optional<DevIssuer> dev = Optional.empty();
        Config devNode = node.get("dev-issuer");
        if (devNode.exists()) {
            r.allowOnly(devNode, "enabled", "token-lifetime", "client-id");
            boolean enabled = r.bool(devNode.get("enabled"), true);
            if (enabled) {
                if (mode == Mode.PRODUCTION) {
                    r.problem(devNode, "the built-in development issuer is allowed only in mode demo or dev");
                }
                dev = Optional.of(new DevIssuer(
                        r.duration(devNode.get("token-lifetime"), Duration.ofHours(8), Duration.ofMinutes(1), Duration.ofDays(7)),
                        r.string(devNode.get("client-id"), "portcullis-demo-agent")));
            }
        }
        if (issuers.isEmpty() && dev.isEmpty()) {
            r.problem(issuersNode, "empty (expected: at least one trusted issuer"
                    + (mode == Mode.PRODUCTION ? ")" : ", or dev-issuer.enabled: true)"));
        }
        try {
            AuthConfig config = new AuthConfig(false, resource, protect, required, supported, issuers, network, dev);
            config.checkMode(mode);
            return config;
        } catch (IllegalArgumentException e) {
            // already reported with its key path above
            return INVALID;
        }
    }

    private static List<String> scopes(Config node, ConfigReader r) {
        List<String> scopes = r.stringList(node);
        for (String s : scopes) {
            // RFC 6749 scope-token: %x21 / %x23-5B / %x5D-7E
            if (s.isEmpty() || !s.chars().allMatch(c -> c == 0x21 || c >= 0x23 && c <= 0x5B || c >= 0x5D && c <= 0x7E)) {
                r.problem(node, "'" + s + "' is not a valid scope token (RFC 6749 section 3.3)");
            }
        }
        return scopes;
    }

    static Optional<URI> httpUri(Config node, String raw, ConfigReader r, boolean resource) {
        try {
            URI uri = new URI(raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                r.problem(node, "'" + raw + "' (expected: an absolute http or https URI)");
                return Optional.empty();
            }
            if (resource && (uri.getRawFragment() != null || uri.getRawQuery() != null)) {
                // RFC 8707 section 2: a resource indicator must not contain a fragment (and should not a query)
                r.problem(node, "'" + raw + "' (expected: no query and no fragment, RFC 8707)");
                return Optional.empty();
            }
            if (resource && raw.endsWith("/")) {
                r.problem(node, "'" + raw + "' (expected: no trailing slash; the canonical form is e.g. https://gw.example.com/mcp)");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            r.problem(node, "'" + raw + "' is not a URI");
            return Optional.empty();
        }
    }

    /**
     * A trusted issuer.
     *
     * @param issuer          the exact {@code iss} value
     * @param discoveryUrl    where to read OIDC / RFC 8414 metadata; empty = derived from the issuer
     * @param jwksUri         the JWKS URL; when set, discovery is skipped
     * @param audience        the {@code aud} value required; empty = the gateway's resource URI
     * @param groupsClaim     claim path of the person's groups, dot-separated (e.g. {@code realm_access.roles})
     * @param algorithms      accepted JWS algorithms (asymmetric only)
     * @param clockSkew       tolerance for {@code exp}, {@code nbf} and {@code iat}
     * @param jwksCacheTtl    how long a fetched JWKS is used before it is fetched again
     * @param jwksMinRefetch  the shortest time between two fetches (unknown {@code kid} does not hammer the IdP)
     * @param introspection   RFC 7662 introspection for opaque tokens
     */
    public record Issuer(String issuer, Optional<URI> discoveryUrl, Optional<URI> jwksUri, Optional<String> audience,
                         String groupsClaim, List<String> algorithms, Duration clockSkew, Duration jwksCacheTtl,
                         Duration jwksMinRefetch, Optional<Introspection> introspection) {
        /** Validates. */
        public Issuer {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(discoveryUrl, "discoveryUrl");
            Objects.requireNonNull(jwksUri, "jwksUri");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(groupsClaim, "groupsClaim");
            algorithms = List.copyOf(algorithms);
            for (String a : algorithms) {
                if (!KNOWN_ALGORITHMS.contains(a)) {
                    throw new IllegalArgumentException("algorithms: " + a + " (expected one of " + KNOWN_ALGORITHMS + ")");
                }
            }
            Objects.requireNonNull(clockSkew, "clockSkew");
            Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
            Objects.requireNonNull(jwksMinRefetch, "jwksMinRefetch");
            Objects.requireNonNull(introspection, "introspection");
        }

        static Issuer read(Config node, ConfigReader r) {
            r.allowOnly(node, "issuer", "discovery-url", "jwks-uri", "audience", "groups-claim", "algorithms",
                    "clock-skew", "jwks-cache-ttl", "jwks-min-refetch-interval", "introspection");
            String issuer = r.string(node.get("issuer"), "");
            if (issuer.isEmpty()) {
                r.problem(node.get("issuer"), "missing (expected: the exact iss value of the issuer's tokens)");
                return null;
            }
            if (httpUri(node.get("issuer"), issuer, r, false).isEmpty()) {
                return null;
            }
            Optional<URI> discovery = optionalUri(node.get("discovery-url"), r);
            Optional<URI> jwks = optionalUri(node.get("jwks-uri"), r);
            String audience = r.string(node.get("audience"), "");
            List<String> algs = node.get("algorithms").exists() ? r.stringList(node.get("algorithms")) : DEFAULT_ALGORITHMS;
            List<String> good = new ArrayList<>();
            for (String a : algs) {
                if (KNOWN_ALGORITHMS.contains(a)) {
                    good.add(a);
                } else {
                    r.problem(node.get("algorithms"), "'" + a + "' (expected asymmetric JWS algorithms: "
                            + String.join(", ", new java.util.TreeSet<>(KNOWN_ALGORITHMS)) + ")");
                }
            }
            if (algs.isEmpty()) {
                r.problem(node.get("algorithms"), "empty (expected: at least one algorithm)");
            }
            String groups = r.string(node.get("groups-claim"), "groups");
            if (groups.isEmpty() || groups.startsWith(".") || groups.endsWith(".") || groups.contains("..")) {
                r.problem(node.get("groups-claim"), "'" + groups + "' (expected: a claim path such as groups or realm_access.roles)");
            }
            Optional<Introspection> introspection = Optional.empty();
            Config in = node.get("introspection");
            if (in.exists()) {
                r.allowOnly(in, "endpoint", "client-id", "client-secret", "cache-ttl");
                Optional<URI> endpoint = optionalUri(in.get("endpoint"), r);
                String clientId = r.string(in.get("client-id"), "");
                String secret = r.string(in.get("client-secret"), "");
                if (endpoint.isEmpty()) {
                    r.problem(in.get("endpoint"), "missing (expected: the RFC 7662 introspection endpoint)");
                }
                if (clientId.isEmpty()) {
                    r.problem(in.get("client-id"), "missing (expected: the gateway's client id at the issuer)");
                }
                if (secret.isEmpty()) {
                    r.problem(in.get("client-secret"), "missing (set it through PORTCULLIS_AUTH_ISSUERS_<n>_INTROSPECTION_CLIENT__SECRET)");
                }
                Duration ttl = r.duration(in.get("cache-ttl"), Duration.ofSeconds(60), Duration.ZERO, Duration.ofHours(1));
                if (endpoint.isPresent() && !clientId.isEmpty() && !secret.isEmpty()) {
                    introspection = Optional.of(new Introspection(endpoint.get(), clientId, new SecretValue(secret), ttl));
                }
            }
            return new Issuer(issuer, discovery, jwks, audience.isEmpty() ? Optional.empty() : Optional.of(audience),
                    groups, good.isEmpty() ? DEFAULT_ALGORITHMS : good,
                    r.duration(node.get("clock-skew"), Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(5)),
                    r.duration(node.get("jwks-cache-ttl"), Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
                    r.duration(node.get("jwks-min-refetch-interval"), Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1)),
                    introspection);
        }

        private static Optional<URI> optionalUri(Config node, ConfigReader r) {
            String raw = r.string(node, "");
            return raw.isEmpty() ? Optional.empty() : httpUri(node, raw, r, false);
        }
    }

    /**
     * RFC 7662 token introspection for opaque tokens.
     *
     * @param endpoint     the introspection endpoint
     * @param clientId     the gateway's client id
     * @param clientSecret the gateway's client secret
     * @param cacheTtl     how long an introspection answer is reused (never beyond the token's {@code exp})
     */
    public record Introspection(URI endpoint, String clientId, SecretValue clientSecret, Duration cacheTtl) {
        /** Rejects nulls. */
        public Introspection {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(cacheTtl, "cacheTtl");
        }
    }

    /**
     * Client-address rules.
     *
     * @param trustedProxies proxies whose {@code X-Forwarded-For} is believed
     * @param tokenIpClaim   claim holding the CIDR ranges a token may be used from (token IP pinning)
     * @param rules          per-route allow/deny lists
     */
    public record Network(List<Cidr> trustedProxies, Optional<String> tokenIpClaim, List<Rule> rules) {
        /** No rules, no trusted proxies, no pinning. */
        public static final Network NONE = new Network(List.of(), Optional.empty(), List.of());

        /** Copies lists. */
        public Network {
            trustedProxies = List.copyOf(trustedProxies);
            Objects.requireNonNull(tokenIpClaim, "tokenIpClaim");
            rules = List.copyOf(rules);
        }

        static Network read(Config node, ConfigReader r) {
            if (!node.exists()) {
                return NONE;
            }
            r.allowOnly(node, "trusted-proxies", "token-ip-claim", "rules");
            List<Cidr> proxies = cidrs(node.get("trusted-proxies"), r);
            String claim = r.string(node.get("token-ip-claim"), "");
            List<Rule> rules = new ArrayList<>();
            Config rulesNode = node.get("rules");
            if (rulesNode.exists() && rulesNode.type() != Config.Type.LIST) {
                r.problem(rulesNode, "expected a list");
            }
            for (Config item : rulesNode.asNodeList().orElse(List.of())) {
                r.allowOnly(item, "path", "allow", "deny");
                String path = r.string(item.get("path"), "");
                if (!path.startsWith("/")) {
                    r.problem(item.get("path"), "'" + path + "' (expected: a path or prefix ending in /*, starting with /)");
                    continue;
                }
                List<Cidr> allow = cidrs(item.get("allow"), r);
                List<Cidr> deny = cidrs(item.get("deny"), r);
                if (allow.isEmpty() && deny.isEmpty()) {
                    r.problem(item, "neither allow nor deny is set (the rule would never match)");
                }
                rules.add(new Rule(path, allow, deny));
            }
            return new Network(proxies, claim.isEmpty() ? Optional.empty() : Optional.of(claim), rules);
        }

        private static List<Cidr> cidrs(Config node, ConfigReader r) {
            List<Cidr> out = new ArrayList<>();
            for (String s : r.stringList(node)) {
                try {
                    out.add(Cidr.parse(s));
                } catch (IllegalArgumentException e) {
                    r.problem(node, e.getMessage());
                }
            }
            return out;
        }
    }

    /**
     * Client-address rule for a route. Deny wins over allow; when {@code allow} is not empty, addresses
     * outside it are denied.
     *
     * @param path  exact path, or prefix ending in {@code /*}
     * @param allow allowed ranges (empty = any address not denied)
     * @param deny  denied ranges
     */
    public record Rule(String path, List<Cidr> allow, List<Cidr> deny) {
        /** Copies lists. */
        public Rule {
            Objects.requireNonNull(path, "path");
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }
    }

    /**
     * The built-in development issuer.
     *
     * @param tokenLifetime lifetime of the printed demo tokens
     * @param clientId      the {@code client_id} put in demo tokens
     */
    public record DevIssuer(Duration tokenLifetime, String clientId) {
        /** Rejects nulls. */
        public DevIssuer {
            Objects.requireNonNull(tokenLifetime, "tokenLifetime");
            Objects.requireNonNull(clientId, "clientId");
        }
    }
}
