package dev.portcullis.server.observe;

import java.util.List;
import java.util.Optional;

import dev.portcullis.server.config.GatewayConfig;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spans are recorded only when they are exported; without an exporter they still carry ids for the logs.
 */
class TelemetryTest {
    @Test
    void withoutAnEndpointSpansCarryIdsButAreNotRecorded() {
        try (Telemetry telemetry = Telemetry.create(new GatewayConfig.Telemetry("t", Optional.empty(), List.of()))) {
            Span first = start(telemetry);
            Span second = start(telemetry);

            assertThat(first.isRecording()).isFalse();
            assertThat(first.getSpanContext().isValid()).isTrue();
            assertThat(first.getSpanContext().getTraceId()).isNotEqualTo(second.getSpanContext().getTraceId());
            first.end();
            second.end();
        }
    }

    @Test
    void withAnEndpointSpansAreRecorded() {
        // nothing listens there: the batch processor's export fails quietly on close
        try (Telemetry telemetry = Telemetry.create(new GatewayConfig.Telemetry("t",
                Optional.of("http://127.0.0.1:9/v1/traces"), List.of()))) {
            Span span = start(telemetry);

            assertThat(span.isRecording()).isTrue();
            assertThat(span.getSpanContext().isSampled()).isTrue();
            span.end();
        }
    }

    @Test
    void whenExportingACallersUnsampledFlagDoesNotHideItsRequests() {
        SpanContext caller = SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getDefault(), TraceState.getDefault());
        try (Telemetry telemetry = Telemetry.create(new GatewayConfig.Telemetry("t",
                Optional.of("http://127.0.0.1:9/v1/traces"), List.of()))) {
            Span span = telemetry.openTelemetry().getTracer("test").spanBuilder("POST /mcp")
                    .setParent(Context.root().with(Span.wrap(caller))).setSpanKind(SpanKind.SERVER).startSpan();

            assertThat(span.isRecording()).isTrue();
            assertThat(span.getSpanContext().isSampled()).isTrue();
            assertThat(span.getSpanContext().getTraceId()).isEqualTo(caller.getTraceId());
            span.end();
        }
    }

    @Test
    void withoutAnEndpointACallersTraceIdStillReachesTheLogs() {
        SpanContext caller = SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());
        try (Telemetry telemetry = Telemetry.create(new GatewayConfig.Telemetry("t", Optional.empty(), List.of()))) {
            Span span = telemetry.openTelemetry().getTracer("test").spanBuilder("POST /mcp")
                    .setParent(Context.root().with(Span.wrap(caller))).setSpanKind(SpanKind.SERVER).startSpan();

            assertThat(span.isRecording()).isFalse();
            assertThat(span.getSpanContext().getTraceId()).isEqualTo(caller.getTraceId());
            span.end();
        }
    }

    private static Span start(Telemetry telemetry) {
        return telemetry.openTelemetry().getTracer("test").spanBuilder("GET /mcp").setSpanKind(SpanKind.SERVER)
                .startSpan();
    }
}
