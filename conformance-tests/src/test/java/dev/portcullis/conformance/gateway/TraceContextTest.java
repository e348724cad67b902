package dev.portcullis.conformance.gateway;

import java.util.List;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * W3C Trace Context through the gateway to upstreams of either era: the fixture's {@code test_trace_context} tool
 * reports the {@code traceparent}/{@code tracestate} it received as HTTP headers and in {@code params._meta}.
 * A gateway that does not record spans passes the caller's context on unchanged; one that records puts its MCP
 * server and client spans (OpenTelemetry's MCP semantic conventions) between the caller and the upstream.
 */
class TraceContextTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String CALLER = "00-" + TRACE + "-" + CALLER_SPAN + "-01";
    private static final String META_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String META_SPAN = "b7ad6b7169203331";
    private static final String META = "00-" + META_TRACE + "-" + META_SPAN + "-01";
    private static final String CALL = "tools/call test_trace_context";
    private static final String STATE = "congo=t61rcWkgMzE";

    private static JsonNode seenByUpstream(GatewayUnderTest gateway, ObjectNode meta, String... headers) {
        McpHttp client = McpHttp.session(gateway.mcp("fixture"));
        ObjectNode params = McpHttp.JSON.createObjectNode().put("name", "test_trace_context");
        params.putObject("arguments");
        if (meta != null) {
            params.set("_meta", meta);
        }
        JsonNode response = McpHttp.lastMessage(McpHttp.post(gateway.mcp("fixture"), client.sessionId(),
                McpHttp.request(7, "tools/call", params), headers));
        String text = response.path("result").path("content").path(0).path("text").asText(null);
        assertThat(text).as("tool answer: %s", response).isNotNull();
        try {
            return McpHttp.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(text, e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void withoutRecordingTheCallersTraceparentHeaderReachesTheUpstreamUnchanged(Eras upstreamEra) {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            JsonNode seen = seenByUpstream(gateway, null, "traceparent", CALLER, "tracestate", STATE);

            assertThat(seen.path("header.traceparent").asText()).isEqualTo(CALLER);
            assertThat(seen.path("header.tracestate").asText()).isEqualTo(STATE);
            assertThat(seen.path("meta.traceparent").asText()).isEqualTo(CALLER);
            assertThat(seen.path("meta.tracestate").asText()).isEqualTo(STATE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void withoutRecordingTraceContextInMetaWinsAndAlsoTravelsAsHeaders(Eras upstreamEra) {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            ObjectNode meta = McpHttp.JSON.createObjectNode().put("traceparent", META);
            JsonNode seen = seenByUpstream(gateway, meta, "traceparent", CALLER);

            assertThat(seen.path("header.traceparent").asText()).isEqualTo(META);
            assertThat(seen.path("meta.traceparent").asText()).isEqualTo(META);
            assertThat(seen.has("header.tracestate")).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void noOrMalformedTraceContextSendsNone(Eras upstreamEra) {
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            assertThat(seenByUpstream(gateway, null).properties()).isEmpty();
            // an all-zero trace id is invalid: not forwarded
            JsonNode seen = seenByUpstream(gateway, null,
                    "traceparent", "00-00000000000000000000000000000000-" + CALLER_SPAN + "-01");
            assertThat(seen.properties()).isEmpty();
            ObjectNode badMeta = McpHttp.JSON.createObjectNode().put("traceparent", "00-" + TRACE + "-zz-01");
            seen = seenByUpstream(gateway, badMeta);
            assertThat(seen.has("header.traceparent")).isFalse();
            // what the client put in _meta is its own business: passed through untouched when the gateway has no
            // valid context to put in its place
            assertThat(seen.path("meta.traceparent").asText()).isEqualTo("00-" + TRACE + "-zz-01");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"LEGACY", "MODERN"})
    void recordingTheGatewaysMcpSpansSitBetweenTheCallerAndTheUpstream(Eras upstreamEra) {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(Sampler.alwaysOn()).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")), sdk)) {
            // only an HTTP traceparent: HTTP span <- MCP server span <- MCP client span <- upstream
            JsonNode seen = seenByUpstream(gateway, null, "traceparent", CALLER, "tracestate", STATE);

            SpanData http = only(spans, s -> s.getName().startsWith("POST") && s.getTraceId().equals(TRACE));
            SpanData server = only(spans, s -> s.getKind() == SpanKind.SERVER && s.getName().equals(CALL));
            SpanData client = only(spans, s -> s.getKind() == SpanKind.CLIENT && s.getName().equals(CALL));
            assertThat(http.getTraceId()).isEqualTo(TRACE);
            assertThat(http.getParentSpanId()).isEqualTo(CALLER_SPAN);
            assertThat(server.getParentSpanId()).isEqualTo(http.getSpanId());
            assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
            String expected = "00-" + TRACE + "-" + client.getSpanId() + "-01";
            assertThat(seen.path("header.traceparent").asText()).isEqualTo(expected);
            assertThat(seen.path("meta.traceparent").asText()).isEqualTo(expected);
            assertThat(seen.path("header.tracestate").asText()).isEqualTo(STATE);
            assertThat(seen.path("meta.tracestate").asText()).isEqualTo(STATE);
            assertThat(server.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("tools/call");
            assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                    .isEqualTo("test_trace_context");
            assertThat(server.getAttributes().get(AttributeKey.stringKey("jsonrpc.request.id"))).isEqualTo("7");
            assertThat(client.getAttributes().get(AttributeKey.stringKey("portcullis.upstream"))).isEqualTo("fixture");

            // MCP trace context in _meta: it is the MCP server span's parent, the HTTP span a link
            spans.reset();
            ObjectNode meta = McpHttp.JSON.createObjectNode().put("traceparent", META).put("tracestate", "rojo=1");
            seen = seenByUpstream(gateway, meta, "traceparent", CALLER, "tracestate", STATE);

            http = only(spans, s -> s.getName().startsWith("POST") && s.getTraceId().equals(TRACE));
            server = only(spans, s -> s.getKind() == SpanKind.SERVER && s.getName().equals(CALL));
            client = only(spans, s -> s.getKind() == SpanKind.CLIENT && s.getName().equals(CALL));
            assertThat(server.getTraceId()).isEqualTo(META_TRACE);
            assertThat(server.getParentSpanId()).isEqualTo(META_SPAN);
            String httpSpan = http.getSpanId();
            assertThat(server.getLinks()).anySatisfy(link ->
                    assertThat(link.getSpanContext().getSpanId()).isEqualTo(httpSpan));
            expected = "00-" + META_TRACE + "-" + client.getSpanId() + "-01";
            assertThat(seen.path("header.traceparent").asText()).isEqualTo(expected);
            assertThat(seen.path("meta.traceparent").asText()).isEqualTo(expected);
            assertThat(seen.path("meta.tracestate").asText()).isEqualTo("rojo=1");

            // an upstream error ends the spans with error.type
            spans.reset();
            McpHttp client2 = McpHttp.session(gateway.mcp("fixture"));
            client2.callText("test_error_handling");
            SpanData failed = only(spans, s -> s.getKind() == SpanKind.SERVER
                    && s.getName().equals("tools/call test_error_handling"));
            assertThat(failed.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("tool_error");
        } finally {
            sdk.close();
        }
    }

    /**
     * The one finished span matching {@code which}. The HTTP span ends in the request filter after the answer is
     * written, so the client can have its answer first: wait for the span, briefly.
     */
    private static SpanData only(InMemorySpanExporter spans, java.util.function.Predicate<SpanData> which) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(which).toList();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = spans.getFinishedSpanItems().stream().filter(which).toList();
        }
        assertThat(found).as("spans: %s", spans.getFinishedSpanItems()).hasSize(1);
        return found.getFirst();
    }
}
