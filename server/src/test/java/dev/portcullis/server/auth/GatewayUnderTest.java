package dev.portcullis.server.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.portcullis.server.Gateway;
import dev.portcullis.server.GatewayApp;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;
import dev.portcullis.server.observe.LogContext;

import io.opentelemetry.api.OpenTelemetry;

/** A real gateway on an ephemeral loopback port, started from YAML, with the auth log (and request ids) captured. */
final class GatewayUnderTest implements AutoCloseable {
    final Gateway gateway;
    private final dev.portcullis.server.GatewayApp app;
    final HttpClient client = HttpClient.newHttpClient();
    final List<String> authLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Logger> loggers = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            // published on the thread that logged: a request's lines carry its request id
            authLog.add(record.getLevel() + " " + record.getMessage()
                    + LogContext.requestId().map(id -> " [request " + id + "]").orElse(""));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    GatewayUnderTest(String yaml) {
        GatewayConfig config = GatewayConfig.create(ConfigLoader.fromYaml("test", yaml, Map.of()));
        for (String name : List.of(Authenticator.class.getName(), AuthFilter.class.getName())) {
            Logger logger = Logger.getLogger(name);
            logger.addHandler(handler);
            loggers.add(logger);
        }
        app = GatewayApp.start(config, OpenTelemetry.noop(), "test");
        gateway = app.gateway();
    }

    URI uri(String path) {
        return gateway.baseUri().resolve(path);
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> bearer(String path, String token) throws Exception {
        return get(path, "Authorization", "Bearer " + token);
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            loggers.forEach(l -> l.removeHandler(handler));
        }
    }
}
