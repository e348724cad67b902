package dev.portcullis.conformance.gateway;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A small 2025-11-25 MCP server (JSON responses only) that runs one tool, {@code job}, as a task when asked. Task ids
 * are {@code t-1}, {@code t-2}, … on every instance, so two instances always collide. It declares
 * {@code tasks.cancel} and {@code tasks.requests.tools.call} but not {@code tasks.list}. The test finishes or forgets
 * tasks, and reads what the server received.
 */
final class TaskUpstream extends SmallUpstream {
    /** The {@code job} tool's description: change it to change the tool's definition. */
    final AtomicReference<String> description = new AtomicReference<>("Runs a job.");
    /** Every request's method and params, in order. */
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> tasks = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String label;

    TaskUpstream(String label) throws IOException {
        this.label = label;
    }

    /** @param id a task of this server: it completes with a text naming this server */
    void complete(String id) {
        tasks.get(id).put("status", "completed");
    }

    /** @param id a task this server drops, as at the end of its ttl */
    void forget(String id) {
        tasks.remove(id);
    }

    @Override
    ObjectNode answer(HttpExchange ex, JsonNode message) {
        received.add(JSON.createObjectNode().put("method", message.path("method").asText())
                .set("params", message.path("params")));
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
                ObjectNode job = result.putArray("tools").addObject().put("name", "job").put("description", description.get());
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
                    return error(message, -32602, "Task not found");
                }
                result = task.deepCopy();
            }
            case "tasks/result" -> {
                if (task == null || !task.path("status").asText().equals("completed")) {
                    return error(message, -32602, "Task not found or not done");
                }
                result.putArray("content").addObject().put("type", "text").put("text", "job done by " + label);
                result.putObject("_meta").putObject("io.modelcontextprotocol/related-task").put("taskId", taskId);
            }
            case "tasks/cancel" -> {
                if (task == null || !task.path("status").asText().equals("working")) {
                    return error(message, -32602, "Task not found or finished");
                }
                task.put("status", "cancelled");
                result = task.deepCopy();
            }
            default -> {
                // ping and anything else: an empty result
            }
        }
        return result(message, result);
    }
}
