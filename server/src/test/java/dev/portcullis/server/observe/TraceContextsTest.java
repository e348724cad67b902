package dev.portcullis.server.observe;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * W3C Trace Context parsing and writing (https://www.w3.org/TR/trace-context/): valid values are taken, anything
 * malformed is treated as absent.
 */
class TraceContextsTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String SAMPLED = "00-" + TRACE + "-" + PARENT + "-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aValidTraceparentHeaderIsTheRemoteParent() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("traceparent"), SAMPLED);
        headers.add(HeaderNames.create("tracestate"), "congo=t61rcWkgMzE");

        SpanContext remote = TraceContexts.fromHeaders(headers);

        assertThat(remote).isNotNull();
        assertThat(remote.isRemote()).isTrue();
        assertThat(remote.getTraceId()).isEqualTo(TRACE);
        assertThat(remote.getSpanId()).isEqualTo(PARENT);
        assertThat(remote.isSampled()).isTrue();
        assertThat(remote.getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
    }

    @Test
    void tracestateSplitOverTwoHeaderLinesIsJoined() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("traceparent"), SAMPLED);
        headers.add(HeaderNames.create("tracestate"), "congo=t61rcWkgMzE");
        headers.add(HeaderNames.create("tracestate"), "rojo=00f067aa0ba902b7");

        SpanContext remote = TraceContexts.fromHeaders(headers);

        assertThat(remote.getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
        assertThat(remote.getTraceState().get("rojo")).isEqualTo("00f067aa0ba902b7");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper-case hex
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // trace id one digit short
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has no more fields
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "00-zzf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "",
        "\u0000\u0001"})
    void aMalformedTraceparentIsIgnored(String value) {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("traceparent"), value);
        assertThat(TraceContexts.fromHeaders(headers)).isNull();

        assertThat(TraceContexts.fromMeta(JSON.createObjectNode().put("traceparent", value))).isNull();
    }

    @Test
    void anOversizedOrMalformedTracestateIsDroppedButTheParentKept() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        for (String state : new String[] {many.toString(), "a=" + "x".repeat(600), "not a tracestate"}) {
            WritableHeaders<?> headers = WritableHeaders.create();
            headers.add(HeaderNames.create("traceparent"), SAMPLED);
            headers.add(HeaderNames.create("tracestate"), state);

            SpanContext remote = TraceContexts.fromHeaders(headers);

            assertThat(remote.getSpanId()).isEqualTo(PARENT);
            assertThat(remote.getTraceState().isEmpty()).as(state).isTrue();
            assertThat(TraceContexts.headers(remote)).containsOnlyKeys("traceparent");
        }
    }

    @Test
    void aFutureVersionIsReadForItsKnownFieldsAndForwardedAsVersion00Only() {
        // W3C Trace Context: a higher version is parsed for the fields version 00 defines; what follows is not ours
        // to forward, so a long tail cannot be amplified into every upstream request
        String future = "cc-" + TRACE + "-" + PARENT + "-01-" + "x".repeat(10_000);
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("traceparent"), future);

        SpanContext remote = TraceContexts.fromHeaders(headers);

        assertThat(remote).isNotNull();
        assertThat(TraceContexts.headers(remote)).containsExactly(Map.entry("traceparent", SAMPLED));
        assertThat(TraceContexts.fromMeta(JSON.createObjectNode().put("traceparent", future)).getSpanId())
                .isEqualTo(PARENT);
    }

    @Test
    void twoTraceparentHeadersAreNoTraceparent() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("traceparent"), SAMPLED);
        headers.add(HeaderNames.create("traceparent"), "00-" + TRACE + "-b7ad6b7169203331-01");

        assertThat(TraceContexts.fromHeaders(headers)).isNull();
    }

    @Test
    void noTraceparentIsNoContext() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.add(HeaderNames.create("tracestate"), "congo=t61rcWkgMzE");

        assertThat(TraceContexts.fromHeaders(headers)).isNull();
        assertThat(TraceContexts.fromMeta(null)).isNull();
        assertThat(TraceContexts.fromMeta(JSON.createArrayNode())).isNull();
        assertThat(TraceContexts.fromMeta(JSON.createObjectNode().put("progressToken", 1))).isNull();
        assertThat(TraceContexts.fromMeta(JSON.createObjectNode().put("traceparent", 7))).isNull();
    }

    @Test
    void mcpMetaCarriesTheSameFields() throws Exception {
        JsonNode meta = JSON.readTree("{\"traceparent\":\"" + SAMPLED + "\",\"tracestate\":\"congo=t61rcWkgMzE\"}");

        SpanContext remote = TraceContexts.fromMeta(meta);

        assertThat(remote.getTraceId()).isEqualTo(TRACE);
        assertThat(remote.getSpanId()).isEqualTo(PARENT);
        assertThat(remote.getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
    }

    @Test
    void writtenBackAsTheSameHeaders() throws Exception {
        JsonNode meta = JSON.readTree("{\"traceparent\":\"00-" + TRACE + "-" + PARENT + "-00\",\"tracestate\":\"congo=t61rcWkgMzE\"}");

        Map<String, String> out = TraceContexts.headers(TraceContexts.fromMeta(meta));

        assertThat(out).containsExactlyInAnyOrderEntriesOf(Map.of(
                "traceparent", "00-" + TRACE + "-" + PARENT + "-00", "tracestate", "congo=t61rcWkgMzE"));
        assertThat(TraceContexts.headers(SpanContext.getInvalid())).isEmpty();
        assertThat(TraceContexts.headers(null)).isEmpty();
    }
}
