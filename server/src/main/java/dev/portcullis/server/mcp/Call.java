package dev.portcullis.server.mcp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.McpError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One client request being relayed to an upstream. The upstream call runs on its own virtual thread
 * and reports what happens as {@link Event}s; the HTTP handler that owns the client's response consumes
 * them and answers in the client's era (SSE messages and server-initiated requests for session-era
 * clients; {@code input_required} rounds for stateless clients).
 */
final class Call implements Exchange {
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ObjectNode clientCapabilities;
    private final Optional<String> logLevel;
    private final Duration inputTimeout;
    private final AtomicInteger inputKeys = new AtomicInteger();
    private final Map<String, Input> pendingInputs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean cancelled;
    private volatile Thread worker;

    Call(ObjectNode clientCapabilities, Optional<String> logLevel, Duration inputTimeout) {
        this.clientCapabilities = clientCapabilities;
        this.logLevel = logLevel;
        this.inputTimeout = inputTimeout;
    }

    /** What the upstream side produced. */
    sealed interface Event {
        /** A request-scoped notification. */
        record Notify(String method, ObjectNode params) implements Event {
        }

        /** Requests for client input; answer every future. */
        record Ask(Map<String, Input> inputs) implements Event {
        }

        /** The final result. */
        record Done(JsonNode result) implements Event {
        }

        /** The final error. */
        record Failed(McpError error) implements Event {
        }

        /** The client cancelled: nothing more is sent for this request. */
        record Cancelled() implements Event {
        }
    }

    /**
     * One request to the client and where its answer goes.
     *
     * @param method request method
     * @param params params
     * @param answer completed with the client's result, or exceptionally with an {@link McpError}
     */
    record Input(String method, ObjectNode params, CompletableFuture<JsonNode> answer) {
    }

    /**
     * Runs the upstream work on a new virtual thread.
     *
     * @param work the upstream call
     */
    void start(UpstreamWork work) {
        worker = Thread.ofVirtual().name("mcp-call").start(() -> {
            try {
                events.add(new Event.Done(work.run(this)));
            } catch (McpError e) {
                events.add(new Event.Failed(e));
            } catch (dev.portcullis.mcp.UpstreamException e) {
                events.add(new Event.Failed(new McpError(McpErrors.UPSTREAM_UNAVAILABLE,
                        "Upstream '" + e.upstream() + "' is unavailable: " + e.getMessage())));
            } catch (RuntimeException e) {
                System.getLogger(Call.class.getName()).log(System.Logger.Level.ERROR, "Relaying a request failed", e);
                events.add(new Event.Failed(new McpError(McpError.INTERNAL_ERROR, "The gateway could not relay the request.")));
            }
        });
    }

    /**
     * @param timeout longest wait
     * @return the next event, or null on timeout ({@link Event.Cancelled} after an interrupt, which cancels the call)
     */
    Event next(Duration timeout) {
        try {
            return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // the handler thread is being stopped: the call ends like a client cancellation
            Thread.currentThread().interrupt();
            cancel();
            return new Event.Cancelled();
        }
    }

    /** The client cancelled or went away: the upstream call stops, pending input requests fail. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Input input : pendingInputs.values()) {
            input.answer().completeExceptionally(new McpError(McpError.INTERNAL_ERROR, "The request was cancelled."));
        }
        events.add(new Event.Cancelled());
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
    }

    @Override
    public void notify(String method, ObjectNode params) {
        if (!cancelled) {
            events.add(new Event.Notify(method, params));
        }
    }

    @Override
    public JsonNode ask(String method, ObjectNode params) throws McpError {
        return ask(Map.of("input-" + inputKeys.incrementAndGet(), new Request(method, params))).values().iterator().next();
    }

    @Override
    public ObjectNode askAll(ObjectNode inputRequests) throws McpError {
        Map<String, Request> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : inputRequests.properties()) {
            JsonNode params = e.getValue().get("params");
            mapped.put(e.getKey(), new Request(e.getValue().path("method").asText(""),
                    params instanceof ObjectNode p ? p : clientCapabilities.objectNode()));
        }
        ObjectNode answers = clientCapabilities.objectNode();
        ask(mapped).forEach(answers::set);
        return answers;
    }

    /**
     * Asks the client for several inputs at once (one {@code input_required} round for stateless clients).
     *
     * @param requests key to request
     * @return key to the client's result
     * @throws McpError when the client declined, lacks a capability, or did not answer in time
     */
    Map<String, JsonNode> ask(Map<String, Request> requests) throws McpError {
        for (Request r : requests.values()) {
            try {
                requireCapability(r.method());
            } catch (McpError missing) {
                // the whole client request fails with this error, not just the upstream's question
                events.add(new Event.Failed(missing));
                throw missing;
            }
        }
        if (cancelled) {
            throw new McpError(McpError.INTERNAL_ERROR, "The request was cancelled.");
        }
        Map<String, Input> inputs = new LinkedHashMap<>();
        requests.forEach((k, r) -> inputs.put(k, new Input(r.method(), r.params(), new CompletableFuture<>())));
        inputs.forEach((k, input) -> pendingInputs.put(inputKeys.incrementAndGet() + ":" + k, input));
        events.add(new Event.Ask(inputs));
        if (cancelled) {
            inputs.values().forEach(i -> i.answer().completeExceptionally(
                    new McpError(McpError.INTERNAL_ERROR, "The request was cancelled.")));
        }
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        long deadline = System.nanoTime() + inputTimeout.toNanos();
        for (Map.Entry<String, Input> e : inputs.entrySet()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                answers.put(e.getKey(), e.getValue().answer().get(left, TimeUnit.NANOSECONDS));
                pendingInputs.values().remove(e.getValue());
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof McpError error) {
                    throw error;
                }
                throw new McpError(McpError.INTERNAL_ERROR, "The client could not answer " + e.getValue().method() + ".");
            } catch (TimeoutException ex) {
                throw new McpError(McpError.INTERNAL_ERROR, "The client did not answer " + e.getValue().method() + " in time.");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new McpError(McpError.INTERNAL_ERROR, "The request was cancelled.");
            }
        }
        return answers;
    }

    private void requireCapability(String method) throws McpError {
        String capability = switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> null;
        };
        if (capability != null && !clientCapabilities.has(capability)) {
            ObjectNode data = clientCapabilities.objectNode();
            data.putObject("requiredCapabilities").putObject(capability);
            throw new McpError(McpError.MISSING_REQUIRED_CLIENT_CAPABILITY,
                    "The client did not declare the '" + capability + "' capability this request needs.", data);
        }
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public Optional<String> logLevel() {
        return logLevel;
    }

    @Override
    public ObjectNode clientCapabilities() {
        return clientCapabilities;
    }

    /**
     * A request to the client.
     *
     * @param method method
     * @param params params
     */
    record Request(String method, ObjectNode params) {
    }

    /** The upstream side of a call. */
    @FunctionalInterface
    interface UpstreamWork {
        JsonNode run(Call call) throws McpError;
    }
}
