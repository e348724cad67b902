package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRpcTest {

    @Test
    void copyOuterIsolatesTheTopLevelAndMetaAndSharesTheRest() throws Exception {
        String json = "{\"name\":\"t\",\"arguments\":{\"a\":[1,2]},\"_meta\":{\"progressToken\":7,\"x\":{\"y\":1}}}";
        com.fasterxml.jackson.databind.node.ObjectNode original =
                (com.fasterxml.jackson.databind.node.ObjectNode) JsonRpc.mapper().readTree(json);
        com.fasterxml.jackson.databind.node.ObjectNode copy = JsonRpc.copyOuter(original);
        assertThat(copy).isEqualTo(original);
        copy.put("name", "u");
        copy.remove("arguments");
        copy.put("requestState", "s");
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("_meta")).put("progressToken", "mapped-1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("_meta")).remove("x");
        assertThat(original).isEqualTo(JsonRpc.mapper().readTree(json)); // untouched
        assertThat(JsonRpc.copyOuter(original).get("arguments")).isSameAs(original.get("arguments")); // not copied
        assertThat(JsonRpc.copyOuter(null)).isEmpty();
        com.fasterxml.jackson.databind.node.ObjectNode noMeta = JsonRpc.mapper().createObjectNode().put("k", 1);
        assertThat(JsonRpc.copyOuter(noMeta)).isEqualTo(noMeta).isNotSameAs(noMeta);
    }

    @Test
    void decodesToolsCallRequest() throws Exception {
        JsonRpcMessage m = JsonRpc.decode("""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}}}""");
        assertThat(m).isInstanceOfSatisfying(JsonRpcMessage.Request.class, r -> {
            assertThat(r.id().asInt()).isEqualTo(7);
            assertThat(r.method()).isEqualTo("tools/call");
            assertThat(r.params().path("arguments").path("message").asText()).isEqualTo("hi");
        });
    }

    @Test
    void keepsBigIntegerIdExactly() throws Exception {
        String id = "123456789012345678901234567890123";
        JsonRpcMessage m = JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
        assertThat(new String(JsonRpc.encodeBytes(m), StandardCharsets.UTF_8)).contains("\"id\":" + id + ",");
    }

    @Test
    void keepsDecimalsAsWritten() throws Exception {
        JsonRpcMessage m = JsonRpc.decode("""
                {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1.50,"total":1E+2}}""");
        assertThat(new String(JsonRpc.encodeBytes(m), StandardCharsets.UTF_8)).contains("\"progress\":1.50");
    }

    @Test
    void errorReplyCarriesRequestIdWhenReadable() {
        assertThatThrownBy(() -> JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"x\",\"params\":[]}"))
                .isInstanceOfSatisfying(JsonRpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(McpError.INVALID_REQUEST);
                    assertThat(e.reply().id().textValue()).isEqualTo("abc");
                    assertThat(e.getMessage()).isEqualTo("Invalid Request: params must be an object");
                });
    }

    @Test
    void parseErrorNeverQuotesInput() {
        assertThatThrownBy(() -> JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"secret\":\"hunter2"))
                .isInstanceOfSatisfying(JsonRpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(McpError.PARSE_ERROR);
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                    assertThat(e.id()).isEqualTo(NullNode.getInstance());
                });
    }

    @Test
    void reportsDuplicateKeys() {
        assertThatThrownBy(() -> JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"x\"}"))
                .isInstanceOfSatisfying(JsonRpcException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("Parse error: duplicate key"));
    }

    @Test
    void acceptsNestingUpToTheBound() throws Exception {
        int inner = JsonRpc.MAX_DEPTH - 2; // the message object and params take two levels
        String deep = "[".repeat(inner) + "]".repeat(inner);
        assertThat(JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"a\":" + deep + "}}"))
                .isInstanceOf(JsonRpcMessage.Notification.class);
        String deeper = "[".repeat(inner + 1) + "]".repeat(inner + 1);
        assertThatThrownBy(() -> JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"a\":" + deeper + "}}"))
                .isInstanceOfSatisfying(JsonRpcException.class, e -> assertThat(e.code()).isEqualTo(McpError.PARSE_ERROR));
    }

    @Test
    void encodesErrorWithData() throws Exception {
        JsonNode data = JsonRpc.mapper().readTree("{\"supported\":[\"2026-07-28\"]}");
        var m = new JsonRpcMessage.Error(NullNode.getInstance(), new McpError(-32022, "Unsupported protocol version", data));
        assertThat(new String(JsonRpc.encodeBytes(m), StandardCharsets.UTF_8)).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32022,\"message\":\"Unsupported protocol version\","
                        + "\"data\":{\"supported\":[\"2026-07-28\"]}}}");
    }

    @Test
    void encodedBytesHaveNoLineBreaks() throws Exception {
        JsonRpcMessage m = JsonRpc.decode("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"t\":\"a\\nb\\r\\nc\"}}");
        assertThat(new String(JsonRpc.encodeBytes(m), StandardCharsets.UTF_8)).doesNotContain("\n", "\r");
    }

    static Stream<Arguments> corpus() throws IOException {
        try (InputStream in = JsonRpcTest.class.getResourceAsStream("/jsonrpc-corpus/cases.tsv")) {
            List<String> lines = new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            return lines.stream().map(l -> l.split("\t", 2)).map(p -> Arguments.of(p[0], p[1]));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("corpus")
    void corpusCaseDecodesAsExpected(String file, String expected) throws Exception {
        byte[] bytes;
        try (InputStream in = JsonRpcTest.class.getResourceAsStream("/jsonrpc-corpus/" + file)) {
            bytes = Objects.requireNonNull(in, file).readAllBytes();
        }
        if (Character.isLetter(expected.charAt(0))) {
            JsonRpcMessage m = JsonRpc.decode(bytes);
            Class<?> type = switch (expected) {
                case "request" -> JsonRpcMessage.Request.class;
                case "notification" -> JsonRpcMessage.Notification.class;
                case "result" -> JsonRpcMessage.Result.class;
                case "error" -> JsonRpcMessage.Error.class;
                default -> throw new IllegalArgumentException(expected);
            };
            assertThat(m).isInstanceOf(type);
            // what decodes re-encodes to something that decodes to the same message
            byte[] again = JsonRpc.encodeBytes(m);
            assertThat(JsonRpc.encodeBytes(JsonRpc.decode(again))).isEqualTo(again);
        } else {
            String[] p = expected.split(" ", 2);
            JsonNode id = JsonRpc.mapper().readTree(p[1]);
            assertThatThrownBy(() -> JsonRpc.decode(bytes)).isInstanceOfSatisfying(JsonRpcException.class, e -> {
                assertThat(e.code()).isEqualTo(Integer.parseInt(p[0]));
                assertThat(e.reply().id()).isEqualTo(id);
            });
        }
    }
}
