package dev.portcullis.conformance.gateway;

import java.util.List;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
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
 * A gateway that does not record spans passes the caller's context on unchanged; one that records makes its own
 * request span the upstream's parent, within the caller's trace.
 */
class TraceContextTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final String CALLER = "00-" + TRACE + "-" + CALLER_SPAN + "-01";
    private static final String META_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String META = "00-" + META_TRACE + "-b7ad6b7169203331-01";
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
    void recordingTheGatewaysSpanIsTheUpstreamsParentInTheCallersTrace(Eras upstreamEra) {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(Sampler.alwaysOn()).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        try (FixtureServer fixture = FixtureServer.start(0, upstreamEra);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")), sdk)) {
            ObjectNode meta = McpHttp.JSON.createObjectNode().put("traceparent", META).put("tracestate", "rojo=1");
            JsonNode seen = seenByUpstream(gateway, meta, "traceparent", CALLER, "tracestate", STATE);

            SpanData server = spans.getFinishedSpanItems().stream()
                    .filter(s -> TRACE.equals(s.getTraceId()) && CALLER_SPAN.equals(s.getParentSpanId()))
                    .findFirst().orElseThrow(() -> new AssertionError("no gateway span in the caller's trace: "
                            + spans.getFinishedSpanItems()));
            String expected = "00-" + TRACE + "-" + server.getSpanId() + "-01";
            assertThat(seen.path("header.traceparent").asText()).isEqualTo(expected);
            assertThat(seen.path("meta.traceparent").asText()).isEqualTo(expected);
            assertThat(seen.path("header.tracestate").asText()).isEqualTo(STATE);
            assertThat(seen.path("meta.tracestate").asText()).isEqualTo(STATE);
            assertThat(server.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("tools/call");
            assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                    .isEqualTo("test_trace_context");
            // the context the client put in _meta is not the span's parent: it is linked
            assertThat(server.getLinks()).anySatisfy(link ->
                    assertThat(link.getSpanContext().getTraceId()).isEqualTo(META_TRACE));
        } finally {
            sdk.close();
        }
    }
}
