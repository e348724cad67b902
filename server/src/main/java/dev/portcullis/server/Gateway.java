package dev.portcullis.server;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.portcullis.core.ReasonCode;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.http.ProblemException;
import dev.portcullis.server.http.Problems;
import dev.portcullis.server.http.RequestFilter;
import dev.portcullis.server.http.RouteTable;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.NotFoundException;
import io.helidon.http.RequestException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import io.opentelemetry.api.OpenTelemetry;

/**
 * The running gateway: a Helidon WebServer with the request filter, observability endpoints, the
 * gateway's routes and uniform problem responses. {@link #close()} drains in-flight requests before
 * stopping.
 */
public final class Gateway implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Gateway.class.getName());

    private final GatewayConfig config;
    private final WebServer server;
    private final RequestFilter filter;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.List<Object> capabilities;

    private Gateway(GatewayConfig config, WebServer server, RequestFilter filter, java.util.List<Object> capabilities) {
        this.config = config;
        this.server = server;
        this.filter = filter;
        this.capabilities = java.util.List.copyOf(capabilities);
    }

    /**
     * A capability object attached when the gateway was built (e.g. layer-1 authentication).
     *
     * @param type capability type
     * @param <T>  capability type
     * @return the first attached capability of that type
     */
    public <T> Optional<T> capability(Class<T> type) {
        return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * @param config validated configuration
     * @return a builder
     */
    public static Builder builder(GatewayConfig config) {
        return new Builder(config);
    }

    /**
     * @return the bound port
     */
    public int port() {
        return server.port();
    }

    /**
     * @return base URI of the listener, e.g. {@code http://127.0.0.1:8080}
     */
    public URI baseUri() {
        String host = config.server().host();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    /**
     * @return the configuration in force
     */
    public GatewayConfig config() {
        return config;
    }

    /**
     * Graceful shutdown: readiness turns DOWN, new requests get 503, in-flight requests are given up to
     * {@code server.shutdown-grace} to finish, then the listener stops. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        filter.startDraining();
        Duration grace = config.server().shutdownGrace();
        long deadline = System.nanoTime() + grace.toNanos();
        long waiting = filter.inFlight();
        if (waiting > 0) {
            LOGGER.log(Level.INFO, "Draining " + waiting + " in-flight request(s), up to " + grace.toMillis() + " ms");
        }
        while (filter.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long left = filter.inFlight();
        if (left > 0) {
            LOGGER.log(Level.WARNING, left + " request(s) still running after the shutdown grace period; stopping anyway");
        }
        server.stop();
        LOGGER.log(Level.INFO, "Portcullis stopped");
    }

    /** Builds and starts a {@link Gateway}. */
    public static final class Builder {
        private final GatewayConfig config;
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();
        private Consumer<Routes> routes = r -> { };
        private final java.util.List<Object> capabilities = new java.util.ArrayList<>();
        private final java.util.Map<String, java.util.function.Supplier<HealthCheckResponse>> healthChecks =
                new java.util.LinkedHashMap<>();

        private Builder(GatewayConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * @param openTelemetry OpenTelemetry used for server spans
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Adds routes (each capability registers its own).
         *
         * @param routes receives the routing builder and the route table
         * @return this builder
         */
        public Builder routes(Consumer<Routes> routes) {
            this.routes = this.routes.andThen(routes);
            return this;
        }

        /**
         * Adds a readiness health check shown under {@code /observe/health}.
         *
         * @param name  check name
         * @param check the check
         * @return this builder
         */
        public Builder healthCheck(String name, java.util.function.Supplier<HealthCheckResponse> check) {
            healthChecks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Attaches a capability object that others can look up through {@link Gateway#capability(Class)}.
         *
         * @param capability the capability
         * @return this builder
         */
        public Builder capability(Object capability) {
            capabilities.add(Objects.requireNonNull(capability, "capability"));
            return this;
        }

        /**
         * Starts the listener.
         *
         * @return the running gateway
         */
        public Gateway start() {
            RequestFilter filter = new RequestFilter(openTelemetry.getTracer("dev.portcullis.server"));
            RouteTable table = new RouteTable();
            table.declare("/observe/*", java.util.List.of("GET"));

            HttpRouting.Builder routing = HttpRouting.builder()
                    .addFilter(filter)
                    .error(ProblemException.class, (req, res, e) -> Problems.send(res, e.code(), e.getMessage(),
                            requestId(req), e.headers()))
                    .error(NotFoundException.class, (req, res, e) -> notFound(table, req, res))
                    .error(RequestException.class, (req, res, e) -> {
                        ReasonCode code = Problems.forStatus(e.status().code());
                        Problems.send(res, code, Problems.defaultDetail(code), requestId(req), Map.of());
                    })
                    .error(Exception.class, (req, res, e) -> {
                        LOGGER.log(Level.ERROR, "Unhandled error in a route; answered 500", e);
                        Problems.send(res, ReasonCode.INTERNAL, Problems.defaultDetail(ReasonCode.INTERNAL),
                                requestId(req), Map.of());
                    });
            routes.accept(new Routes(routing, table));

            ObserveFeature observe = ObserveFeature.builder()
                    .addObserver(HealthObserver.builder()
                            .details(true)
                            .addCheck(() -> filter.draining()
                                            ? HealthCheckResponse.builder().status(false).detail("draining", true).build()
                                            : HealthCheckResponse.builder().status(true).build(),
                                    HealthCheckType.READINESS, "gateway")
                            .update(b -> healthChecks.forEach((name, check) ->
                                    b.addCheck(check, HealthCheckType.READINESS, name)))
                            .build())
                    .addObserver(MetricsObserver.create())
                    .build();

            WebServer server = WebServer.builder()
                    .host(config.server().host())
                    .port(config.server().port())
                    .maxPayloadSize(config.server().maxBodySize())
                    // room for a header just over the 16 KiB token limit, so layer 1 answers it with 401;
                    // an explicit HTTP/1 config must not be combined with the discovered default one
                    .protocolsDiscoverServices(false)
                    .addProtocol(io.helidon.webserver.http1.Http1Config.builder().maxHeadersSize(32 * 1024).build())
                    .shutdownGracePeriod(config.server().shutdownGrace())
                    .shutdownHook(false)
                    .directHandlers(DirectHandlers.builder()
                            .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, Builder::direct)
                            .addHandler(DirectHandler.EventType.BAD_REQUEST, Builder::direct)
                            .addHandler(DirectHandler.EventType.INTERNAL_ERROR, Builder::direct)
                            .addHandler(DirectHandler.EventType.OTHER, Builder::direct)
                            .addHandler(DirectHandler.EventType.FORBIDDEN, Builder::direct)
                            .addHandler(DirectHandler.EventType.HTTP_VERSION_NOT_SUPPORTED, Builder::direct)
                            .build())
                    .addFeature(observe)
                    .routing(routing)
                    .build()
                    .start();
            return new Gateway(config, server, filter, capabilities);
        }

        private static DirectHandler.TransportResponse direct(DirectHandler.TransportRequest request,
                                                              DirectHandler.EventType eventType,
                                                              io.helidon.http.Status status,
                                                              io.helidon.http.ServerResponseHeaders headers,
                                                              String message) {
            ReasonCode code = Problems.forStatus(status.code());
            headers.set(HeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON.text());
            headers.set(HeaderNames.CACHE_CONTROL, "no-store");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .keepAlive(eventType.keepAlive())
                    .entity(Problems.body(code, Problems.defaultDetail(code), null))
                    .build();
        }

        private static void notFound(RouteTable table, ServerRequest req, ServerResponse res) {
            Optional<java.util.Set<String>> allowed = table.allowed(req.path().path());
            if (allowed.isPresent()) {
                String allow = String.join(", ", allowed.get());
                Problems.send(res, ReasonCode.METHOD_NOT_ALLOWED,
                        "Method " + req.prologue().method().text() + " is not allowed here; allowed: " + allow + ".",
                        requestId(req), Map.of("Allow", allow));
            } else {
                Problems.send(res, ReasonCode.NOT_FOUND, "No such endpoint.", requestId(req), Map.of());
            }
        }

        private static String requestId(ServerRequest req) {
            return req.context().get(RequestFilter.CONTEXT_REQUEST_ID, String.class).orElse(null);
        }
    }

    /**
     * What a capability gets to register its routes: the routing builder and the route table (declare
     * every public path there so wrong methods get 405).
     *
     * @param routing Helidon routing builder
     * @param table   the route table
     */
    public record Routes(HttpRouting.Builder routing, RouteTable table) {
    }
}
