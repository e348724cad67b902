package dev.portcullis.conformance.clients;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * Drives any MCP URL with the official MCP Java SDK client (session era, Streamable HTTP) through the fixtures of the
 * conformance suite, and reports what it saw. Reusable: the gateway's URL works as well as the fixture server's.
 */
public final class JavaSdkClient {
    /** What the client observed; the test decides what is right. */
    public record Observations(String protocolVersion,
                               String serverName,
                               List<String> tools,
                               String simpleText,
                               List<Double> progress,
                               String samplingResult,
                               int samplingRequests,
                               String elicitationResult,
                               int elicitationRequests,
                               String resourceText,
                               String promptText) {
    }

    private JavaSdkClient() {
    }

    public static Observations exercise(String url) {
        return exercise(url, Map.of());
    }

    /**
     * As {@link #exercise(String)}, sending extra headers on every request (e.g. {@code Authorization}).
     *
     * @param url     the MCP endpoint
     * @param headers headers to add
     * @return what the client observed
     */
    public static Observations exercise(String url, Map<String, String> headers) {
        URI uri = URI.create(url);
        java.net.http.HttpRequest.Builder requests = java.net.http.HttpRequest.newBuilder();
        headers.forEach(requests::header);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(uri.getScheme() + "://" + uri.getRawAuthority())
                .endpoint(uri.getRawPath())
                .requestBuilder(requests)
                .build();
        List<Double> progress = new CopyOnWriteArrayList<>();
        AtomicInteger samplingRequests = new AtomicInteger();
        AtomicInteger elicitationRequests = new AtomicInteger();
        try (McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("portcullis-java-sdk-check", "1.0.0"))
                .requestTimeout(Duration.ofSeconds(30))
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().roots(true).build())
                .sampling(request -> {
                    samplingRequests.incrementAndGet();
                    return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT,
                                                             new McpSchema.TextContent("Java SDK sampled this"),
                                                             "test-model",
                                                             McpSchema.CreateMessageResult.StopReason.END_TURN);
                })
                .elicitation(request -> {
                    elicitationRequests.incrementAndGet();
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                                                      Map.of("username", "java-sdk", "email", "java@example.com"));
                })
                .progressConsumer(notification -> progress.add(notification.progress()))
                .build()) {
            McpSchema.InitializeResult init = client.initialize();
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            String simple = text(client.callTool(McpSchema.CallToolRequest.builder()
                                                         .name("test_simple_text").arguments(Map.of()).build()));
            client.callTool(McpSchema.CallToolRequest.builder().name("test_tool_with_progress").arguments(Map.of())
                                    .progressToken("java-sdk-progress").build());
            awaitCount(progress, 3);
            String sampling = text(client.callTool(McpSchema.CallToolRequest.builder().name("test_sampling")
                                                           .arguments(Map.of("prompt", "Say hi")).build()));
            String elicitation = text(client.callTool(McpSchema.CallToolRequest.builder().name("test_elicitation")
                                                              .arguments(Map.of("message", "Who are you?")).build()));
            McpSchema.ReadResourceResult resource = client.readResource(new McpSchema.ReadResourceRequest("test://static-text"));
            String resourceText = resource.contents().getFirst() instanceof McpSchema.TextResourceContents t ? t.text() : null;
            McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest(
                    "test_prompt_with_arguments", Map.of("arg1", "alpha", "arg2", "beta")));
            String promptText = prompt.messages().getFirst().content() instanceof McpSchema.TextContent t ? t.text() : null;
            return new Observations(init.protocolVersion(), init.serverInfo().name(), tools, simple, List.copyOf(progress),
                                    sampling, samplingRequests.get(), elicitation, elicitationRequests.get(),
                                    resourceText, promptText);
        }
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text())
                .findFirst()
                .orElse(null);
    }

    /** Notifications may be dispatched just after the result; give them a moment. */
    private static void awaitCount(List<?> list, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (list.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
