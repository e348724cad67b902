package dev.portcullis.server.demo;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.JsonRpcException;
import dev.portcullis.mcp.JsonRpcMessage;
import dev.portcullis.mcp.McpError;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small session-era MCP server (2025-06-18 and 2025-11-25 over Streamable HTTP, JSON responses) with a
 * few business-like tools, started on a free loopback port for the demo. It is deliberately plain: the
 * gateway in front of it adds authentication, sessions bound to the caller, Origin checks and auditing.
 */
public final class DemoUpstream implements AutoCloseable {
    private static final Set<String> VERSIONS = Set.of("2025-06-18", "2025-11-25");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebServer server;
    private final Map<String, Boolean> sessions = new ConcurrentHashMap<>();

    private DemoUpstream() {
        this.server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .routing(r -> r.post("/mcp", this::post).delete("/mcp", this::delete))
                .build()
                .start();
    }

    /** @return a running demo upstream on a free loopback port */
    public static DemoUpstream start() {
        return new DemoUpstream();
    }

    /** @return its MCP endpoint */
    public String url() {
        return "http://127.0.0.1:" + server.port() + "/mcp";
    }

    @Override
    public void close() {
        server.stop();
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.headers().first(HeaderNames.create("Mcp-Session-Id")).orElse("");
        res.status(sessions.remove(id) != null ? Status.NO_CONTENT_204 : Status.NOT_FOUND_404).send();
    }

    private void post(ServerRequest req, ServerResponse res) throws IOException {
        JsonRpcMessage message;
        try (InputStream in = req.content().inputStream()) {
            message = JsonRpc.decode(in.readAllBytes());
        } catch (JsonRpcException e) {
            send(res, Status.BAD_REQUEST_400, JsonRpc.encode(e.reply()));
            return;
        }
        if (!(message instanceof JsonRpcMessage.Request request)) {
            res.status(Status.ACCEPTED_202).send();
            return;
        }
        ObjectNode params = request.params() == null ? JsonRpc.mapper().createObjectNode() : request.params();
        if (request.method().equals("initialize")) {
            String session = HexFormat.of().formatHex(bytes());
            sessions.put(session, Boolean.TRUE);
            res.header(HeaderNames.create("Mcp-Session-Id"), session);
            String asked = params.path("protocolVersion").asText("");
            ObjectNode result = JsonRpc.mapper().createObjectNode()
                    .put("protocolVersion", VERSIONS.contains(asked) ? asked : "2025-11-25");
            result.putObject("capabilities").putObject("tools");
            result.putObject("serverInfo").put("name", "portcullis-demo-upstream").put("version", "1.0.0");
            send(res, Status.OK_200, JsonRpc.encode(new JsonRpcMessage.Result(request.id(), result)));
            return;
        }
        String session = req.headers().first(HeaderNames.create("Mcp-Session-Id")).orElse("");
        if (!sessions.containsKey(session)) {
            send(res, Status.NOT_FOUND_404, JsonRpc.encode(new JsonRpcMessage.Error(request.id(),
                    new McpError(-32001, "Session not found"))));
            return;
        }
        try {
            JsonNode result = switch (request.method()) {
                case "ping" -> JsonRpc.mapper().createObjectNode();
                case "tools/list" -> tools();
                case "tools/call" -> call(params);
                default -> throw new McpError(McpError.METHOD_NOT_FOUND, "Method not found: " + request.method());
            };
            send(res, Status.OK_200, JsonRpc.encode(new JsonRpcMessage.Result(request.id(), result)));
        } catch (McpError e) {
            send(res, Status.OK_200, JsonRpc.encode(new JsonRpcMessage.Error(request.id(), e)));
        }
    }

    private static byte[] bytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private static ObjectNode tools() {
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        ArrayNode tools = result.putArray("tools");
        tool(tools, "echo", "Echoes the message back.", true, "message", "Text to echo");
        tool(tools, "get_time", "Returns the current UTC time.", true, null, null);
        tool(tools, "lookup_customer", "Looks up a customer record by id (demo data).", true, "customer_id",
                "Customer id, e.g. C-1001");
        tool(tools, "create_invoice", "Creates an invoice for a customer (demo: nothing is stored).", false,
                "customer_id", "Customer id");
        return result;
    }

    private static void tool(ArrayNode tools, String name, String description, boolean readOnly, String arg,
                             String argDescription) {
        ObjectNode tool = tools.addObject().put("name", name).put("description", description);
        ObjectNode schema = tool.putObject("inputSchema").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        if (arg != null) {
            properties.putObject(arg).put("type", "string").put("description", argDescription);
            schema.putArray("required").add(arg);
        }
        tool.putObject("annotations").put("readOnlyHint", readOnly).put("destructiveHint", false);
    }

    private static JsonNode call(ObjectNode params) throws McpError {
        String name = params.path("name").asText("");
        JsonNode args = params.path("arguments");
        String text = switch (name) {
            case "echo" -> args.path("message").asText("");
            case "get_time" -> Instant.now().toString();
            case "lookup_customer" -> {
                String id = args.path("customer_id").asText("");
                if (!id.matches("C-\\d{4}")) {
                    throw new McpError(McpError.INVALID_PARAMS, "customer_id must look like C-1001");
                }
                yield "{\"id\":\"" + id + "\",\"name\":\"Ada Example\",\"email\":\"ada@example.com\","
                        + "\"tier\":\"gold\"}";
            }
            case "create_invoice" -> "Invoice INV-" + (1000 + RANDOM.nextInt(9000)) + " created for "
                    + args.path("customer_id").asText("?") + " (demo).";
            default -> throw new McpError(McpError.INVALID_PARAMS, "Unknown tool: " + name);
        };
        ObjectNode result = JsonRpc.mapper().createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", false);
        return result;
    }

    private static void send(ServerResponse res, Status status, ObjectNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(JsonRpc.write(body));
    }
}
