package dev.portcullis.server.mcp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import dev.portcullis.mcp.Exchange;
import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.McpError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TasksTest {

    private static ObjectNode created(String upstreamId, Long ttl) {
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        ObjectNode task = result.putObject("task").put("taskId", upstreamId).put("status", "working");
        if (ttl != null) {
            task.put("ttl", ttl);
        }
        result.putObject("_meta").put("io.modelcontextprotocol/model-immediate-response", "working on it");
        return result;
    }

    private static ObjectNode related(String taskId) {
        ObjectNode params = JsonRpc.mapper().createObjectNode().put("message", "which one?");
        params.putObject("_meta").putObject(Tasks.RELATED_TASK).put("taskId", taskId);
        params.with("_meta").put("other", 1);
        return params;
    }

    @Test
    void theClientSeesTheGatewaysIdAndTheUpstreamsResultIsUntouched() throws McpError {
        Tasks tasks = new Tasks();
        ObjectNode upstream = created("u-1", 60_000L);
        String before = upstream.toString();

        JsonNode seen = tasks.created("alpha", "research", upstream);

        String id = seen.at("/task/taskId").asText();
        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(seen.at("/task/status").asText()).isEqualTo("working");
        assertThat(seen.at("/task/ttl").asLong()).isEqualTo(60_000);
        assertThat(seen.at("/_meta/io.modelcontextprotocol~1model-immediate-response").asText()).isEqualTo("working on it");
        assertThat(upstream.toString()).isEqualTo(before);
        Tasks.Task task = tasks.find(id).orElseThrow();
        assertThat(task.upstream()).isEqualTo("alpha");
        assertThat(task.upstreamId()).isEqualTo("u-1");
        assertThat(task.tool()).isEqualTo("research");
        assertThat(tasks.clientId("alpha", "u-1")).contains(id);
    }

    @Test
    void sameUpstreamIdsOfDifferentUpstreamsAreDifferentTasks() throws McpError {
        Tasks tasks = new Tasks();
        String a = tasks.created("alpha", "t", created("1", null)).at("/task/taskId").asText();
        String b = tasks.created("beta", "t", created("1", null)).at("/task/taskId").asText();

        assertThat(a).isNotEqualTo(b);
        assertThat(tasks.find(a).orElseThrow().upstream()).isEqualTo("alpha");
        assertThat(tasks.find(b).orElseThrow().upstream()).isEqualTo("beta");
        assertThat(tasks.find("1")).isEmpty();
    }

    @Test
    void anAnswerWithoutATaskPassesUnchanged() throws Exception {
        Tasks tasks = new Tasks();
        JsonNode atOnce = JsonRpc.parse("{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}".getBytes());

        assertThat(tasks.created("alpha", "t", atOnce)).isSameAs(atOnce);
        assertThat(tasks.all()).isEmpty();
    }

    @Test
    void aMalformedTaskIsAnError() {
        Tasks tasks = new Tasks();
        for (String bad : List.of("{\"task\":1}", "{\"task\":{}}", "{\"task\":{\"taskId\":7}}",
                "{\"task\":{\"taskId\":\"\"}}")) {
            assertThatThrownBy(() -> tasks.created("alpha", "t", JsonRpc.parse(bad.getBytes())))
                    .as(bad).isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(e.code()).isEqualTo(McpError.INTERNAL_ERROR);
                        assertThat(e.getMessage()).contains("alpha");
                    });
        }
        assertThat(tasks.all()).isEmpty();
    }

    @Test
    void aTaskPastItsTimeToLiveIsForgotten() throws Exception {
        Tasks tasks = new Tasks();
        String shortLived = tasks.created("alpha", "t", created("s", 1L)).at("/task/taskId").asText();
        String unlimited = tasks.created("alpha", "t", created("u", null)).at("/task/taskId").asText();
        Thread.sleep(20);

        assertThat(tasks.find(shortLived)).isEmpty();
        assertThat(tasks.clientId("alpha", "s")).isEmpty();
        assertThat(tasks.find(unlimited)).isPresent();
        assertThat(tasks.all()).extracting(Tasks.Task::id).containsExactly(unlimited);
    }

    @Test
    void theOldestTaskGoesWhenTheSessionHoldsTheMost() throws McpError {
        Tasks tasks = new Tasks();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= Tasks.MAX_TASKS; i++) {
            ids.add(tasks.created("alpha", "t", created("u" + i, null)).at("/task/taskId").asText());
        }

        assertThat(tasks.all()).hasSize(Tasks.MAX_TASKS);
        assertThat(tasks.find(ids.get(0))).isEmpty();
        assertThat(tasks.clientId("alpha", "u0")).isEmpty();
        assertThat(tasks.find(ids.get(1))).isPresent();
        assertThat(tasks.find(ids.get(Tasks.MAX_TASKS))).isPresent();
        assertThat(new HashSet<>(ids)).hasSize(Tasks.MAX_TASKS + 1);
    }

    @Test
    void relatedTaskKeysAreTranslatedOrRemovedAndStatusOfUnknownTasksIsDropped() throws McpError {
        Tasks tasks = new Tasks();
        String id = tasks.created("alpha", "t", created("u-1", null)).at("/task/taskId").asText();
        ObjectNode known = related("u-1");
        String before = known.toString();

        ObjectNode translated = tasks.toClient("alpha", "elicitation/create", known);
        assertThat(translated.at("/_meta/io.modelcontextprotocol~1related-task/taskId").asText()).isEqualTo(id);
        assertThat(translated.at("/_meta/other").asInt()).isEqualTo(1);
        assertThat(translated.path("message").asText()).isEqualTo("which one?");
        assertThat(known.toString()).isEqualTo(before);

        ObjectNode otherUpstream = tasks.toClient("beta", "notifications/message", related("u-1"));
        assertThat(otherUpstream.path("_meta").has(Tasks.RELATED_TASK)).isFalse();
        assertThat(otherUpstream.at("/_meta/other").asInt()).isEqualTo(1);

        ObjectNode plain = JsonRpc.mapper().createObjectNode().put("progress", 1);
        assertThat(tasks.toClient("alpha", "notifications/progress", plain)).isSameAs(plain);

        ObjectNode status = JsonRpc.mapper().createObjectNode().put("taskId", "u-1").put("status", "completed");
        assertThat(tasks.toClient("alpha", "notifications/tasks/status", status).path("taskId").asText()).isEqualTo(id);
        assertThat(status.path("taskId").asText()).isEqualTo("u-1");
        assertThat(tasks.toClient("alpha", "notifications/tasks/status",
                JsonRpc.mapper().createObjectNode().put("taskId", "u-2"))).isNull();
        assertThat(tasks.toClient("beta", "notifications/tasks/status", status)).isNull();
    }

    @Test
    void theTranslatingExchangeTranslatesNotificationsAndRequestsForInput() throws McpError {
        Tasks tasks = new Tasks();
        String id = tasks.created("alpha", "t", created("u-1", null)).at("/task/taskId").asText();
        List<String> sent = new ArrayList<>();
        Exchange client = new Exchange() {
            @Override
            public void notify(String method, ObjectNode params) {
                sent.add(method + " " + params);
            }

            @Override
            public JsonNode ask(String method, ObjectNode params) {
                sent.add(method + " " + params);
                return JsonRpc.mapper().createObjectNode().put("action", "accept");
            }

            @Override
            public boolean cancelled() {
                return false;
            }

            @Override
            public Optional<String> logLevel() {
                return Optional.of("info");
            }

            @Override
            public ObjectNode clientCapabilities() {
                return JsonRpc.mapper().createObjectNode();
            }
        };
        Exchange translating = tasks.translating("alpha", client);

        translating.notify("notifications/tasks/status", JsonRpc.mapper().createObjectNode().put("taskId", "u-9"));
        translating.notify("notifications/tasks/status", JsonRpc.mapper().createObjectNode().put("taskId", "u-1"));
        JsonNode answer = translating.ask("elicitation/create", related("u-1"));
        ObjectNode batch = JsonRpc.mapper().createObjectNode();
        batch.putObject("a").put("method", "elicitation/create").set("params", related("u-1"));
        translating.askAll(batch);

        assertThat(answer.path("action").asText()).isEqualTo("accept");
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).startsWith("notifications/tasks/status").contains(id).doesNotContain("u-1");
        assertThat(sent.get(1)).startsWith("elicitation/create").contains(id).doesNotContain("u-1");
        assertThat(sent.get(2)).startsWith("elicitation/create").contains(id).doesNotContain("u-1");
        assertThat(translating.logLevel()).contains("info");
        assertThat(translating.cancelled()).isFalse();
    }

    @Test
    void toolsTakeTasksOnlyWhenOptionalOrRequired() throws Exception {
        for (String support : List.of("optional", "required")) {
            assertThat(Tasks.toolTakesTasks(JsonRpc.parse(("{\"execution\":{\"taskSupport\":\"" + support + "\"}}").getBytes())))
                    .isTrue();
        }
        for (String tool : List.of("{}", "{\"execution\":{}}", "{\"execution\":{\"taskSupport\":\"forbidden\"}}",
                "{\"execution\":{\"taskSupport\":\"sometimes\"}}", "{\"execution\":{\"taskSupport\":true}}")) {
            assertThat(Tasks.toolTakesTasks(JsonRpc.parse(tool.getBytes()))).as(tool).isFalse();
        }
    }

    /** The client's own tasks, created for one upstream's task-augmented request, are that upstream's alone. */
    @Test
    void eachUpstreamSeesOnlyTheClientTasksItCreated() throws McpError {
        Tasks tasks = new Tasks();
        List<String> sent = new ArrayList<>();
        Tasks.Asker client = (method, params) -> {
            sent.add(method + " " + params.path("taskId").asText());
            return switch (method) {
                case "sampling/createMessage" -> JsonRpc.mapper().createObjectNode().set("task",
                        JsonRpc.mapper().createObjectNode().put("taskId", "c-" + sent.size()).put("status", "working"));
                case "tasks/list" -> {
                    ObjectNode r = JsonRpc.mapper().createObjectNode();
                    r.putArray("tasks").addObject().put("taskId", "c-1").put("status", "working");
                    r.withArray("tasks").addObject().put("taskId", "c-2").put("status", "working");
                    r.withArray("tasks").addObject().put("taskId", "c-3").put("status", "working");
                    yield r;
                }
                default -> JsonRpc.mapper().createObjectNode().put("taskId", params.path("taskId").asText()).put("status", "working");
            };
        };
        ObjectNode sampling = JsonRpc.mapper().createObjectNode();
        sampling.putObject("task").put("ttl", 1000);

        String ofAlpha = tasks.askClient("alpha", "sampling/createMessage", sampling, client).at("/task/taskId").asText();
        String ofBeta = tasks.askClient("beta", "sampling/createMessage", sampling, client).at("/task/taskId").asText();
        assertThat(ofAlpha).isEqualTo("c-1");
        assertThat(ofBeta).isEqualTo("c-2");

        assertThat(tasks.askClient("alpha", "tasks/get", JsonRpc.mapper().createObjectNode().put("taskId", ofAlpha), client)
                .path("taskId").asText()).isEqualTo(ofAlpha);
        for (String method : List.of("tasks/get", "tasks/result", "tasks/cancel")) {
            assertThatThrownBy(() -> tasks.askClient("alpha", method, JsonRpc.mapper().createObjectNode().put("taskId", ofBeta), client))
                    .as(method).isInstanceOfSatisfying(McpError.class, e -> assertThat(e.code()).isEqualTo(McpError.INVALID_PARAMS));
        }
        assertThat(sent).doesNotContain("tasks/get c-2", "tasks/result c-2", "tasks/cancel c-2");
        JsonNode listed = tasks.askClient("alpha", "tasks/list", JsonRpc.mapper().createObjectNode(), client);
        assertThat(listed.path("tasks").findValuesAsText("taskId")).containsExactly("c-1");
        // a request without a task creates none
        tasks.askClient("alpha", "elicitation/create", JsonRpc.mapper().createObjectNode(), (m, p) ->
                JsonRpc.mapper().createObjectNode().set("task", JsonRpc.mapper().createObjectNode().put("taskId", "c-9")));
        assertThatThrownBy(() -> tasks.askClient("alpha", "tasks/get", JsonRpc.mapper().createObjectNode().put("taskId", "c-9"), client))
                .isInstanceOf(McpError.class);
    }
}
