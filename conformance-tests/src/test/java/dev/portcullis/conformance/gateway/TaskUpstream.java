package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small 2025-11-25 MCP server (JSON responses only) that runs one tool, {@code job}, as a task when asked. Task ids
 * are {@code t-1}, {@code t-2}, … on every instance, so two instances always collide. It declares
 * {@code tasks.cancel} and {@code tasks.requests.tools.call} but not {@code tasks.list}. The test finishes or forgets
 * tasks, and reads what the server received.
 */
final class TaskUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every request's method and params, in order. */
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> tasks = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String label;
    private final HttpServer server;

    TaskUpstream(String label) throws IOException {
        this.label = label;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    /** @param id a task of this server: it completes with a text naming this server */
    void complete(String id) {
        tasks.get(id).put("status", "completed");
    }

    /** @param id a task this server drops, as at the end of its ttl */
    void forget(String id) {
        tasks.remove(id);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                ex.sendResponseHeaders(ex.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
                return;
            }
            JsonNode message = JSON.readTree(ex.getRequestBody());
            if (!message.has("id")) {
                ex.sendResponseHeaders(202, -1);
                return;
            }
            received.add(JSON.createObjectNode().put("method", message.path("method").asText())
                    .set("params", message.path("params")));
            ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
            response.set("id", message.get("id"));
            JsonNode params = message.path("params");
            String taskId = params.path("taskId").asText();
            ObjectNode task = tasks.get(taskId);
            ObjectNode result = JSON.createObjectNode();
            switch (message.path("method").asText()) {
                case "initialize" -> {
                    result.put("protocolVersion", "2025-11-25");
                    ObjectNode caps = result.putObject("capabilities");
                    caps.putObject("tools");
                    ObjectNode t = caps.putObject("tasks");
                    t.putObject("cancel");
                    t.putObject("requests").putObject("tools").putObject("call");
                    result.putObject("serverInfo").put("name", "task-upstream-" + label).put("version", "1");
                    ex.getResponseHeaders().set("Mcp-Session-Id", UUID.randomUUID().toString());
                }
                case "tools/list" -> {
                    ObjectNode job = result.putArray("tools").addObject().put("name", "job");
                    job.putObject("inputSchema").put("type", "object");
                    job.putObject("execution").put("taskSupport", "optional");
                    result.withArray("tools").addObject().put("name", "plain").putObject("inputSchema").put("type", "object");
                }
                case "tools/call" -> {
                    if (params.has("task")) {
                        String id = "t-" + ids.incrementAndGet();
                        ObjectNode created = JSON.createObjectNode().put("taskId", id).put("status", "working")
                                .put("createdAt", "2026-12-07T10:00:00Z").put("lastUpdatedAt", "2026-12-07T10:00:00Z")
                                .put("ttl", 60_000).put("pollInterval", 100);
                        tasks.put(id, created);
                        result.set("task", created.deepCopy());
                    } else {
                        result.putArray("content").addObject().put("type", "text").put("text", "done at once by " + label);
                    }
                }
                case "tasks/get" -> {
                    if (task == null) {
                        response.putObject("error").put("code", -32602).put("message", "Task not found");
                    } else {
                        result = task.deepCopy();
                    }
                }
                case "tasks/result" -> {
                    if (task == null || !task.path("status").asText().equals("completed")) {
                        response.putObject("error").put("code", -32602).put("message", "Task not found or not done");
                    } else {
                        result.putArray("content").addObject().put("type", "text").put("text", "job done by " + label);
                        result.putObject("_meta").putObject("io.modelcontextprotocol/related-task").put("taskId", taskId);
                    }
                }
                case "tasks/cancel" -> {
                    if (task == null || !task.path("status").asText().equals("working")) {
                        response.putObject("error").put("code", -32602).put("message", "Task not found or finished");
                    } else {
                        task.put("status", "cancelled");
                        result = task.deepCopy();
                    }
                }
                default -> {
                    // ping and anything else: an empty result
                }
            }
            if (!response.has("error")) {
                response.set("result", result);
            }
            byte[] body = JSON.writeValueAsBytes(response);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
