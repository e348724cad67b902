package dev.portcullis.server.observe;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import dev.portcullis.mcp.Meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) into and out of the gateway: read from a request's
 * {@code traceparent}/{@code tracestate} HTTP headers or from an MCP request's {@code params._meta} (where MCP
 * carries it over any transport), written for upstream requests. Parsing is OpenTelemetry's W3C propagator:
 * a malformed value (wrong version format, lengths, non-hex or all-zero ids, oversized {@code tracestate}) is
 * ignored as if absent, never an error.
 */
public final class TraceContexts {
    private static final HeaderName TRACEPARENT = HeaderNames.create(Meta.TRACEPARENT);
    private static final HeaderName TRACESTATE = HeaderNames.create(Meta.TRACESTATE);
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final List<String> FIELDS = List.of(Meta.TRACEPARENT, Meta.TRACESTATE);

    private static final TextMapGetter<Headers> HEADERS = getter((carrier, key) -> {
        HeaderName name = Meta.TRACEPARENT.equals(key) ? TRACEPARENT : Meta.TRACESTATE.equals(key) ? TRACESTATE : null;
        if (name == null || !carrier.contains(name)) {
            return null;
        }
        // a repeated traceparent is not a valid one; tracestate may be split over several lines (RFC 9110)
        List<String> values = carrier.get(name).allValues();
        return name == TRACESTATE ? String.join(",", values) : values.size() == 1 ? values.getFirst() : null;
    });

    private static final TextMapGetter<JsonNode> META = getter((carrier, key) -> {
        JsonNode v = carrier.get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    });

    private TraceContexts() {
    }

    /**
     * @param headers a request's headers
     * @return the remote span context they carry, or {@code null} when they carry no valid one
     */
    public static SpanContext fromHeaders(Headers headers) {
        if (!headers.contains(TRACEPARENT)) {
            return null; // the common case, without building a context
        }
        return valid(W3C.extract(Context.root(), headers, HEADERS));
    }

    /**
     * @param meta an MCP request's {@code params._meta} (may be {@code null} or not an object)
     * @return the remote span context it carries, or {@code null} when it carries no valid one
     */
    public static SpanContext fromMeta(JsonNode meta) {
        if (meta == null || !meta.isObject() || !meta.has(Meta.TRACEPARENT)) {
            return null;
        }
        return valid(W3C.extract(Context.root(), meta, META));
    }

    /**
     * @param span a span context (local or remote)
     * @return {@code traceparent} and, when its trace state is not empty, {@code tracestate}; empty when invalid
     */
    public static Map<String, String> headers(SpanContext span) {
        if (span == null || !span.isValid()) {
            return Map.of();
        }
        String[] parent = new String[1];
        String[] state = new String[1];
        W3C.inject(Context.root().with(Span.wrap(span)), null, (carrier, key, value) -> {
            if (Meta.TRACEPARENT.equals(key)) {
                parent[0] = value;
            } else if (Meta.TRACESTATE.equals(key)) {
                state[0] = value;
            }
        });
        if (parent[0] == null) {
            return Map.of();
        }
        return state[0] == null || state[0].isEmpty() ? Map.of(Meta.TRACEPARENT, parent[0])
                : Map.of(Meta.TRACEPARENT, parent[0], Meta.TRACESTATE, state[0]);
    }

    private static <C> TextMapGetter<C> getter(BiFunction<C, String, String> get) {
        return new TextMapGetter<>() {
            @Override
            public Iterable<String> keys(C carrier) {
                return FIELDS;
            }

            @Override
            public String get(C carrier, String key) {
                return carrier == null ? null : get.apply(carrier, key);
            }
        };
    }

    private static SpanContext valid(Context extracted) {
        SpanContext sc = Span.fromContext(extracted).getSpanContext();
        return sc.isValid() ? sc : null;
    }
}
