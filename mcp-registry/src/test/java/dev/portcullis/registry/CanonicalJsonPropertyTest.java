package dev.portcullis.registry;

import static dev.portcullis.mcp.testing.PropertyChecks.escape;
import static dev.portcullis.mcp.testing.PropertyChecks.validInText;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.portcullis.mcp.testing.PropertyChecks;

/**
 * Properties of canonical JSON, each checked over listed edge cases and then over many pseudo-random inputs
 * ({@link PropertyChecks}: a failure names the seed that rebuilds its input).
 */
class CanonicalJsonPropertyTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final PropertyChecks PROPERTIES = new PropertyChecks(CanonicalJsonPropertyTest::describe);
    private static final int MAX_DEPTH = 3;

    @Test
    void fingerprintIsInvariantUnderKeyPermutation() {
        PROPERTIES.forAll(300, permutationEdgeCases(), r -> new Permutation(tool(r), r.nextLong()), c -> {
            ObjectNode shuffled = (ObjectNode) permute(c.tool(), new Random(c.seed()));
            assertThat(ToolFingerprint.of(shuffled)).isEqualTo(ToolFingerprint.of(c.tool()));
        });
    }

    @Test
    void canonicalTextReparsesToAnEqualTree() {
        PROPERTIES.forAll(300, toolEdgeCases(), CanonicalJsonPropertyTest::tool, tool -> {
            byte[] canonical = CanonicalJson.canonicalize(tool);
            JsonNode reparsed = Fixtures.JSON.readTree(canonical);
            assertThat(CanonicalJson.canonicalize(reparsed)).isEqualTo(canonical);
        });
    }

    @Test
    void numbersRoundTripThroughTheirCanonicalText() {
        PROPERTIES.forAll(2000, DOUBLE_EDGE_CASES, CanonicalJsonPropertyTest::finiteDouble, d -> {
            assertThat(Double.isFinite(d)).as("generated a finite double").isTrue();
            String text = CanonicalJson.formatDouble(d);
            assertThat(Double.parseDouble(text)).isEqualTo(d == 0 ? 0.0 : d);
            assertThat(text).doesNotContain("E").doesNotEndWith(".0");
        });
    }

    // ---- generators ----------------------------------------------------------------------------------------------

    /** A tool to fingerprint and the seed of the key shuffle applied to it. */
    private record Permutation(ObjectNode tool, long seed) {
    }

    private static List<Permutation> permutationEdgeCases() {
        List<Permutation> cases = new ArrayList<>();
        for (ObjectNode tool : toolEdgeCases()) {
            cases.add(new Permutation(tool, 0));
            cases.add(new Permutation(tool, -1));
        }
        return cases;
    }

    /** {"name": "tool", "payload": any JSON value nested at most three containers deep}. */
    private static ObjectNode tool(Random r) {
        return tool(value(r, MAX_DEPTH));
    }

    private static ObjectNode tool(JsonNode payload) {
        ObjectNode o = F.objectNode();
        o.put("name", "tool");
        o.set("payload", payload);
        return o;
    }

    private static List<ObjectNode> toolEdgeCases() {
        ObjectNode keys = F.objectNode();
        for (String key : List.of("", "a", "A", "aa", "b", "\u0000", "\u007f", "\u00e9", "\uff61", "\ud83d\ude00",
                "\ud800\udc00", "\"", "\\")) {
            keys.put(key, key);
        }
        ObjectNode numbers = F.objectNode();
        numbers.put("zero", 0.0).put("negativeZero", -0.0).put("max", 1e12).put("min", -1e12).put("cent", 0.01)
                .put("tiny", 1e-7).put("intMin", Integer.MIN_VALUE).put("intMax", Integer.MAX_VALUE)
                .put("third", 1.0 / 3);
        ArrayNode deep = F.arrayNode();
        deep.addArray().addObject().putArray("x").add(F.nullNode());
        ObjectNode mixed = F.objectNode();
        mixed.set("b", numbers.deepCopy());
        mixed.set("a", keys.deepCopy());
        mixed.putArray("c").add(true).add(false).add("").addNull();
        return List.of(tool(F.nullNode()), tool(F.textNode("")), tool(F.objectNode()), tool(F.arrayNode()),
                tool(keys), tool(numbers), tool(deep), tool(mixed));
    }

    /** A leaf, object or array (3 : 2 : 1); only leaves at depth 0. */
    private static JsonNode value(Random r, int depth) {
        int pick = depth == 0 ? 0 : r.nextInt(6);
        if (pick < 3) {
            return leaf(r);
        }
        if (pick < 5) {
            ObjectNode o = F.objectNode();
            int n = size(r, 6);
            for (int attempts = 0; o.size() < n && attempts < 4 * n; attempts++) {
                String key = string(r, 6);
                if (!o.has(key)) {
                    o.set(key, value(r, depth - 1));
                }
            }
            return o;
        }
        ArrayNode a = F.arrayNode();
        int n = size(r, 4);
        for (int i = 0; i < n; i++) {
            a.add(value(r, depth - 1));
        }
        return a;
    }

    /** A string of at most 12 chars, any int, a double in [-1e12, 1e12], a boolean or null (equally likely). */
    private static JsonNode leaf(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> F.textNode(string(r, 12));
            case 1 -> F.numberNode(anyInt(r));
            case 2 -> F.numberNode(doubleWithin(r, 1e12));
            case 3 -> F.booleanNode(r.nextBoolean());
            default -> F.nullNode();
        };
    }

    /** A size in [0, max], biased towards small sizes as property-test generators are. */
    private static int size(Random r, int max) {
        return r.nextInt(4) == 0 ? r.nextInt(Math.min(max, 2) + 1) : r.nextInt(max + 1);
    }

    private static final String SPECIAL_CHARS = "\u0000\u0001\u001f \"\\/\b\f\n\r\t\u007f\u0080\u00e9\u2028\uff61";

    /**
     * 0 to maxLength chars of valid Unicode text: no lone surrogates, noncharacters or private-use chars; now and then
     * a supplementary character as a surrogate pair, since key order compares UTF-16 code units.
     */
    private static String string(Random r, int maxLength) {
        int n = size(r, maxLength);
        StringBuilder sb = new StringBuilder(n);
        while (sb.length() < n) {
            int cp = switch (r.nextInt(8)) {
                case 0 -> SPECIAL_CHARS.charAt(r.nextInt(SPECIAL_CHARS.length()));
                case 1 -> 0x10000 + r.nextInt(0x100000 - 0x10000); // supplementary planes 1-15
                case 2, 3 -> 'a' + r.nextInt(4); // few distinct letters, so keys share prefixes
                default -> r.nextInt(0x10000);
            };
            if (validInText(cp) && sb.length() + Character.charCount(cp) <= maxLength) {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static int anyInt(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE).get(r.nextInt(5));
            case 1 -> r.nextInt(2001) - 1000;
            default -> r.nextInt();
        };
    }

    /** A double in [-bound, bound]: two decimal places, full precision or an order of magnitude, or an end. */
    private static double doubleWithin(Random r, double bound) {
        return switch (r.nextInt(5)) {
            case 0 -> BigDecimal.valueOf((long) ((r.nextDouble() * 2 - 1) * bound * 100), 2).doubleValue();
            case 1 -> (r.nextDouble() * 2 - 1) * bound;
            case 2 -> {
                double magnitude = Math.pow(10, -12 + r.nextInt(24)) * r.nextDouble() * 10;
                yield Math.min(magnitude, bound) * (r.nextBoolean() ? 1 : -1);
            }
            case 3 -> List.of(0.0, -0.0, 0.01, -0.01, 1.0, -1.0, bound, -bound).get(r.nextInt(8));
            default -> BigDecimal.valueOf(r.nextInt(2_000_001) - 1_000_000, 2).doubleValue();
        };
    }

    private static final List<Double> DOUBLE_EDGE_CASES = List.of(0.0, -0.0, 1.0, -1.0, 0.01, -0.01, 0.1, 0.1 + 0.2,
            1.0 / 3, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL),
            Double.MAX_VALUE, -Double.MAX_VALUE, 5e-324, 1e-6, 1e-7, 1.5e-7, 1e21, 1e20, 9.999999999999999e20,
            1.2345678901234567e21, 123456789012345680000.0, 9007199254740992.0, 9007199254740994.0, 9007199254740993.5,
            -9007199254740992.0, 4.35, 0.000001234, 1e300, 1e-300, 2e-323);

    /**
     * Any finite double: raw bit patterns (subnormals and the largest exponents included), two-decimal values,
     * integers and values at every power of ten.
     */
    private static double finiteDouble(Random r) {
        double d;
        do {
            d = switch (r.nextInt(5)) {
                case 0, 1 -> Double.longBitsToDouble(r.nextLong());
                case 2 -> BigDecimal.valueOf(r.nextLong() >> r.nextInt(64), 2).doubleValue();
                case 3 -> (double) (r.nextLong() >> r.nextInt(64));
                default -> (r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble() * 9) * Math.pow(10, -324 + r.nextInt(633));
            };
        } while (!Double.isFinite(d));
        return d;
    }

    private static JsonNode permute(JsonNode node, Random random) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            Collections.shuffle(members, random);
            ObjectNode o = F.objectNode();
            for (Map.Entry<String, JsonNode> m : members) {
                o.set(m.getKey(), permute(m.getValue(), random));
            }
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = F.arrayNode();
            node.forEach(e -> a.add(permute(e, random)));
            return a;
        }
        return node;
    }

    // ---- failure messages ------------------------------------------------------------------------------------------

    private static String describe(Object input) {
        return switch (input) {
            case Double d -> d + " (bits 0x" + Long.toHexString(Double.doubleToRawLongBits(d)) + ")";
            case Permutation(ObjectNode tool, long seed) ->
                    escape(tool.toString()) + ", shuffled with seed " + seed + "L";
            default -> escape(String.valueOf(input));
        };
    }
}
