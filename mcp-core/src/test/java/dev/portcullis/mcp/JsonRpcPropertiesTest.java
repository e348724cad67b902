package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class JsonRpcPropertiesTest {

    private static final JsonNodeFactory F = JsonRpc.mapper().getNodeFactory();

    @Property(tries = 2000)
    void decoderOnlyEverThrowsJsonRpcException(@ForAll("noise") byte[] input) {
        try {
            JsonRpcMessage m = JsonRpc.decode(input);
            assertThat(m).isNotNull();
        } catch (JsonRpcException e) {
            assertThat(e.code()).isIn(McpError.PARSE_ERROR, McpError.INVALID_REQUEST);
            assertThat(JsonRpc.isValidId(e.id()) || e.id().isNull()).isTrue();
        }
    }

    @Property(tries = 1000)
    void decoderOnlyEverThrowsJsonRpcExceptionOnJsonShapedInput(@ForAll("jsonish") String input) {
        try {
            JsonRpc.decode(input);
        } catch (JsonRpcException e) {
            assertThat(e.code()).isIn(McpError.PARSE_ERROR, McpError.INVALID_REQUEST);
        }
    }

    @Property(tries = 1000)
    void roundTripsValidMessages(@ForAll("messages") JsonRpcMessage m) throws Exception {
        byte[] bytes = JsonRpc.encodeBytes(m);
        assertThat(JsonRpc.encodeBytes(JsonRpc.decode(bytes))).isEqualTo(bytes);
        assertThat(JsonRpc.encodeBytes(JsonRpc.decode(JsonRpc.encode(m)))).isEqualTo(bytes);
        assertThat(JsonRpc.decode(bytes).getClass()).isEqualTo(m.getClass());
    }

    @Property(tries = 500)
    void echoesIdsExactly(@ForAll("ids") JsonNode id) throws Exception {
        JsonRpcMessage.Request r = new JsonRpcMessage.Request(id, "ping", null);
        String wire = new String(JsonRpc.encodeBytes(r), StandardCharsets.UTF_8);
        JsonRpcMessage back = JsonRpc.decode(wire);
        String idText = JsonRpc.mapper().writeValueAsString(id);
        assertThat(JsonRpc.mapper().writeValueAsString(((JsonRpcMessage.Request) back).id())).isEqualTo(idText);
        assertThat(((JsonRpcMessage.Request) back).id().isTextual()).isEqualTo(id.isTextual());
        assertThat(wire).contains("\"id\":" + idText + ",");
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"jsonrpc\"", "\"2.0\"", "\"id\"",
                "\"method\"", "\"params\"", "\"result\"", "\"error\"", "\"code\"", "\"message\"", "1", "-1", "1.5",
                "1e400", "null", "true", "false", "\"x\"", " ", "\"\\u0000\"", "99999999999999999999999");
        return tokens.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<JsonNode> ids() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(40).map(F::textNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                        .map(b -> (JsonNode) F.numberNode(b)));
    }

    @Provide
    Arbitrary<JsonRpcMessage> messages() {
        Arbitrary<String> methods = Arbitraries.of("tools/call", "tools/list", "notifications/progress", "x/y", "ping");
        Arbitrary<ObjectNode> params = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(20).tuple2().list().ofMaxSize(4)
                .map(kvs -> {
                    ObjectNode o = F.objectNode();
                    kvs.forEach(t -> o.put("k" + t.get1(), t.get2()));
                    o.putObject("nested").put("n", 1.25).put("big", new BigInteger("123456789012345678901234567890"));
                    return o;
                });
        Arbitrary<ObjectNode> nullableParams = params.injectNull(0.2);
        Arbitrary<JsonRpcMessage> requests = Combinators.combine(ids(), methods, nullableParams)
                .as(JsonRpcMessage.Request::new);
        Arbitrary<JsonRpcMessage> notifications = Combinators.combine(methods, nullableParams)
                .as(JsonRpcMessage.Notification::new);
        Arbitrary<JsonRpcMessage> results = Combinators.combine(ids(), params).as(JsonRpcMessage.Result::new);
        Arbitrary<JsonRpcMessage> errors = Combinators.combine(ids(), Arbitraries.integers(), Arbitraries.strings().ofMaxLength(30))
                .as((id, code, msg) -> new JsonRpcMessage.Error(id, new McpError(code, msg)));
        return Arbitraries.oneOf(requests, notifications, results, errors);
    }
}
