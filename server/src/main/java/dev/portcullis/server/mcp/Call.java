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
 * One client request being relayed to an upstream. The upstream call reports what happens as
 * {@link Event}s, which a {@link Handler} turns into the client's answer in the client's era (SSE messages
 * and server-initiated requests for session-era clients; {@code input_required} rounds for stateless
 * clients). Two ways to run it:
 * <ul>
 *     <li>{@link #runInline}: on the HTTP handler's own thread; events reach the handler synchronously
 *     (from whichever thread produces them, one at a time). Used whenever the call can finish within the
 *     client's HTTP exchange — it saves a thread and two hand-offs per call.</li>
 *     <li>{@link #start} + {@link #next}: on a virtual thread of its own, events through a queue. Needed
 *     when the call must outlive the HTTP exchange: a stateless client asked for input answers in a later
 *     request while the upstream call waits.</li>
 * </ul>
 */
final class Call implements Exchange {
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ObjectNode clientCapabilities;
    private final Optional<String> logLevel;
    private final Duration inputTimeout;
    private final CallTrace trace;
    private final AtomicInteger inputKeys = new AtomicInteger();
    private final Map<String, Input> pendingInputs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean cancelled;
    /** The thread running the upstream work; guarded by {@code this} so a cancellation never interrupts it after. */
    private Thread worker;
    /** Inline mode: where events go instead of the queue. */
    private volatile Sink sink;
    /** A capability an upstream asked for that this request did not declare (refused to the upstream). */
    private volatile String refusedCapability;
    /** Queued mode: an event taken while gathering requests for input, returned by the next {@link #next}. */
    private volatile Event peeked;

    Call(ObjectNode clientCapabilities, Optional<String> logLevel, Duration inputTimeout) {
        this(clientCapabilities, logLevel, inputTimeout, CallTrace.NONE);
    }

    /**
     * @param trace the request's trace: the context for the upstream request, and spans that end with the outcome
     */
    Call(ObjectNode clientCapabilities, Optional<String> logLevel, Duration inputTimeout, CallTrace trace) {
        this.trace = trace;
        this.clientCapabilities = clientCapabilities;
        this.logLevel = logLevel;
        this.inputTimeout = inputTimeout;
    }

    /** What the upstream side produced. */
    sealed interface Event {
        /** A request-scoped notification. */
        record Notify(String method, ObjectNode params) implements Event {
        }

        /**
         * Requests for client input; answer every future.
         *
         * @param inputs key to request
         * @param single one request of a session-era upstream, which may be followed by more of the same round
         *               (a stateless upstream's round comes whole)
         */
        record Ask(Map<String, Input> inputs, boolean single) implements Event {
            Ask(Map<String, Input> inputs) {
                this(inputs, false);
            }
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
     * Runs the upstream work on a new virtual thread; consume its events with {@link #next}.
     *
     * @param work the upstream call
     */
    void start(UpstreamWork work) {
        synchronized (this) {
            worker = Thread.ofVirtual().name("mcp-call").unstarted(() -> events.add(outcome(work)));
            worker.start();
        }
    }

    /**
     * Runs the upstream work on the calling thread. Events produced meanwhile (on this thread or another,
     * e.g. a stdio reader) go to {@code handler} one at a time; the final event is delivered too unless
     * the handler finished earlier. A cancellation interrupts the work, never the code after it.
     *
     * @param work      the upstream call
     * @param handler   answers the client
     * @param keepAlive how long an open stream may stay silent
     */
    void runInline(UpstreamWork work, Handler handler, Duration keepAlive) {
        Sink s = new Sink(handler, keepAlive);
        sink = s;
        synchronized (this) {
            worker = Thread.currentThread();
        }
        Event end;
        boolean external;
        try {
            end = outcome(work);
        } finally {
            synchronized (this) {
                worker = null;
            }
            // an interrupt from a cancellation was meant for the upstream wait and ends here; any other
            // (the server stopping) is restored once the client has its answer
            external = Thread.interrupted() && !cancelled;
        }
        try {
            s.deliver(end);
            s.finish();
        } finally {
            if (external) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Event outcome(UpstreamWork work) {
        Event end = run(work);
        switch (end) {
            case Event.Done d -> trace.ended(d.result(), null);
            case Event.Failed f -> trace.ended(null, f.error());
            default -> trace.ended(null, null);
        }
        return end;
    }

    private Event run(UpstreamWork work) {
        try {
            return new Event.Done(work.run(this));
        } catch (McpError e) {
            String refused = refusedCapability;
            if (refused != null && e.code() != McpError.MISSING_REQUIRED_CLIENT_CAPABILITY) {
                // the upstream gave up after it was refused a capability this request did not declare
                return new Event.Failed(missingCapabilityError(refused));
            }
            return new Event.Failed(e);
        } catch (dev.portcullis.mcp.UpstreamException e) {
            return new Event.Failed(new McpError(McpErrors.UPSTREAM_UNAVAILABLE,
                    "Upstream '" + e.upstream() + "' is unavailable: " + e.getMessage()));
        } catch (RuntimeException e) {
            System.getLogger(Call.class.getName()).log(System.Logger.Level.ERROR, "Relaying a request failed", e);
            return new Event.Failed(new McpError(McpError.INTERNAL_ERROR, "The gateway could not relay the request."));
        }
    }

    private void emit(Event event) {
        Sink s = sink;
        if (s != null) {
            s.deliver(event);
        } else {
            events.add(event);
        }
    }

    /**
     * @param timeout longest wait
     * @return the next event, or null on timeout ({@link Event.Cancelled} after an interrupt, which cancels the call)
     */
    Event next(Duration timeout) {
        return next(timeout, Duration.ZERO);
    }

    /**
     * Like {@link #next(Duration)}; in addition, requests for input that follow one another with less than
     * {@code gather} between them (for at most {@link #GATHER_LIMIT}) come as one {@link Event.Ask}: a session-era
     * upstream sends the requests it has at once one by one, and a stateless client should get them in one round.
     * An event of another kind that ends the gathering is returned by the next call.
     *
     * @param timeout longest wait for the first event
     * @param gather  longest quiet time between requests for input of one round; zero: no gathering
     */
    Event next(Duration timeout, Duration gather) {
        Event first = peeked;
        peeked = null;
        if (first == null) {
            first = poll(timeout);
        }
        if (!(first instanceof Event.Ask ask) || !ask.single() || gather.isZero()) {
            return first;
        }
        Map<String, Input> inputs = new LinkedHashMap<>(ask.inputs());
        long until = System.nanoTime() + GATHER_LIMIT.toNanos();
        while (System.nanoTime() - until < 0) {
            Event more = poll(gather);
            if (!(more instanceof Event.Ask next) || !next.single()) {
                peeked = more;
                break;
            }
            next.inputs().forEach((key, input) -> {
                String k = key;
                while (inputs.containsKey(k)) {
                    k = "input-" + inputKeys.incrementAndGet();
                }
                inputs.put(k, input);
            });
        }
        return new Event.Ask(inputs, false);
    }

    /** Longest time requests for input are gathered into one round. */
    static final Duration GATHER_LIMIT = Duration.ofMillis(500);

    private Event poll(Duration timeout) {
        try {
            return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
        emit(new Event.Cancelled());
        synchronized (this) {
            if (worker != null) {
                worker.interrupt();
            }
        }
    }

    @Override
    public void notify(String method, ObjectNode params) {
        if (!cancelled) {
            emit(new Event.Notify(method, params));
        }
    }

    @Override
    public JsonNode ask(String method, ObjectNode params) throws McpError {
        return ask(method, params, null);
    }

    /**
     * A session-era upstream's request for input. A stateless client sees it under the upstream's own id when that
     * is a usable key (a short string), else as {@code input-N}. A capability this client request did not declare is
     * refused to the upstream with method-not-found — what a client without that capability answers — and the
     * client's request goes on: the upstream session was set up with the gateway's capabilities, so the upstream
     * could not know, and may well do without. If it cannot, and fails the request, the client gets
     * MissingRequiredClientCapability (-32021) naming the capability (see {@link #run}).
     */
    @Override
    public JsonNode ask(String method, ObjectNode params, JsonNode requestId) throws McpError {
        String missing = missingCapability(method);
        if (missing != null) {
            refusedCapability = missing;
            throw new McpError(McpError.METHOD_NOT_FOUND,
                    "The client did not declare the '" + missing + "' capability for this request.");
        }
        String key = requestId != null && requestId.isTextual() && INPUT_KEY.matcher(requestId.textValue()).matches()
                ? requestId.textValue() : "input-" + inputKeys.incrementAndGet();
        return ask(Map.of(key, new Request(method, params)), true).values().iterator().next();
    }

    /** Upstream request ids used as input keys as they are: short, and safe in any JSON or log. */
    private static final java.util.regex.Pattern INPUT_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    @Override
    public ObjectNode askAll(ObjectNode inputRequests) throws McpError {
        Map<String, Request> mapped = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : inputRequests.properties()) {
            JsonNode params = e.getValue().get("params");
            mapped.put(e.getKey(), new Request(e.getValue().path("method").asText(""),
                    params instanceof ObjectNode p ? p : clientCapabilities.objectNode()));
        }
        ObjectNode answers = clientCapabilities.objectNode();
        ask(mapped, false).forEach(answers::set);
        return answers;
    }

    /**
     * Asks the client for several inputs at once (one {@code input_required} round for stateless clients).
     *
     * @param requests key to request
     * @param single   one request of a session-era upstream (see {@link Event.Ask#single})
     * @return key to the client's result
     * @throws McpError when the client declined, lacks a capability, or did not answer in time
     */
    Map<String, JsonNode> ask(Map<String, Request> requests, boolean single) throws McpError {
        for (Request r : requests.values()) {
            try {
                requireCapability(r.method());
            } catch (McpError missing) {
                // the whole client request fails with this error, not just the upstream's question
                emit(new Event.Failed(missing));
                throw missing;
            }
        }
        if (cancelled) {
            throw new McpError(McpError.INTERNAL_ERROR, "The request was cancelled.");
        }
        Map<String, Input> inputs = new LinkedHashMap<>();
        requests.forEach((k, r) -> inputs.put(k, new Input(r.method(), r.params(), new CompletableFuture<>())));
        inputs.forEach((k, input) -> pendingInputs.put(inputKeys.incrementAndGet() + ":" + k, input));
        emit(new Event.Ask(inputs, single));
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

    /** @return the capability {@code method} needs that the client did not declare, or null */
    private String missingCapability(String method) {
        String capability = switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> null;
        };
        return capability != null && !clientCapabilities.has(capability) ? capability : null;
    }

    private void requireCapability(String method) throws McpError {
        String capability = missingCapability(method);
        if (capability != null) {
            throw missingCapabilityError(capability);
        }
    }

    private McpError missingCapabilityError(String capability) {
        ObjectNode data = clientCapabilities.objectNode();
        data.putObject("requiredCapabilities").putObject(capability);
        return new McpError(McpError.MISSING_REQUIRED_CLIENT_CAPABILITY,
                "The client did not declare the '" + capability + "' capability this request needs.", data);
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

    @Override
    public Map<String, String> traceContext() {
        return trace.context();
    }

    /**
     * A request to the client.
     *
     * @param method method
     * @param params params
     */
    record Request(String method, ObjectNode params) {
    }

    /** Turns a call's events into the client's answer; called by one thread at a time. */
    interface Handler {
        /**
         * @param event the next event
         * @return whether the client's answer is complete (later events are ignored)
         */
        boolean handle(Event event);

        /**
         * Nothing happened for a while: keep an open stream alive.
         *
         * @return false when the client is gone (the handler has cancelled the call)
         */
        boolean idle();

        /** @return whether the handler has an open event stream that needs keep-alives */
        boolean streaming();

        /** Releases the handler's stream, if any. */
        void close();
    }

    /**
     * Runs a handler over a queued call until its answer is complete, keeping an open stream alive while
     * the upstream is silent.
     *
     * @param handler the handler
     * @param poll    keep-alive interval
     */
    void pump(Handler handler, Duration poll) {
        pump(handler, poll, Duration.ZERO);
    }

    /**
     * {@link #pump(Handler, Duration)}, gathering requests for input as {@link #next(Duration, Duration)} does.
     *
     * @param handler the handler
     * @param poll    keep-alive interval
     * @param gather  longest quiet time between requests for input of one round
     */
    void pump(Handler handler, Duration poll, Duration gather) {
        try {
            while (true) {
                Event event = next(poll, gather);
                if (event == null) {
                    if (!handler.idle()) {
                        return;
                    }
                } else if (handler.handle(event)) {
                    return;
                }
            }
        } finally {
            handler.close();
        }
    }

    /** Inline mode: serialises events into the handler, and keeps an open stream alive from a timer thread. */
    private static final class Sink {
        private final Handler handler;
        private final Duration interval;
        private final java.util.ArrayDeque<Event> later = new java.util.ArrayDeque<>();
        private boolean finished;
        private boolean closed;
        private boolean handling;
        private Thread keepAlive;

        Sink(Handler handler, Duration interval) {
            this.handler = handler;
            this.interval = interval;
        }

        synchronized void deliver(Event event) {
            if (finished) {
                return;
            }
            if (handling) {
                later.add(event); // produced while handling another (e.g. a cancellation): handled right after
                return;
            }
            handling = true;
            try {
                Event next = event;
                while (next != null && !finished) {
                    finished = handler.handle(next);
                    next = later.poll();
                }
            } finally {
                handling = false;
            }
            if (finished) {
                close(); // the answer is complete: release the stream now, even while the upstream call runs on
                return;
            }
            if (keepAlive == null && handler.streaming()) {
                keepAlive = Thread.ofVirtual().name("mcp-call-keepalive").start(this::keepAlive);
            }
        }

        private void keepAlive() {
            while (true) {
                java.util.concurrent.locks.LockSupport.parkNanos(interval.toNanos());
                synchronized (this) {
                    if (finished || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    if (!handling && !handler.idle()) {
                        return;
                    }
                }
            }
        }

        synchronized void finish() {
            finished = true;
            close();
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                handler.close();
            } finally {
                if (keepAlive != null) {
                    keepAlive.interrupt();
                }
            }
        }
    }

    /** The upstream side of a call. */
    @FunctionalInterface
    interface UpstreamWork {
        JsonNode run(Call call) throws McpError;
    }
}
