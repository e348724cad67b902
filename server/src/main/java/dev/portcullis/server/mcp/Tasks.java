package dev.portcullis.server.mcp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;
import dev.portcullis.mcp.UpstreamConnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The tasks (MCP 2025-11-25, experimental) one client session created through the gateway. A task lives on the
 * upstream that accepted the task-augmented request; the client sees it under an id of the gateway's own, so
 * ids of different upstreams never collide and an upstream's id never reaches the client. Every message about a
 * task is translated on the way: the task object's {@code taskId} in results and {@code notifications/tasks/status},
 * and the {@code io.modelcontextprotocol/related-task} key of {@code _meta} anywhere else. A message about a task
 * the session does not know is not relayed ({@code notifications/tasks/status}) or loses that key.
 *
 * <p>The other direction too: the tasks the client runs for an upstream's task-augmented request (sampling,
 * elicitation) belong to that upstream, and no other upstream of the session may poll, read or list them
 * ({@link #askClient}).
 *
 * <p>Bounded: at most {@link #MAX_TASKS} tasks per session, each way; the oldest is forgotten first, and a task is
 * forgotten once its time to live (as the upstream set it) has passed. Thread-safe.
 */
final class Tasks {
    /** Tasks one session may hold; more than a client polls at once, small enough to bound memory. */
    static final int MAX_TASKS = 1024;
    static final String RELATED_TASK = "io.modelcontextprotocol/related-task";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One task.
     *
     * @param id         the id the client sees
     * @param upstream   the upstream running it
     * @param upstreamId the upstream's id
     * @param tool       the tool's name at the upstream (for the policy's view at each later request)
     * @param expiresAt  {@link System#nanoTime()} after which the upstream may have deleted it; {@link Long#MAX_VALUE} for never
     */
    record Task(String id, String upstream, String upstreamId, String tool, long expiresAt) {
    }

    private final Map<String, Task> byId = new LinkedHashMap<>();
    private final Map<String, String> byUpstreamId = new HashMap<>();
    /** The client's own tasks (created for an upstream's task-augmented request) → the upstream that asked. */
    private final Map<String, String> clientTasks = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_TASKS;
        }
    };

    /** Sends one request to the client. */
    @FunctionalInterface
    interface Asker {
        JsonNode ask(String method, ObjectNode params) throws McpError;
    }

    /**
     * Records the task an upstream created for a task-augmented request and gives the client its own id.
     *
     * @param upstream the upstream
     * @param tool     the tool's upstream name
     * @param result   the upstream's {@code CreateTaskResult}
     * @return the result the client receives: the same, with the gateway's task id; an answer without a task (the
     *         upstream ran the call at once) unchanged
     * @throws McpError when the answer carries a task without a usable id (it could not be relayed without its id)
     */
    JsonNode created(String upstream, String tool, JsonNode result) throws McpError {
        if (!(result instanceof ObjectNode r) || !r.has("task")) {
            return result;
        }
        if (!(r.get("task") instanceof ObjectNode task) || !task.path("taskId").isTextual()
                || task.path("taskId").asText().isEmpty()) {
            throw new McpError(McpError.INTERNAL_ERROR, "Upstream '" + upstream
                    + "' answered a task-augmented call with a malformed task.");
        }
        String upstreamId = task.path("taskId").asText();
        long ttl = task.path("ttl").canConvertToLong() ? task.path("ttl").asLong() : -1;
        long now = System.nanoTime();
        long expiresAt = ttl < 0 || ttl > Long.MAX_VALUE / 2_000_000 ? Long.MAX_VALUE : now + ttl * 1_000_000;
        String id;
        synchronized (this) {
            purge(now);
            String key = key(upstream, upstreamId);
            id = byUpstreamId.get(key);
            if (id == null) {
                id = newId();
                if (byId.size() >= MAX_TASKS) {
                    Iterator<Task> oldest = byId.values().iterator();
                    byUpstreamId.remove(key(oldest.next()));
                    oldest.remove();
                }
                byUpstreamId.put(key, id);
            }
            byId.put(id, new Task(id, upstream, upstreamId, tool, expiresAt));
        }
        ObjectNode out = JsonRpc.copyOuter(r);
        out.set("task", task.deepCopy().put("taskId", id));
        return out;
    }

    /**
     * @param id the client's task id
     * @return the task, unless unknown or past its time to live
     */
    synchronized Optional<Task> find(String id) {
        purge(System.nanoTime());
        return Optional.ofNullable(byId.get(id));
    }

    /** @return the session's live tasks, oldest first */
    synchronized List<Task> all() {
        purge(System.nanoTime());
        return new ArrayList<>(byId.values());
    }

    /** @param task a task its upstream no longer knows */
    synchronized void forget(Task task) {
        if (byId.remove(task.id()) != null) {
            byUpstreamId.remove(key(task));
        }
    }

    /** @return the client's id for an upstream's task, if this session created it */
    synchronized Optional<String> clientId(String upstream, String upstreamId) {
        return Optional.ofNullable(byUpstreamId.get(key(upstream, upstreamId)));
    }

    /**
     * Translates a task object (a {@code tasks/get} or {@code tasks/cancel} result, an item of {@code tasks/list},
     * a {@code notifications/tasks/status}) to the client's id.
     *
     * @param task the upstream's task object
     * @param id   the client's id
     * @return a copy carrying the client's id
     */
    static ObjectNode withClientId(JsonNode task, String id) {
        ObjectNode copy = task instanceof ObjectNode o ? JsonRpc.copyOuter(o) : JsonRpc.mapper().createObjectNode();
        copy.put("taskId", id);
        return copy;
    }

    /**
     * Translates what an upstream sends the client: a status notification of a task this session does not know
     * is dropped (null); a {@code related-task} key names the client's id, or goes when the task is unknown.
     *
     * @param upstream the upstream
     * @param method   the message's method
     * @param params   its params; null for none
     * @return the params to send, or null to send nothing
     */
    ObjectNode toClient(String upstream, String method, ObjectNode params) {
        if (params == null) {
            return null;
        }
        if (method.equals("notifications/tasks/status")) {
            Optional<String> id = clientId(upstream, params.path("taskId").asText(""));
            return id.map(i -> withClientId(params, i)).orElse(null);
        }
        return relatedToClient(upstream, params);
    }

    /**
     * @param upstream the upstream
     * @param object   params or a result that may carry {@code _meta.io.modelcontextprotocol/related-task}
     * @return the object, or a copy whose related task is the client's (or removed when unknown)
     */
    <T extends JsonNode> T relatedToClient(String upstream, T object) {
        if (!(object instanceof ObjectNode o) || !(o.get("_meta") instanceof ObjectNode meta)
                || !meta.has(RELATED_TASK)) {
            return object;
        }
        ObjectNode copy = JsonRpc.copyOuter(o);
        ObjectNode copyMeta = (ObjectNode) copy.get("_meta");
        Optional<String> id = clientId(upstream, meta.path(RELATED_TASK).path("taskId").asText(""));
        if (id.isPresent()) {
            copyMeta.set(RELATED_TASK, meta.get(RELATED_TASK).deepCopy());
            ((ObjectNode) copyMeta.get(RELATED_TASK)).put("taskId", id.get());
        } else {
            copyMeta.remove(RELATED_TASK);
        }
        @SuppressWarnings("unchecked")
        T t = (T) copy;
        return t;
    }

    /**
     * An exchange that translates the task ids in what the upstream sends through it (progress, logs, requests
     * for input) before the client sees them.
     *
     * @param upstream the upstream
     * @param client   the client's exchange
     * @return the translating exchange
     */
    Exchange translating(String upstream, Exchange client) {
        return new Exchange() {
            @Override
            public void notify(String method, ObjectNode params) {
                ObjectNode p = toClient(upstream, method, params);
                if (p != null || params == null) {
                    client.notify(method, p);
                }
            }

            @Override
            public JsonNode ask(String method, ObjectNode params) throws McpError {
                return askClient(upstream, method, params, client::ask);
            }

            @Override
            public JsonNode ask(String method, ObjectNode params, JsonNode requestId) throws McpError {
                return askClient(upstream, method, params, (m, p) -> client.ask(m, p, requestId));
            }

            @Override
            public ObjectNode askAll(ObjectNode inputRequests) throws McpError {
                ObjectNode translated = inputRequests.objectNode();
                for (Map.Entry<String, JsonNode> e : inputRequests.properties()) {
                    if (e.getValue() instanceof ObjectNode request && request.get("params") instanceof ObjectNode p) {
                        translated.set(e.getKey(), JsonRpc.copyOuter(request).set("params", relatedToClient(upstream, p)));
                    } else {
                        translated.set(e.getKey(), e.getValue());
                    }
                }
                return client.askAll(translated);
            }

            @Override
            public boolean cancelled() {
                return client.cancelled();
            }

            @Override
            public Optional<String> logLevel() {
                return client.logLevel();
            }

            @Override
            public ObjectNode clientCapabilities() {
                return client.clientCapabilities();
            }

            @Override
            public Map<String, String> traceContext() {
                return client.traceContext();
            }
        };
    }

    /**
     * Sends an upstream's request to the client, keeping each upstream to the client's tasks it created itself: a
     * task the client creates for an upstream's task-augmented request (sampling, elicitation) is that upstream's,
     * another upstream's {@code tasks/get}, {@code tasks/result} or {@code tasks/cancel} for it is answered
     * {@code -32602} without reaching the client, and {@code tasks/list} shows each upstream only its own.
     *
     * @param upstream the upstream asking
     * @param method   the request's method
     * @param params   its params
     * @param asker    sends it to the client
     * @return the client's answer, as the upstream may see it
     * @throws McpError the client's error, or {@code -32602} for a task of another upstream
     */
    JsonNode askClient(String upstream, String method, ObjectNode params, Asker asker) throws McpError {
        if (method.equals("tasks/get") || method.equals("tasks/result") || method.equals("tasks/cancel")) {
            String id = params == null ? "" : params.path("taskId").asText("");
            synchronized (this) {
                if (!upstream.equals(clientTasks.get(id))) {
                    throw new McpError(McpError.INVALID_PARAMS, "Failed to retrieve task: Task not found");
                }
            }
        }
        JsonNode answer = asker.ask(method, relatedToClient(upstream, params));
        if (params != null && params.has("task") && answer != null && answer.get("task") instanceof ObjectNode task
                && task.path("taskId").isTextual()) {
            synchronized (this) {
                clientTasks.put(task.path("taskId").asText(), upstream);
            }
        }
        if (method.equals("tasks/list") && answer instanceof ObjectNode listed
                && listed.get("tasks") instanceof ArrayNode all) {
            ObjectNode mine = JsonRpc.copyOuter(listed);
            ArrayNode kept = mine.putArray("tasks");
            synchronized (this) {
                for (JsonNode t : all) {
                    if (upstream.equals(clientTasks.get(t.path("taskId").asText()))) {
                        kept.add(t);
                    }
                }
            }
            return mine;
        }
        return answer;
    }

    /**
     * Whether an upstream accepts task-augmented tool calls (its {@code tasks.requests.tools.call} capability).
     *
     * @param connection the upstream's connection
     * @return whether it does
     */
    static boolean takesToolTasks(UpstreamConnection connection) {
        return connection.serverCapabilities().path("tasks").path("requests").path("tools").has("call");
    }

    /**
     * @param tool a listed tool
     * @return whether the tool may run as a task ({@code execution.taskSupport} optional or required)
     */
    static boolean toolTakesTasks(JsonNode tool) {
        String support = tool.path("execution").path("taskSupport").asText("forbidden");
        return support.equals("optional") || support.equals("required");
    }

    private void purge(long now) {
        for (Iterator<Task> it = byId.values().iterator(); it.hasNext(); ) {
            Task t = it.next();
            if (t.expiresAt() != Long.MAX_VALUE && t.expiresAt() - now < 0) {
                byUpstreamId.remove(key(t));
                it.remove();
            }
        }
    }

    private static String key(Task t) {
        return key(t.upstream(), t.upstreamId());
    }

    private static String key(String upstream, String upstreamId) {
        return upstream + '\u0000' + upstreamId;
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
