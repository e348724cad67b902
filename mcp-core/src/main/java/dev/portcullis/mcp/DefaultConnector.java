package dev.portcullis.mcp;

import java.net.http.HttpClient;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The connector: owns the HTTP client, the watchdog and every connection it opened. */
final class DefaultConnector implements UpstreamConnector {
    // Used for https:// upstreams only (TLS, HTTP/2); http:// upstreams use a blocking HTTP/1.1 client per
    // upstream (Http1Client), which costs far less per request on virtual threads.
    // The client's internal tasks (header and body parsing, completing the response future) run on its
    // selector thread: none of them blocks (callers wait on virtual threads; AbortableBody only enqueues),
    // and a thread hand-off per task cost ~20 % of the gateway's CPU per relayed request (bench/mcp-load.sh).
    private final HttpClient http = HttpClient.newBuilder()
            .executor(Runnable::run)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Watchdog watchdog = new Watchdog();
    private final Set<UpstreamConnection> open = ConcurrentHashMap.newKeySet();
    private final UpstreamConnectors.Options options;
    private volatile boolean closed;

    DefaultConnector(UpstreamConnectors.Options options) {
        this.options = options;
    }

    @Override
    public UpstreamConnection connect(UpstreamTarget target, ObjectNode clientInfo, ObjectNode clientCapabilities,
                                      UpstreamListener listener) {
        if (closed) {
            throw new UpstreamException(target.name(), "upstream '" + target.name() + "': connector closed", null);
        }
        UpstreamConnection c = switch (target) {
            case UpstreamTarget.Http h -> connectHttp(h, clientInfo, clientCapabilities, listener);
            case UpstreamTarget.Stdio s -> new StdioConnection(s, clientInfo, clientCapabilities, listener, watchdog, options).start();
            // answered in-process by openapi-to-mcp; the gateway decorates this connector to route them there
            case UpstreamTarget.OpenApi o -> throw new UpstreamException(o.name(),
                    "upstream '" + o.name() + "': OpenAPI upstreams need the OpenAPI connector", null);
        };
        open.add(c);
        return new Tracked(c);
    }

    private UpstreamConnection connectHttp(UpstreamTarget.Http target, ObjectNode clientInfo, ObjectNode caps,
                                           UpstreamListener listener) {
        HttpUpstream up = new HttpUpstream(target, http, watchdog.timer());
        try {
            return connectHttp(target, up, clientInfo, caps, listener);
        } catch (RuntimeException e) {
            up.close();
            throw e;
        }
    }

    private UpstreamConnection connectHttp(UpstreamTarget.Http target, HttpUpstream up, ObjectNode clientInfo,
                                           ObjectNode caps, UpstreamListener listener) {
        if (target.era().isPresent()) {
            return switch (target.era().get()) {
                case SESSION -> new HttpSessionConnection(target, up, ProtocolVersion.latestSession(), clientInfo, caps,
                        listener, watchdog, options).connect();
                case STATELESS -> new HttpStatelessConnection(target, up, clientInfo, caps, listener, watchdog, options).connect();
            };
        }
        HttpStatelessConnection modern = new HttpStatelessConnection(target, up, clientInfo, caps, listener, watchdog, options);
        return switch (modern.probe()) {
            case HttpStatelessConnection.Probe.Modern m -> modern.connect(m.discover());
            case HttpStatelessConnection.Probe.Legacy l ->
                    new HttpSessionConnection(target, up, l.version(), clientInfo, caps, listener, watchdog, options).connect();
        };
    }

    @Override
    public void close() {
        closed = true;
        for (UpstreamConnection c : open) {
            c.close();
        }
        open.clear();
        watchdog.close();
        http.close();
    }

    /** Forgets a connection when it is closed. */
    final class Tracked implements UpstreamConnection {
        private final UpstreamConnection c;

        Tracked(UpstreamConnection c) {
            this.c = c;
        }

        @Override
        public String name() {
            return c.name();
        }

        @Override
        public ProtocolVersion protocolVersion() {
            return c.protocolVersion();
        }

        @Override
        public ObjectNode serverCapabilities() {
            return c.serverCapabilities();
        }

        @Override
        public ObjectNode serverInfo() {
            return c.serverInfo();
        }

        @Override
        public String instructions() {
            return c.instructions();
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode request(String method, ObjectNode params, Exchange exchange)
                throws McpError {
            return c.request(method, params, exchange);
        }

        @Override
        public void notify(String method, ObjectNode params) {
            c.notify(method, params);
        }

        @Override
        public void listen(Set<String> listChanges, Set<String> resourceUris) {
            c.listen(listChanges, resourceUris);
        }

        @Override
        public boolean healthy() {
            return c.healthy();
        }

        @Override
        public void close() {
            open.remove(c);
            c.close();
        }

        /** @return the wrapped connection (tests) */
        UpstreamConnection unwrap() {
            return c;
        }
    }
}
