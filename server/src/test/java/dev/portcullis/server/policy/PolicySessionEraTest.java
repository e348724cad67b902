package dev.portcullis.server.policy;

import static dev.portcullis.server.policy.PolicyGateway.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The policy enforced for session-era (2025-11-25) clients speaking raw Streamable HTTP: initialize,
 * then requests with {@code Mcp-Session-Id}, and the GET stream on which a policy reload arrives as
 * {@code notifications/tools/list_changed}. Same gateway set-up and policy as {@link PolicyEnforcementTest}
 * ({@link PolicyGateway}).
 */
class PolicySessionEraTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String VERSION = "2025-11-25";
    private static final Duration NOTIFICATION_WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final PolicyGateway gateway = new PolicyGateway();

    private static URI mcpUri() {
        return gateway.uri("/mcp");
    }

    /** A JSON-RPC answer and the HTTP status it came with. */
    private record Reply(int status, JsonNode body) {
        JsonNode error() {
            return body.path("error");
        }
    }

    /** A raw 2025-11-25 client: one session, requests over POST, the GET stream on demand. */
    private static final class SessionClient implements AutoCloseable {
        private final String token;
        private final String sessionId;
        private final AtomicInteger ids = new AtomicInteger(1);

        private SessionClient(String token) throws Exception {
            this.token = token;
            HttpResponse<String> r = HTTP.send(post(null).POST(HttpRequest.BodyPublishers.ofString("""
                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s",\
                    "capabilities":{},"clientInfo":{"name":"policy-session-test","version":"1"}}}"""
                    .formatted(VERSION))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            this.sessionId = r.headers().firstValue("Mcp-Session-Id").orElseThrow(
                    () -> new AssertionError("initialize answered without an Mcp-Session-Id: " + r.headers()));
            JsonNode init = parse(r);
            assertThat(init.path("result").path("protocolVersion").asText()).as(init.toString()).isEqualTo(VERSION);
            HttpResponse<String> initialized = HTTP.send(post(sessionId).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(202);
        }

        private HttpRequest.Builder post(String session) {
            HttpRequest.Builder b = HttpRequest.newBuilder(mcpUri())
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream");
            if (session != null) {
                b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", VERSION);
            }
            return b;
        }

        Reply request(String method, String paramsJson) throws Exception {
            int id = ids.getAndIncrement();
            HttpResponse<String> r = HTTP.send(post(sessionId).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{%s}}".formatted(id, method, paramsJson)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = parse(r);
            assertThat(body.path("id").asInt(-1)).as(body.toString()).isEqualTo(id);
            return new Reply(r.statusCode(), body);
        }

        List<String> tools() throws Exception {
            Reply r = request("tools/list", "");
            assertThat(r.body().has("error")).as(r.body().toString()).isFalse();
            List<String> names = new ArrayList<>();
            r.body().path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
            return names;
        }

        Reply call(String tool) throws Exception {
            return request("tools/call",
                    "\"name\":\"" + tool + "\",\"arguments\":{\"customer_id\":\"C-1001\",\"message\":\"hi\"}");
        }

        /** Opens the GET stream; its lines are collected by a background thread until the client closes. */
        GetStream openGetStream() {
            return new GetStream(this);
        }

        @Override
        public void close() throws Exception {
            HTTP.send(HttpRequest.newBuilder(mcpUri()).header("Authorization", "Bearer " + token)
                    .header("Mcp-Session-Id", sessionId).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    /** The session's GET stream, read line by line in the background. */
    private static final class GetStream implements AutoCloseable {
        private final HttpClient client = HttpClient.newHttpClient();
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final AtomicReference<HttpResponse<Stream<String>>> response = new AtomicReference<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread reader;

        private GetStream(SessionClient session) {
            HttpRequest request = HttpRequest.newBuilder(mcpUri())
                    .header("Authorization", "Bearer " + session.token)
                    .header("Mcp-Session-Id", session.sessionId)
                    .header("MCP-Protocol-Version", VERSION)
                    .header("Accept", "text/event-stream")
                    .GET().build();
            reader = Thread.ofPlatform().daemon().name("get-stream-reader").start(() -> {
                try {
                    HttpResponse<Stream<String>> r = client.send(request, HttpResponse.BodyHandlers.ofLines());
                    response.set(r);
                    try (Stream<String> body = r.body()) {
                        body.forEach(lines::add);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
        }

        /** Waits until a received line matches, failing with what was received after the bounded wait. */
        String await(String what, Predicate<String> line) throws InterruptedException {
            long deadline = System.nanoTime() + NOTIFICATION_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (String l : lines) {
                    if (line.test(l)) {
                        return l;
                    }
                }
                Thread.sleep(20);
            }
            HttpResponse<Stream<String>> r = response.get();
            return fail("No " + what + " on the GET stream within " + NOTIFICATION_WAIT.toSeconds() + " s; status "
                    + (r == null ? "(no response)" : r.statusCode() + " " + r.headers().firstValue("Content-Type"))
                    + ", failure " + failure.get() + ", lines received: " + lines);
        }

        List<String> messages() {
            return lines.stream().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim())
                    .filter(d -> !d.isEmpty()).toList();
        }

        @Override
        public void close() throws InterruptedException {
            HttpResponse<Stream<String>> r = response.get();
            if (r != null) {
                r.body().close();
            }
            client.shutdownNow();
            reader.join(5_000);
        }
    }

    /** The JSON body, or the last non-empty {@code data:} line of an SSE body. */
    private static JsonNode parse(HttpResponse<String> r) throws Exception {
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        String body = r.body();
        if (contentType.startsWith("text/event-stream")) {
            body = body.lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim())
                    .filter(d -> !d.isEmpty()).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("SSE body without data: " + r.body()));
        }
        return JSON.readTree(body);
    }

    private static boolean isNotification(String dataLine, String method) {
        if (!dataLine.startsWith("data:") || dataLine.substring(5).isBlank()) {
            return false;
        }
        try {
            JsonNode m = JSON.readTree(dataLine.substring(5));
            return method.equals(m.path("method").asText()) && !m.has("id");
        } catch (Exception e) {
            return false;
        }
    }

    private static void assertHiddenAnswersLikeMissing(SessionClient client, String hiddenTool) throws Exception {
        String missingTool = "demo__no_such_tool";
        Reply hidden = client.call(hiddenTool);
        Reply missing = client.call(missingTool);
        assertThat(hidden.error().isObject()).as(hidden.body().toString()).isTrue();
        assertThat(missing.error().isObject()).as(missing.body().toString()).isTrue();
        assertThat(hidden.error().path("data").path("reason").asText()).as(hidden.body().toString())
                .isEqualTo("tool-not-found");
        assertThat(hidden.status()).isEqualTo(missing.status());
        assertThat(hidden.error().path("code")).isEqualTo(missing.error().path("code"));
        assertThat(hidden.error().path("message").asText().replace(hiddenTool, "X"))
                .isEqualTo(missing.error().path("message").asText().replace(missingTool, "X"));
        assertThat(hidden.error().path("data")).isEqualTo(missing.error().path("data"));
        assertThat(hidden.body().has("result")).isFalse();
    }

    private static void assertSucceeds(Reply r) {
        assertThat(r.body().has("error")).as(r.body().toString()).isFalse();
        assertThat(r.body().path("result").path("isError").asBoolean(false)).as(r.body().toString()).isFalse();
        assertThat(r.body().path("result").path("content").isArray()).as(r.body().toString()).isTrue();
        assertThat(r.body().path("result").path("content")).as(r.body().toString()).isNotEmpty();
    }

    @Test
    void aliceInASessionSeesHerToolsAndAHiddenToolAnswersLikeAMissingOne() throws Exception {
        try (SessionClient client = new SessionClient(gateway.alice())) {
            assertThat(client.tools()).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                    "demo__create_invoice");
            // echo: entitled but outside the persona
            assertHiddenAnswersLikeMissing(client, "demo__echo");
            assertSucceeds(client.call("demo__get_time"));
        }
    }

    @Test
    void bobInASessionSeesOnlyReadOnlyToolsAndAWriteToolAnswersLikeAMissingOne() throws Exception {
        try (SessionClient client = new SessionClient(gateway.bob())) {
            assertThat(client.tools()).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time");
            // create_invoice: in alice's view, not in bob's (his entitlement grants read only)
            assertHiddenAnswersLikeMissing(client, "demo__create_invoice");
            assertHiddenAnswersLikeMissing(client, "demo__echo");
            assertSucceeds(client.call("demo__lookup_customer"));
        }
    }

    @Test
    void aPolicyReloadThatChangesTheViewIsAnnouncedOnTheGetStream() throws Exception {
        PolicyFeature policy = gateway.policy();
        String before = policy.policyVersion();
        try (SessionClient client = new SessionClient(gateway.alice()); GetStream stream = client.openGetStream()) {
            assertThat(client.tools()).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                    "demo__create_invoice");
            // the priming event shows the stream is attached: what is appended from now on reaches it
            stream.await("priming event", l -> l.startsWith("id:"));
            assertThat(stream.messages()).as("nothing announced before the policy changes").isEmpty();

            Path next = gateway.policyFile().resolveSibling("policy.yaml.next");
            Files.writeString(next, POLICY.replace(
                    "tools: [lookup_customer, create_invoice, get_time]",
                    "tools: [lookup_customer, create_invoice, get_time, echo]"));
            Files.move(next, gateway.policyFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            stream.await("notifications/tools/list_changed",
                    l -> isNotification(l, "notifications/tools/list_changed"));
            assertThat(policy.policyVersion()).isNotEqualTo(before);
            assertThat(client.tools()).containsExactlyInAnyOrder("demo__lookup_customer", "demo__get_time",
                    "demo__create_invoice", "demo__echo");
            assertSucceeds(client.call("demo__echo"));
        } finally {
            Files.writeString(gateway.policyFile(), POLICY);
            assertThat(policy.reload().lastError()).isEmpty();
            assertThat(policy.policyVersion()).isEqualTo(before);
        }
    }
}
