package dev.portcullis.server.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.portcullis.core.ReasonCode;
import dev.portcullis.server.observe.LogContext;
import dev.portcullis.server.observe.TraceContexts;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The outermost filter of every request: gives it a request id (response header {@code X-Request-Id}, and the
 * log lines written while it is handled, see {@link LogContext}), a server span (continuing the caller's trace
 * when the request carries a valid W3C {@code traceparent}), request metrics, and in-flight accounting for
 * graceful shutdown. While draining, new requests other than {@code /observe/*} get 503 {@code shutting-down}.
 */
public final class RequestFilter implements io.helidon.webserver.http.Filter {
    /** Request context key (class) under which the request id is registered. */
    public static final String CONTEXT_REQUEST_ID = "portcullis.request-id";
    /**
     * Request context key under which the caller's trace context ({@link SpanContext}, from the request's
     * {@code traceparent} header) is registered, when it sent a valid one.
     */
    public static final String CONTEXT_REMOTE_TRACE = "portcullis.remote-trace";

    /** Response header carrying the request id. */
    public static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");

    private static final System.Logger LOGGER = System.getLogger(RequestFilter.class.getName());
    // request ids only correlate (they are sent to the client in X-Request-Id): 32 bits drawn once per process
    // from SecureRandom keep replicas apart, 64 bits from ThreadLocalRandom per request keep requests apart;
    // SecureRandom per request cost 1.4 % of the gateway's CPU per relayed call
    private static final HexFormat HEX = HexFormat.of();
    private static final String PROCESS_ID = HEX.toHexDigits(new SecureRandom().nextInt());

    private final Tracer tracer;
    private final MeterRegistry registry = io.helidon.service.registry.Services.get(MeterRegistry.class);
    // meters by "method status-class" / method: looking them up through the registry's builders on every
    // request cost ~4 % of the gateway's CPU per relayed MCP request (bench/mcp-load.sh)
    private static final int MAX_CACHED_METERS = 64;
    private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    /** Upper bounds of the request duration histogram, in microseconds: sub-millisecond relays up to long tool calls. */
    private static final java.time.Duration[] DURATION_BUCKETS = java.util.stream.LongStream.of(
                    250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
                    2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000)
            .mapToObj(micros -> java.time.Duration.of(micros, java.time.temporal.ChronoUnit.MICROS))
            .toArray(java.time.Duration[]::new);
    private final LongAdder inFlight = new LongAdder();
    private final AtomicBoolean draining = new AtomicBoolean();

    /**
     * @param tracer tracer for server spans
     */
    public RequestFilter(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    @SuppressWarnings("try") // the scope only needs closing
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String requestId = newRequestId();
        String path = req.path().path();
        boolean observe = path.startsWith("/observe");
        res.header(X_REQUEST_ID, requestId);
        req.context().register(CONTEXT_REQUEST_ID, requestId);
        if (draining.get() && !observe) {
            res.header(HeaderNames.CONNECTION, "close");
            Problems.send(res, ReasonCode.SHUTTING_DOWN, "The gateway is shutting down; retry on another instance.",
                    requestId, java.util.Map.of("Retry-After", "1"));
            return;
        }
        String method = req.prologue().method().text();
        SpanBuilder builder = tracer.spanBuilder(method + " " + routeName(path)).setSpanKind(SpanKind.SERVER);
        SpanContext remote = TraceContexts.fromHeaders(req.headers());
        if (remote != null) { // the caller's trace continues here (W3C Trace Context)
            builder.setParent(Context.root().with(Span.wrap(remote)));
            req.context().register(CONTEXT_REMOTE_TRACE, remote);
        }
        Span span = builder.startSpan();
        boolean recording = span.isRecording(); // false unless spans are exported (Telemetry)
        if (recording) {
            span.setAttribute("http.request.method", method);
            span.setAttribute("url.path", path);
            span.setAttribute("portcullis.request_id", requestId);
        }
        long start = System.nanoTime();
        inFlight.increment();
        String traceId = span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
        try (Scope ignored = span.makeCurrent()) {
            LogContext.run(requestId, traceId, chain::proceed);
        } catch (RuntimeException | Error e) {
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            int status = res.status().code();
            if (recording) {
                span.setAttribute("http.response.status_code", status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                }
            }
            span.end();
            long elapsed = System.nanoTime() - start;
            record(method, status, observe, elapsed);
            if (LOGGER.isLoggable(System.Logger.Level.DEBUG)) {
                LogContext.run(requestId, traceId, () -> LOGGER.log(System.Logger.Level.DEBUG, method + " " + path
                        + " -> " + status + " in " + TimeUnit.NANOSECONDS.toMicros(elapsed) + " us"));
            }
            inFlight.decrement();
            if (Thread.currentThread().isVirtual()) {
                // the answer is sent: let other requests run before this connection reads its next request,
                // which has then usually arrived (no read that finds nothing, no poller registration and park)
                Thread.yield();
            }
        }
    }

    /**
     * Stops taking new work (except observability endpoints).
     */
    public void startDraining() {
        draining.set(true);
    }

    /**
     * @return whether the gateway is draining
     */
    public boolean draining() {
        return draining.get();
    }

    /**
     * @return requests currently being processed
     */
    public long inFlight() {
        return inFlight.sum();
    }

    private void record(String method, int status, boolean observe, long nanos) {
        if (observe) {
            return;
        }
        String statusClass = (status / 100) + "xx";
        String counterKey = method + " " + statusClass;
        Counter counter = requestCounters.get(counterKey);
        if (counter == null) {
            counter = registry.getOrCreate(Counter.builder("portcullis.http.requests")
                    .description("HTTP requests answered by the gateway")
                    .tags(java.util.List.of(Tag.create("method", method), Tag.create("status", statusClass))));
            if (requestCounters.size() < MAX_CACHED_METERS) { // clients choose the method: keep the cache bounded
                requestCounters.put(counterKey, counter);
            }
        }
        counter.increment();
        Timer timer = requestTimers.get(method);
        if (timer == null) {
            timer = registry.getOrCreate(Timer.builder("portcullis.http.request.duration")
                    .description("Time to answer HTTP requests")
                    .tags(java.util.List.of(Tag.create("method", method)))
                    // a Prometheus histogram, not client-side quantiles: buckets add up across replicas
                    // (histogram_quantile) and cost a bucket search per request instead of an HdrHistogram update
                    .percentiles(new double[0])
                    .buckets(DURATION_BUCKETS));
            if (requestTimers.size() < MAX_CACHED_METERS) {
                requestTimers.put(method, timer);
            }
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static String routeName(String path) {
        // keep span names low-cardinality: first path segment only
        int second = path.indexOf('/', 1);
        return second < 0 ? path : path.substring(0, second) + "/…";
    }

    /** @return 24 lower-case hex digits: this process's 32 random bits, then 64 random bits of this request */
    static String newRequestId() {
        return PROCESS_ID + HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
