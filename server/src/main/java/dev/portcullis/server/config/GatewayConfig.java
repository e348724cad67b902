package dev.portcullis.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.server.mcp.McpSettings;
import dev.portcullis.registry.Registration;
import dev.portcullis.server.policy.PolicySettings;
import dev.portcullis.server.registry.RegistrySettings;
import dev.portcullis.server.registry.UpstreamsSection;
import dev.portcullis.server.auth.AuthConfig;
import io.helidon.config.Config;

/**
 * The gateway's own settings (listener, limits, logging, telemetry, mode). Each later capability adds
 * its own section. Created only through {@link #create(Config)}, which reports every problem with its
 * key path, or through the records' constructors, which validate.
 *
 * @param mode      production, dev or demo; dev and demo enable development-only features and say so at start
 * @param server    listener and limits
 * @param logging   log level and format
 * @param telemetry OpenTelemetry settings
 * @param auth      layer-1 authentication (OAuth 2.1 resource server)
 * @param mcp       the MCP endpoint
 * @param upstreams upstreams registered by configuration (source {@code CONFIG}), in configuration order
 * @param registry  the registry's state file, health checks and admin scope
 * @param policy    the persona/entitlement policy bundle
 */
public record GatewayConfig(Mode mode, Server server, Logging logging, Telemetry telemetry, AuthConfig auth,
                            McpSettings mcp, List<Registration> upstreams, RegistrySettings registry,
                            PolicySettings policy) {

    /** Top-level sections this record reads. */
    public static final Set<String> SECTIONS = Set.of("mode", "server", "logging", "telemetry", "auth",
            McpSettings.SECTION, UpstreamsSection.SECTION, RegistrySettings.SECTION, PolicySettings.SECTION);

    /** Validates; authentication may be off only in dev mode and the development issuer never runs in production. */
    public GatewayConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(auth, "auth");
        auth.checkMode(mode);
        Objects.requireNonNull(mcp, "mcp");
        upstreams = List.copyOf(upstreams);
        for (Registration r : upstreams) {
            if (r.source() != Registration.Source.CONFIG) {
                throw new IllegalArgumentException("upstreams." + r.name() + ": source " + r.source() + " (expected: CONFIG)");
            }
        }
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * A configuration without a policy bundle.
     *
     * @param mode      mode
     * @param server    listener and limits
     * @param logging   logging
     * @param telemetry telemetry
     * @param auth      layer-1 authentication
     * @param mcp       the MCP endpoint
     * @param upstreams configured upstreams
     * @param registry  registry settings
     */
    public GatewayConfig(Mode mode, Server server, Logging logging, Telemetry telemetry, AuthConfig auth,
                         McpSettings mcp, List<Registration> upstreams, RegistrySettings registry) {
        this(mode, server, logging, telemetry, auth, mcp, upstreams, registry, PolicySettings.defaults());
    }

    /**
     * A configuration with the registry's default settings.
     *
     * @param mode      mode
     * @param server    listener and limits
     * @param logging   logging
     * @param telemetry telemetry
     * @param auth      layer-1 authentication
     * @param mcp       the MCP endpoint
     * @param upstreams configured upstreams
     */
    public GatewayConfig(Mode mode, Server server, Logging logging, Telemetry telemetry, AuthConfig auth,
                         McpSettings mcp, List<Registration> upstreams) {
        this(mode, server, logging, telemetry, auth, mcp, upstreams, RegistrySettings.defaults());
    }

    /**
     * A configuration without layer-1 authentication and without upstreams, for programmatic use in dev
     * mode (tests).
     *
     * @param mode      must be {@link Mode#DEV}
     * @param server    listener and limits
     * @param logging   logging
     * @param telemetry telemetry
     * @throws IllegalArgumentException in any other mode
     */
    public GatewayConfig(Mode mode, Server server, Logging logging, Telemetry telemetry) {
        this(mode, server, logging, telemetry, AuthConfig.DISABLED, McpSettings.defaults(), List.of(),
                RegistrySettings.defaults());
    }

    /**
     * @param extra an upstream to add after the configured ones
     * @return a copy with the upstream added
     */
    public GatewayConfig withUpstream(Registration extra) {
        List<Registration> all = new java.util.ArrayList<>(upstreams);
        all.add(extra);
        return new GatewayConfig(mode, server, logging, telemetry, auth, mcp, all, registry, policy);
    }

    /**
     * @param server new listener settings
     * @return a copy with other listener settings
     */
    public GatewayConfig withServer(Server server) {
        return new GatewayConfig(mode, server, logging, telemetry, auth, mcp, upstreams, registry, policy);
    }

    /**
     * @param registry new registry settings
     * @return a copy with other registry settings
     */
    public GatewayConfig withRegistry(RegistrySettings registry) {
        return new GatewayConfig(mode, server, logging, telemetry, auth, mcp, upstreams, registry, policy);
    }

    /**
     * @param policy new policy settings
     * @return a copy with other policy settings
     */
    public GatewayConfig withPolicy(PolicySettings policy) {
        return new GatewayConfig(mode, server, logging, telemetry, auth, mcp, upstreams, registry, policy);
    }

    /**
     * Reads and validates the configuration.
     *
     * @param root configuration root
     * @return the configuration
     * @throws ConfigException listing every problem, each with its key path
     */
    public static GatewayConfig create(Config root) {
        ConfigReader r = new ConfigReader();
        r.allowOnly(root, SECTIONS.toArray(String[]::new));
        GatewayConfig config = read(root, r);
        r.throwIfProblems();
        return config;
    }

    /**
     * Reads the configuration, recording problems in {@code r} without throwing (so that other
     * sections' problems can be added before reporting).
     *
     * @param root configuration root
     * @param r    problem collector
     * @return the configuration, with defaults where values were invalid
     */
    public static GatewayConfig read(Config root, ConfigReader r) {
        Mode mode = r.enumValue(root.get("mode"), Mode.class, Mode.PRODUCTION);
        Server server = Server.read(root.get("server"), r);
        Logging logging = Logging.read(root.get("logging"), r);
        Telemetry telemetry = Telemetry.read(root.get("telemetry"), r);
        AuthConfig auth = AuthConfig.read(root.get("auth"), mode, r);
        McpSettings mcp = McpSettings.read(root.get(McpSettings.SECTION), r);
        List<Registration> upstreams = UpstreamsSection.readAll(root.get(UpstreamsSection.SECTION), r);
        RegistrySettings registry = RegistrySettings.read(root.get(RegistrySettings.SECTION), r);
        PolicySettings policy = PolicySettings.read(root.get(PolicySettings.SECTION), r);
        return new GatewayConfig(mode, server, logging, telemetry, auth, mcp, upstreams, registry, policy);
    }

    /** How the gateway runs. */
    public enum Mode {
        /** Everything development-only is refused. */
        PRODUCTION,
        /** Development: may run without layer-1 authentication when explicitly configured. */
        DEV,
        /** The bundled demonstration: development features on, loopback only. */
        DEMO
    }

    /**
     * Listener and limits.
     *
     * @param host          address to bind (default {@code 127.0.0.1})
     * @param port          port to bind; 0 picks a free port
     * @param maxBodySize   largest request body accepted, in bytes; larger bodies get 413
     * @param shutdownGrace how long shutdown waits for in-flight requests to finish
     */
    public record Server(String host, int port, long maxBodySize, Duration shutdownGrace) {
        static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;

        /** Validates. */
        public Server {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: blank (expected: an address)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            if (maxBodySize <= 0) {
                throw new IllegalArgumentException("max-body-size: " + maxBodySize + " (expected: > 0)");
            }
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        }

        static Server read(Config node, ConfigReader r) {
            r.allowOnly(node, "host", "port", "max-body-size", "shutdown-grace");
            String host = r.string(node.get("host"), "127.0.0.1");
            if (host.isBlank()) {
                r.problem(node.get("host"), "blank (expected: an address such as 127.0.0.1)");
                host = "127.0.0.1";
            }
            return new Server(host,
                    r.integer(node.get("port"), 8080, 0, 65535),
                    r.byteSize(node.get("max-body-size"), DEFAULT_MAX_BODY, 1024, 1024L * 1024 * 1024),
                    r.duration(node.get("shutdown-grace"), Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10)));
        }
    }

    /**
     * Logging.
     *
     * @param level  root level: error, warning, info, debug or trace
     * @param format json (one JSON object per line) or text
     */
    public record Logging(Level level, Format format) {
        /** Validates. */
        public Logging {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(format, "format");
        }

        static Logging read(Config node, ConfigReader r) {
            r.allowOnly(node, "level", "format");
            return new Logging(r.enumValue(node.get("level"), Level.class, Level.INFO),
                    r.enumValue(node.get("format"), Format.class, Format.JSON));
        }

        /** Log levels. */
        public enum Level { ERROR, WARNING, INFO, DEBUG, TRACE }

        /** Log line formats. */
        public enum Format { JSON, TEXT }
    }

    /**
     * OpenTelemetry.
     *
     * @param serviceName  {@code service.name} resource attribute
     * @param otlpEndpoint OTLP/HTTP traces endpoint; empty means no export (spans are still created)
     * @param otlpHeaders  extra headers for the OTLP exporter (e.g. an API key); values never logged
     */
    public record Telemetry(String serviceName, Optional<String> otlpEndpoint, List<String> otlpHeaders) {
        /** Validates. */
        public Telemetry {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
            otlpHeaders = List.copyOf(otlpHeaders);
        }

        static Telemetry read(Config node, ConfigReader r) {
            r.allowOnly(node, "service-name", "otlp");
            Config otlp = node.get("otlp");
            r.allowOnly(otlp, "endpoint", "headers");
            String endpoint = r.string(otlp.get("endpoint"), "");
            if (!endpoint.isEmpty()) {
                try {
                    java.net.URI uri = new java.net.URI(endpoint);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                        r.problem(otlp.get("endpoint"), "'" + endpoint + "' (expected: an http or https URL)");
                        endpoint = "";
                    }
                } catch (java.net.URISyntaxException e) {
                    r.problem(otlp.get("endpoint"), "'" + endpoint + "' is not a URL");
                    endpoint = "";
                }
            }
            List<String> headers = r.stringList(otlp.get("headers"));
            for (String h : headers) {
                if (h.indexOf('=') <= 0) {
                    r.problem(otlp.get("headers"), "entry without '=' (expected: name=value)");
                }
            }
            return new Telemetry(r.string(node.get("service-name"), "portcullis"),
                    endpoint.isEmpty() ? Optional.empty() : Optional.of(endpoint), headers);
        }
    }
}
