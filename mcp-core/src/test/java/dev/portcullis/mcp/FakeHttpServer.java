package dev.portcullis.mcp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A scripted loopback HTTP server for edge cases real servers do not produce on demand. */
final class FakeHttpServer implements AutoCloseable {

    /** What the server saw. */
    record Seen(String method, Headers headers, JsonNode body) { }

    /** Answers one request. */
    @FunctionalInterface
    interface Handler {
        void handle(Seen seen, HttpExchange ex) throws IOException;
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeHttpServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/mcp", ex -> {
            try {
                byte[] body = ex.getRequestBody().readAllBytes();
                JsonNode json = body.length == 0 ? null : JsonRpc.mapper().readTree(body);
                Seen s = new Seen(ex.getRequestMethod(), ex.getRequestHeaders(), json);
                seen.add(s);
                handler.handle(s, ex);
            } catch (IOException e) {
                // client went away
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
    }

    static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    static OutputStream sse(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String id(Seen s) {
        return s.body().get("id").toString();
    }

    static String method(Seen s) {
        return s.body() == null ? "" : s.body().path("method").asText();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
