package dev.portcullis.mcp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A downstream side for tests: records what the upstream sent and answers asks from a table. */
final class TestExchange implements Exchange {

    /** Answers one kind of ask. */
    @FunctionalInterface
    interface Answer {
        JsonNode answer(ObjectNode params) throws McpError;
    }

    record Sent(String method, ObjectNode params) { }

    final List<Sent> notifications = new CopyOnWriteArrayList<>();
    final List<Sent> asks = new CopyOnWriteArrayList<>();
    final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final AtomicBoolean cancelled = new AtomicBoolean();
    volatile String logLevel;
    volatile ObjectNode capabilities = caps();
    volatile Map<String, String> traceContext = Map.of();

    static ObjectNode caps() {
        ObjectNode c = JsonRpc.mapper().createObjectNode();
        c.putObject("sampling");
        c.putObject("elicitation");
        c.putObject("roots");
        return c;
    }

    TestExchange answer(String method, Answer a) {
        answers.put(method, a);
        return this;
    }

    @Override
    public void notify(String method, ObjectNode params) {
        notifications.add(new Sent(method, params));
    }

    @Override
    public JsonNode ask(String method, ObjectNode params) throws McpError {
        asks.add(new Sent(method, params));
        Answer a = answers.get(method);
        if (a == null) {
            throw new McpError(McpError.METHOD_NOT_FOUND, "not supported: " + method);
        }
        return a.answer(params);
    }

    @Override
    public boolean cancelled() {
        return cancelled.get();
    }

    @Override
    public Map<String, String> traceContext() {
        return traceContext;
    }

    @Override
    public Optional<String> logLevel() {
        return Optional.ofNullable(logLevel);
    }

    @Override
    public ObjectNode clientCapabilities() {
        return capabilities;
    }

    List<Sent> notifications(String method) {
        return notifications.stream().filter(s -> s.method().equals(method)).toList();
    }
}
