package dev.portcullis.mcp;

import static dev.portcullis.mcp.testing.PropertyChecks.escape;
import static dev.portcullis.mcp.testing.PropertyChecks.validInText;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.portcullis.mcp.testing.PropertyChecks;

/**
 * Properties of the JSON-RPC codec, each checked over listed edge cases and then over many pseudo-random inputs
 * ({@link PropertyChecks}: a failure names the seed that rebuilds its input).
 */
class JsonRpcPropertiesTest {

    private static final JsonNodeFactory F = JsonRpc.mapper().getNodeFactory();
    private static final PropertyChecks PROPERTIES = new PropertyChecks(JsonRpcPropertiesTest::describe);
    private static final BigInteger TEN_POW_30 = BigInteger.TEN.pow(30);
    private static final List<String> METHODS =
            List.of("tools/call", "tools/list", "notifications/progress", "x/y", "ping");
    private static final List<String> JSON_TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"jsonrpc\"", "\"2.0\"",
            "\"id\"", "\"method\"", "\"params\"", "\"result\"", "\"error\"", "\"code\"", "\"message\"", "1", "-1",
            "1.5", "1e400", "null", "true", "false", "\"x\"", " ", "\"\\u0000\"", "99999999999999999999999");

    @Test
    void decoderOnlyEverThrowsJsonRpcException() {
        PROPERTIES.forAll(2000, noiseEdgeCases(), JsonRpcPropertiesTest::noise, input -> {
            try {
                JsonRpcMessage m = JsonRpc.decode(input);
                assertThat(m).isNotNull();
            } catch (JsonRpcException e) {
                assertThat(e.code()).isIn(McpError.PARSE_ERROR, McpError.INVALID_REQUEST);
                assertThat(JsonRpc.isValidId(e.id()) || e.id().isNull()).isTrue();
            }
        });
    }

    @Test
    void decoderOnlyEverThrowsJsonRpcExceptionOnJsonShapedInput() {
        PROPERTIES.forAll(1000, jsonishEdgeCases(), JsonRpcPropertiesTest::jsonish, input -> {
            try {
                JsonRpc.decode(input);
            } catch (JsonRpcException e) {
                assertThat(e.code()).isIn(McpError.PARSE_ERROR, McpError.INVALID_REQUEST);
            }
        });
    }

    @Test
    void roundTripsValidMessages() {
        PROPERTIES.forAll(1000, messageEdgeCases(), JsonRpcPropertiesTest::message, m -> {
            byte[] bytes = JsonRpc.encodeBytes(m);
            assertThat(JsonRpc.encodeBytes(JsonRpc.decode(bytes))).isEqualTo(bytes);
            assertThat(JsonRpc.encodeBytes(JsonRpc.decode(JsonRpc.encode(m)))).isEqualTo(bytes);
            assertThat(JsonRpc.decode(bytes).getClass()).isEqualTo(m.getClass());
        });
    }

    @Test
    void echoesIdsExactly() {
        PROPERTIES.forAll(500, idEdgeCases(), JsonRpcPropertiesTest::id, id -> {
            JsonRpcMessage.Request r = new JsonRpcMessage.Request(id, "ping", null);
            String wire = new String(JsonRpc.encodeBytes(r), StandardCharsets.UTF_8);
            JsonRpcMessage back = JsonRpc.decode(wire);
            String idText = JsonRpc.mapper().writeValueAsString(id);
            assertThat(JsonRpc.mapper().writeValueAsString(((JsonRpcMessage.Request) back).id())).isEqualTo(idText);
            assertThat(((JsonRpcMessage.Request) back).id().isTextual()).isEqualTo(id.isTextual());
            assertThat(wire).contains("\"id\":" + idText + ",");
        });
    }

    // ---- generators ----------------------------------------------------------------------------------------------

    /** Any bytes, length 0 to 200. */
    private static byte[] noise(Random r) {
        byte[] bytes = new byte[size(r, 200)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = r.nextInt(8) == 0 ? pick(r, EDGE_BYTES) : (byte) r.nextInt(256);
        }
        return bytes;
    }

    private static final List<Byte> EDGE_BYTES = List.of((byte) 0, (byte) 1, (byte) -1, Byte.MIN_VALUE,
            Byte.MAX_VALUE, (byte) '{', (byte) '"', (byte) 0xC0, (byte) 0xFE);

    private static List<byte[]> noiseEdgeCases() {
        List<byte[]> cases = new ArrayList<>();
        cases.add(new byte[0]);
        for (byte b : EDGE_BYTES) {
            cases.add(new byte[] {b});
        }
        cases.add(new byte[200]);
        byte[] ones = new byte[200];
        java.util.Arrays.fill(ones, (byte) -1);
        cases.add(ones);
        cases.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a lone UTF-8 byte order mark
        return cases;
    }

    /** Zero to 40 JSON-ish tokens, concatenated. */
    private static String jsonish(Random r) {
        int n = size(r, 40);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(pick(r, JSON_TOKENS));
        }
        return sb.toString();
    }

    private static List<String> jsonishEdgeCases() {
        List<String> cases = new ArrayList<>();
        cases.add("");
        cases.addAll(JSON_TOKENS);
        return cases;
    }

    /** A text id of 0 to 40 chars in U+0000..U+D7FF, any long, or an integer in [-10^30, 10^30]. */
    private static JsonNode id(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> F.textNode(string(r, 40, '\u0000', '\ud7ff'));
            case 1 -> F.numberNode(anyLong(r));
            default -> F.numberNode(bigInteger(r, TEN_POW_30));
        };
    }

    private static List<JsonNode> idEdgeCases() {
        List<JsonNode> cases = new ArrayList<>();
        for (String s : List.of("", "\u0000", "\ud7ff", "\"", "\\", "1", "null", " ")) {
            cases.add(F.textNode(s));
        }
        for (long l : List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE)) {
            cases.add(F.numberNode(l));
        }
        BigInteger twoPow63 = BigInteger.TWO.pow(63);
        for (BigInteger b : List.of(BigInteger.ZERO, TEN_POW_30, TEN_POW_30.negate(), twoPow63,
                twoPow63.negate().subtract(BigInteger.ONE))) {
            cases.add(F.numberNode(b));
        }
        return cases;
    }

    /** A request, notification (params null one time in five), result or error. */
    private static JsonRpcMessage message(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new JsonRpcMessage.Request(id(r), pick(r, METHODS), nullableParams(r));
            case 1 -> new JsonRpcMessage.Notification(pick(r, METHODS), nullableParams(r));
            case 2 -> new JsonRpcMessage.Result(id(r), params(r));
            default -> new JsonRpcMessage.Error(id(r), new McpError(anyInt(r), anyString(r, 30)));
        };
    }

    private static List<JsonRpcMessage> messageEdgeCases() {
        List<JsonRpcMessage> cases = new ArrayList<>();
        Random fixed = new Random(0);
        for (String method : METHODS) {
            cases.add(new JsonRpcMessage.Request(F.numberNode(0), method, null));
            cases.add(new JsonRpcMessage.Notification(method, null));
        }
        cases.add(new JsonRpcMessage.Request(F.textNode(""), "ping", params(fixed)));
        cases.add(new JsonRpcMessage.Notification("ping", withNested(F.objectNode())));
        cases.add(new JsonRpcMessage.Result(F.numberNode(TEN_POW_30), withNested(F.objectNode())));
        cases.add(new JsonRpcMessage.Result(F.numberNode(Long.MIN_VALUE), params(fixed)));
        for (int code : List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, McpError.PARSE_ERROR,
                McpError.INVALID_REQUEST, McpError.INTERNAL_ERROR)) {
            cases.add(new JsonRpcMessage.Error(F.numberNode(1), new McpError(code, "")));
        }
        cases.add(new JsonRpcMessage.Error(F.textNode("\u0000"), new McpError(1, "\"\\\n\u2028\u00e9")));
        return cases;
    }

    /** Up to 4 entries "k" + key: value, keys and values 0 to 20 chars in U+0000..U+D7FF, plus a nested object. */
    private static ObjectNode params(Random r) {
        ObjectNode o = F.objectNode();
        int n = size(r, 4);
        for (int i = 0; i < n; i++) {
            o.put("k" + string(r, 20, '\u0000', '\ud7ff'), string(r, 20, '\u0000', '\ud7ff'));
        }
        return withNested(o);
    }

    private static ObjectNode withNested(ObjectNode o) {
        o.putObject("nested").put("n", 1.25).put("big", new BigInteger("123456789012345678901234567890"));
        return o;
    }

    private static ObjectNode nullableParams(Random r) {
        return r.nextInt(5) == 0 ? null : params(r);
    }

    // ---- value generators ------------------------------------------------------------------------------------------

    /** A size in [0, max], biased towards small sizes as property-test generators are. */
    private static int size(Random r, int max) {
        return r.nextInt(4) == 0 ? r.nextInt(Math.min(max, 3) + 1) : r.nextInt(max + 1);
    }

    private static <T> T pick(Random r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    private static final String SPECIAL_CHARS = "\u0000\u0001\u001f \"\\/\b\f\n\r\t\u007f\u0080\u00e9\u2028\u2029";

    /** 0 to maxLength chars in [lo, hi], with JSON-significant chars and the range ends often. */
    private static String string(Random r, int maxLength, char lo, char hi) {
        int n = size(r, maxLength);
        StringBuilder sb = new StringBuilder(n);
        while (sb.length() < n) {
            char c = switch (r.nextInt(6)) {
                case 0 -> SPECIAL_CHARS.charAt(r.nextInt(SPECIAL_CHARS.length()));
                case 1 -> r.nextBoolean() ? lo : hi;
                case 2 -> (char) (' ' + r.nextInt(95));
                default -> (char) (lo + r.nextInt(hi - lo + 1));
            };
            if (c >= lo && c <= hi) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * 0 to maxLength chars of any valid Unicode text: no lone surrogates, noncharacters or private-use chars
     * (sometimes a supplementary character as a well-formed surrogate pair).
     */
    private static String anyString(Random r, int maxLength) {
        int n = size(r, maxLength);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int cp = switch (r.nextInt(8)) {
                case 0 -> SPECIAL_CHARS.charAt(r.nextInt(SPECIAL_CHARS.length()));
                case 1 -> 0x10000 + r.nextInt(0x100000 - 0x10000); // supplementary planes 1-15
                case 2 -> ' ' + r.nextInt(95);
                default -> r.nextInt(0x10000);
            };
            if (!validInText(cp)) {
                i--;
                continue;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static int anyInt(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> pick(r, List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, McpError.PARSE_ERROR,
                    McpError.INVALID_REQUEST, McpError.METHOD_NOT_FOUND, McpError.INVALID_PARAMS));
            case 1 -> r.nextInt(2001) - 1000;
            default -> r.nextInt();
        };
    }

    private static long anyLong(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> pick(r, List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MAX_VALUE + 1,
                    1L << 53, (1L << 53) + 1, -(1L << 53) - 1));
            case 1 -> r.nextInt(2001) - 1000;
            default -> r.nextLong();
        };
    }

    /** An integer in [-bound, bound], of any bit length up to the bound's, ends included now and then. */
    private static BigInteger bigInteger(Random r, BigInteger bound) {
        if (r.nextInt(10) == 0) {
            return r.nextBoolean() ? bound : bound.negate();
        }
        BigInteger magnitude = new BigInteger(1 + r.nextInt(bound.bitLength()), r);
        if (magnitude.compareTo(bound) > 0) {
            magnitude = magnitude.mod(bound.add(BigInteger.ONE));
        }
        return r.nextBoolean() ? magnitude.negate() : magnitude;
    }

    // ---- failure messages ------------------------------------------------------------------------------------------

    private static String describe(Object input) {
        return switch (input) {
            case byte[] b -> b.length + " bytes: " + HexFormat.ofDelimiter(" ").formatHex(b);
            case String s -> '"' + escape(s) + '"';
            case JsonRpcMessage.Error(JsonNode id, McpError error) ->
                    "Error[id=" + escape(String.valueOf(id)) + ", code=" + error.code() + ", message=\""
                            + escape(error.getMessage()) + "\"]";
            case JsonRpcMessage m -> escape(m.toString());
            case JsonNode n -> n.getNodeType() + " " + escape(n.toString());
            default -> escape(String.valueOf(input));
        };
    }
}
