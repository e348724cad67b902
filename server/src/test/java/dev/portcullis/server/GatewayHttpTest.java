package dev.portcullis.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.http.JsonBodies;
import io.helidon.http.Status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's HTTP surface: observability endpoints, problem responses for everything that can be
 * wrong with a request, request ids, spans and graceful shutdown.
 */
class GatewayHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 64 * 1024;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Gateway gateway;

    @BeforeEach
    void start() {
        GatewayConfig config = new GatewayConfig(GatewayConfig.Mode.DEV,
                new GatewayConfig.Server("127.0.0.1", 0, MAX_BODY, Duration.ofSeconds(5)),
                new GatewayConfig.Logging(GatewayConfig.Logging.Level.WARNING, GatewayConfig.Logging.Format.JSON),
                new GatewayConfig.Telemetry("test", java.util.Optional.empty(), List.of()));
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        gateway = Gateway.builder(config)
                .openTelemetry(otel)
                .routes(r -> {
                    r.routing().post("/test/echo", (req, res) -> {
                        JsonNode body = JsonBodies.read(req);
                        res.header("Content-Type", "application/json").send(JSON.writeValueAsBytes(body));
                    });
                    r.routing().get("/test/slow", (req, res) -> {
                        slowStarted.countDown();
                        releaseSlow.await(10, TimeUnit.SECONDS);
                        res.send("done");
                    });
                    r.routing().get("/test/boom", (req, res) -> {
                        throw new IllegalStateException("secret internal detail");
                    });
                    r.table().declare("/test/echo", List.of("POST"));
                    r.table().declare("/test/slow", List.of("GET"));
                })
                .start();
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        gateway.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUri() + path)).timeout(Duration.ofSeconds(10));
    }

    /** POSTs a body of the given media type to the echo route. */
    private HttpResponse<String> postEcho(String contentType, HttpRequest.BodyPublisher body) throws Exception {
        return send(request("/test/echo").header("Content-Type", contentType).POST(body));
    }

    /** POSTs {@code json} as {@code application/json} to the echo route. */
    private HttpResponse<String> postJson(String json) throws Exception {
        return postEcho("application/json", HttpRequest.BodyPublishers.ofString(json));
    }

    /** Writes raw bytes on a fresh connection and reads everything the gateway answers until it closes. */
    private String rawExchange(String request) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes());
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes());
        }
    }

    private static String requestId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    private static JsonNode problem(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
        assertThat(problem.path("type").asText()).isEqualTo("urn:portcullis:problem:" + problem.path("code").asText());
        return problem;
    }

    @Nested
    class Observability {
        @Test
        void healthIsUpWithReadinessCheck() throws Exception {
            HttpResponse<String> response = send(request("/observe/health"));

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode health = JSON.readTree(response.body());
            assertThat(health.path("status").asText()).isEqualTo("UP");
            assertThat(health.path("checks").findValuesAsText("name")).contains("gateway");
        }

        @Test
        void metricsArePrometheusTextAndCountRequests() throws Exception {
            send(request("/no-such-thing"));

            HttpResponse<String> response = send(request("/observe/metrics").header("Accept", "text/plain"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("# TYPE portcullis_http_requests_total counter");
            assertThat(response.body()).containsPattern("portcullis_http_requests_total\\{[^}]*status=\"4xx\"[^}]*} [1-9]");
            // request durations are a histogram (buckets add up across replicas), not client-side quantiles
            assertThat(response.body()).contains("# TYPE portcullis_http_request_duration_seconds histogram")
                    .containsPattern("portcullis_http_request_duration_seconds_bucket\\{[^}]*le=\"\\+Inf\"[^}]*} [1-9]")
                    .doesNotContain("portcullis_http_request_duration_seconds{");
            // the JVM's own meters
            assertThat(response.body()).contains("# TYPE memory_usedHeap_bytes gauge", "# TYPE gc_total counter",
                    "# TYPE thread_count gauge");
        }

        @Test
        void everyResponseCarriesARequestIdAndASpan() throws Exception {
            HttpResponse<String> response = send(request("/observe/health"));

            String requestId = requestId(response);
            assertThat(requestId).matches("[0-9a-f]{24}");
            // the span ends in the filter after the response has been written: wait for it, briefly
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (spans.getFinishedSpanItems().stream().noneMatch(s -> s.getAttributes().asMap().containsValue(requestId))
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spans.getFinishedSpanItems())
                    .anySatisfy(span -> {
                        assertThat(span.getName()).isEqualTo("GET /observe/…");
                        assertThat(span.getAttributes().asMap().values()).contains(requestId, 200L);
                    });
        }

        @Test
        void requestIdsAreUnique() throws Exception {
            String first = requestId(send(request("/observe/health")));
            String second = requestId(send(request("/observe/health")));

            assertThat(first).isNotEqualTo(second);
        }
    }

    @Nested
    class Problems {
        @Test
        void unknownRouteIsNotFound() throws Exception {
            HttpResponse<String> response = send(request("/nope"));

            assertThat(response.statusCode()).isEqualTo(404);
            JsonNode problem = problem(response);
            assertThat(problem.path("code").asText()).isEqualTo("not-found");
            assertThat(problem.path("requestId").asText()).isEqualTo(requestId(response));
        }

        @Test
        void wrongMethodIsMethodNotAllowedWithAllowHeader() throws Exception {
            HttpResponse<String> response = send(request("/test/echo").GET());

            assertThat(response.statusCode()).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).contains("POST");
            assertThat(problem(response).path("code").asText()).isEqualTo("method-not-allowed");
        }

        @Test
        void oversizedBodyWithContentLengthIsRejectedBeforeItIsSent() throws Exception {
            // a raw socket: the gateway must answer from the headers alone, without waiting for the body
            String answer = rawExchange("POST /test/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("\"code\":\"body-too-large\"");
        }

        @Test
        void oversizedChunkedBodyIsRejected() throws Exception {
            byte[] chunk = "x".repeat(20_000).getBytes();
            List<byte[]> chunks = new java.util.ArrayList<>(java.util.Collections.nCopies(10, chunk));
            chunks.addFirst("{\"a\":\"".getBytes());
            chunks.add("\"}".getBytes());
            HttpResponse<String> response = postEcho("application/json",
                    HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                            java.util.Collections.enumeration(chunks.stream()
                                    .map(java.io.ByteArrayInputStream::new).toList()))));

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(problem(response).path("code").asText()).isEqualTo("body-too-large");
        }

        @Test
        void malformedJsonSaysWhereWithoutEchoingTheBody() throws Exception {
            HttpResponse<String> response = postJson("{\"password\": \"hunter2\",\n  oops}");

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode problem = problem(response);
            assertThat(problem.path("code").asText()).isEqualTo("malformed-json");
            assertThat(problem.path("detail").asText()).contains("line 2").doesNotContain("hunter2");
        }

        @Test
        void emptyJsonBodyIsMalformed() throws Exception {
            HttpResponse<String> response = postEcho("application/json", HttpRequest.BodyPublishers.noBody());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(problem(response).path("code").asText()).isEqualTo("malformed-json");
        }

        @Test
        void duplicateKeysAreMalformed() throws Exception {
            HttpResponse<String> response = postJson("{\"a\":1,\"a\":2}");

            assertThat(response.statusCode()).isEqualTo(400);
        }

        @Test
        void excessiveNestingIsMalformed() throws Exception {
            String deep = "[".repeat(5000) + "]".repeat(5000);
            HttpResponse<String> response = postJson(deep);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(problem(response).path("code").asText()).isEqualTo("malformed-json");
        }

        @Test
        void nonJsonMediaTypeIsUnsupported() throws Exception {
            HttpResponse<String> response = postEcho("text/plain", HttpRequest.BodyPublishers.ofString("{}"));

            assertThat(response.statusCode()).isEqualTo(415);
            assertThat(problem(response).path("code").asText()).isEqualTo("unsupported-media-type");
        }

        @Test
        void validJsonPassesThrough() throws Exception {
            HttpResponse<String> response = postEcho("application/json; charset=utf-8",
                    HttpRequest.BodyPublishers.ofString("{\"a\":[1,2]}"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
        }

        @Test
        void unhandledErrorIsInternalWithoutStackTraceOrDetail() throws Exception {
            HttpResponse<String> response = send(request("/test/boom"));

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(problem(response).path("code").asText()).isEqualTo("internal");
            assertThat(response.body()).doesNotContain("secret internal detail").doesNotContain("IllegalStateException")
                    .doesNotContain("at dev.portcullis");
        }

        @Test
        void garbageRequestLineIsBadRequest() throws Exception {
            String answer = rawExchange("NOT HTTP AT ALL\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json");
        }
    }

    @Test
    void shutdownDrainsInFlightRequestsAndRefusesNewOnes() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(request("/test/slow").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
        Thread.sleep(200);
        assertThat(closing).isNotDone();
        HttpResponse<String> refused = postJson("{}");
        HttpResponse<String> readiness = send(request("/observe/health/ready"));
        releaseSlow.countDown();

        assertThat(slow.get(5, TimeUnit.SECONDS).body()).isEqualTo("done");
        closing.get(5, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(Status.SERVICE_UNAVAILABLE_503.code());
        assertThat(problem(refused).path("code").asText()).isEqualTo("shutting-down");
        assertThat(readiness.statusCode()).isEqualTo(503);
    }
}
