package dev.portcullis.openapi;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.ProtocolVersion;
import dev.portcullis.mcp.UpstreamConnection;
import dev.portcullis.mcp.UpstreamConnector;
import dev.portcullis.mcp.UpstreamException;
import dev.portcullis.mcp.UpstreamListener;
import dev.portcullis.mcp.UpstreamTarget;

/**
 * An {@link UpstreamConnector} decorator: {@link UpstreamTarget.OpenApi} targets are answered in-process (the
 * document is loaded and converted when the upstream connects; {@code tools/list} comes from the conversion,
 * {@code tools/call} calls the backend over HTTP); every other target goes to the decorated connector.
 */
public final class OpenApiConnector implements UpstreamConnector {
    /** How long a document fetched from a URL is reused before it is fetched and converted again. */
    static final java.time.Duration URL_REUSE = java.time.Duration.ofMinutes(5);
    private static final int MAX_CACHED = 64;

    private final UpstreamConnector delegate;
    /**
     * Conversions by registration: every session (and every stateless caller) opens its own connection, and
     * converting a large document takes seconds, so the result is shared. An inline document is reused as
     * long as the registration is unchanged; a file while its size and modification time are unchanged; a
     * URL for {@link #URL_REUSE}.
     */
    private final Map<UpstreamTarget.OpenApi, Converted> conversions = new java.util.concurrent.ConcurrentHashMap<>();

    private record Converted(OpenApiToolset tools, java.time.Instant at, String fileStamp) {
    }

    private OpenApiConnector(UpstreamConnector delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * @param delegate connector for MCP upstreams (HTTP, stdio); closed with this one
     * @return a connector that also handles OpenAPI upstreams
     */
    public static OpenApiConnector decorate(UpstreamConnector delegate) {
        return new OpenApiConnector(delegate);
    }

    /**
     * Connects to one OpenAPI upstream without a delegate (tests, benchmarks).
     *
     * @param target the registration
     * @return the connection
     * @throws UpstreamException when the document cannot be loaded or converted
     */
    public static UpstreamConnection connect(UpstreamTarget.OpenApi target) {
        OpenApiToolset tools;
        try {
            tools = OpenApiToolset.load(target);
        } catch (OpenApiException e) {
            throw new UpstreamException(target.name(), "upstream '" + target.name() + "': " + e.getMessage(), e);
        }
        return new Connection(target, tools);
    }

    @Override
    public UpstreamConnection connect(UpstreamTarget target, ObjectNode clientInfo, ObjectNode clientCapabilities,
                                      UpstreamListener listener) {
        if (target instanceof UpstreamTarget.OpenApi api) {
            return new Connection(api, converted(api));
        }
        return delegate.connect(target, clientInfo, clientCapabilities, listener);
    }

    OpenApiToolset converted(UpstreamTarget.OpenApi api) {
        String stamp = fileStamp(api);
        Converted known = conversions.get(api);
        if (known != null && known.fileStamp().equals(stamp)
                && (!(api.spec() instanceof UpstreamTarget.OpenApi.Spec.Location l) || !isUrl(l.location())
                    || known.at().plus(URL_REUSE).isAfter(java.time.Instant.now()))) {
            return known.tools();
        }
        OpenApiToolset tools;
        try {
            tools = OpenApiToolset.load(api);
        } catch (OpenApiException e) {
            throw new UpstreamException(api.name(), "upstream '" + api.name() + "': " + e.getMessage(), e);
        }
        if (conversions.size() >= MAX_CACHED) {
            conversions.clear();
        }
        conversions.put(api, new Converted(tools, java.time.Instant.now(), stamp));
        return tools;
    }

    private static boolean isUrl(String location) {
        return location.startsWith("http://") || location.startsWith("https://");
    }

    private static String fileStamp(UpstreamTarget.OpenApi api) {
        if (api.spec() instanceof UpstreamTarget.OpenApi.Spec.Location l && !isUrl(l.location())) {
            try {
                java.nio.file.Path path = java.nio.file.Path.of(l.location().startsWith("file:")
                        ? java.net.URI.create(l.location()).getPath() : l.location());
                return java.nio.file.Files.size(path) + "@" + java.nio.file.Files.getLastModifiedTime(path).toMillis();
            } catch (java.io.IOException | RuntimeException e) {
                return "unreadable";
            }
        }
        return "";
    }

    @Override
    public void close() {
        conversions.clear();
        delegate.close();
    }

    /** The in-process connection: protocol 2025-06-18 semantics, tools only. */
    private static final class Connection implements UpstreamConnection {
        private static final JsonNodeFactory F = JsonNodeFactory.instance;
        private final UpstreamTarget.OpenApi target;
        private final OpenApiToolset tools;
        private final Invoker invoker;
        private final ObjectNode list;
        private volatile boolean closed;

        Connection(UpstreamTarget.OpenApi target, OpenApiToolset tools) {
            this.target = target;
            this.tools = tools;
            this.invoker = new Invoker(tools, target);
            this.list = F.objectNode();
            tools.tools().forEach(t -> list.withArray("tools").add(t.toJson()));
            list.withArray("tools");
        }

        @Override
        public String name() {
            return target.name();
        }

        @Override
        public ProtocolVersion protocolVersion() {
            return ProtocolVersion.parse("2025-06-18").orElseThrow();
        }

        @Override
        public ObjectNode serverCapabilities() {
            ObjectNode caps = F.objectNode();
            caps.putObject("tools");
            return caps;
        }

        @Override
        public ObjectNode serverInfo() {
            ObjectNode info = F.objectNode();
            info.put("name", tools.title().isEmpty() ? target.name() : tools.title());
            info.put("version", tools.version().isEmpty() ? "0" : tools.version());
            return info;
        }

        @Override
        public String instructions() {
            return "";
        }

        @Override
        public JsonNode request(String method, ObjectNode params, Exchange exchange) throws McpError {
            if (closed) {
                throw new UpstreamException(target.name(), "upstream '" + target.name() + "': connection closed", null);
            }
            return switch (method) {
                case "tools/list" -> list;
                case "tools/call" -> {
                    JsonNode name = params.get("name");
                    if (name == null || !name.isTextual()) {
                        throw new McpError(McpError.INVALID_PARAMS, "tools/call: name missing");
                    }
                    yield invoker.call(name.textValue(), params.get("arguments"), exchange.traceContext());
                }
                case "ping" -> F.objectNode();
                case "prompts/list" -> F.objectNode().set("prompts", F.arrayNode());
                case "resources/list" -> F.objectNode().set("resources", F.arrayNode());
                case "resources/templates/list" -> F.objectNode().set("resourceTemplates", F.arrayNode());
                default -> throw new McpError(McpError.METHOD_NOT_FOUND, "Method not found: " + method);
            };
        }

        @Override
        public void notify(String method, ObjectNode params) {
            // nothing to notify: the backend is plain HTTP
        }

        @Override
        public void listen(Set<String> listChanges, Set<String> resourceUris) {
            // the tool list changes only on re-registration
        }

        @Override
        public boolean healthy() {
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
            invoker.close();
        }
    }
}
