package dev.portcullis.server.mcp;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.portcullis.mcp.McpError;
import dev.portcullis.server.http.RequestFilter;
import dev.portcullis.server.observe.TraceContexts;
import io.helidon.webserver.http.ServerRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The trace of one relayed MCP request, after OpenTelemetry's MCP semantic conventions: the W3C trace context its
 * upstream request carries, and, when the gateway records spans, an MCP server span (parent: the trace context the
 * client put in {@code params._meta}, else the HTTP request's span, which is then linked) with an MCP client span
 * for the upstream call under it. Without recording there are no spans and the client's own trace context travels
 * on unchanged ({@code _meta}'s, else its {@code traceparent} header's), so the gateway neither breaks the client's
 * trace nor changes its sampling decision.
 */
final class CallTrace {
    /** No trace context and nothing to end. */
    static final CallTrace NONE = new CallTrace(Map.of(), null, null);

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("mcp.method.name");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Map<String, String> context;
    private final Span server;
    private final Span client;
    private final AtomicBoolean ended = new AtomicBoolean();

    private CallTrace(Map<String, String> context, Span server, Span client) {
        this.context = context;
        this.server = server;
        this.client = client;
    }

    /**
     * @param tracer   the gateway's tracer
     * @param req      the HTTP request carrying the MCP request
     * @param method   MCP method
     * @param params   the request's params as the client sent them
     * @param id       the client's JSON-RPC id
     * @param version  protocol version the client speaks
     * @param upstream where the request goes ({@code null} when not known yet)
     * @return the request's trace
     */
    static CallTrace start(Tracer tracer, ServerRequest req, String method, ObjectNode params, JsonNode id,
                           String version, String upstream) {
        SpanContext meta = TraceContexts.fromMeta(params.get("_meta"));
        Span http = Span.current();
        if (!http.isRecording()) {
            if (meta != null) {
                return new CallTrace(TraceContexts.headers(meta), null, null);
            }
            Optional<SpanContext> remote = req.context().get(RequestFilter.CONTEXT_REMOTE_TRACE, SpanContext.class);
            return remote.isEmpty() ? NONE : new CallTrace(TraceContexts.headers(remote.get()), null, null);
        }
        String target = switch (method) {
            case "tools/call", "prompts/get" -> params.path("name").asText("");
            default -> "";
        };
        String name = target.isEmpty() ? method : method + " " + target;
        SpanBuilder sb = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER).setAttribute(METHOD, method);
        if (version != null) {
            sb.setAttribute("mcp.protocol.version", version);
        }
        if (meta != null) {
            sb.setParent(Context.root().with(Span.wrap(meta))).addLink(http.getSpanContext());
        }
        if (id != null && !id.isNull()) {
            sb.setAttribute("jsonrpc.request.id", id.isTextual() ? id.asText() : id.toString());
        }
        switch (method) {
            case "tools/call" -> sb.setAttribute("gen_ai.tool.name", target).setAttribute("gen_ai.operation.name",
                    "execute_tool");
            case "prompts/get" -> sb.setAttribute("gen_ai.prompt.name", target);
            case "resources/read" -> sb.setAttribute("mcp.resource.uri", params.path("uri").asText(""));
            default -> {
                // no target attribute
            }
        }
        Span server = sb.startSpan();
        SpanBuilder cb = tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).setParent(Context.root().with(server))
                .setAttribute(METHOD, method);
        if (upstream != null) {
            cb.setAttribute("portcullis.upstream", upstream);
        }
        Span client = cb.startSpan();
        return new CallTrace(TraceContexts.headers(client.getSpanContext()), server, client);
    }

    /** @return the W3C trace context for the upstream request (empty: none) */
    Map<String, String> context() {
        return context;
    }

    /**
     * Ends the spans with the call's outcome; only the first outcome counts.
     *
     * @param result the result, or {@code null} on error
     * @param error  the error, or {@code null} on success
     */
    void ended(JsonNode result, McpError error) {
        if (server == null || !ended.compareAndSet(false, true)) {
            return;
        }
        if (error != null) {
            String code = Integer.toString(error.code());
            for (Span s : new Span[] {client, server}) {
                s.setAttribute(ERROR_TYPE, code);
                s.setAttribute("rpc.response.status_code", code);
                s.setStatus(StatusCode.ERROR, error.getMessage());
            }
        } else if (result != null && result.path("isError").asBoolean(false)) {
            client.setAttribute(ERROR_TYPE, "tool_error");
            server.setAttribute(ERROR_TYPE, "tool_error");
        }
        client.end();
        server.end();
    }
}
