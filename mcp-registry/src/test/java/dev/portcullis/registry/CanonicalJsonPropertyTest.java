package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CanonicalJsonPropertyTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Property(tries = 300)
    void fingerprintIsInvariantUnderKeyPermutation(@ForAll("objects") ObjectNode tool, @ForAll long seed) {
        ObjectNode shuffled = (ObjectNode) permute(tool, new Random(seed));
        assertThat(ToolFingerprint.of(shuffled)).isEqualTo(ToolFingerprint.of(tool));
    }

    @Property(tries = 300)
    void canonicalTextReparsesToAnEqualTree(@ForAll("objects") ObjectNode tool) throws Exception {
        byte[] canonical = CanonicalJson.canonicalize(tool);
        JsonNode reparsed = Fixtures.JSON.readTree(canonical);
        assertThat(CanonicalJson.canonicalize(reparsed)).isEqualTo(canonical);
    }

    @Property(tries = 2000)
    void numbersRoundTripThroughTheirCanonicalText(@ForAll double d) {
        net.jqwik.api.Assume.that(Double.isFinite(d));
        String text = CanonicalJson.formatDouble(d);
        assertThat(Double.parseDouble(text)).isEqualTo(d == 0 ? 0.0 : d);
        assertThat(text).doesNotContain("E").doesNotEndWith(".0");
    }

    @Provide
    Arbitrary<ObjectNode> objects() {
        return value(3).map(v -> {
            ObjectNode o = F.objectNode();
            o.put("name", "tool");
            o.set("payload", v);
            return o;
        });
    }

    private Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> (JsonNode) F.textNode(s.replaceAll("[\\ud800-\\udfff]", "x"))),
                Arbitraries.integers().map(i -> (JsonNode) F.numberNode(i)),
                Arbitraries.doubles().between(-1e12, 1e12).map(d -> (JsonNode) F.numberNode(d)),
                Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)),
                Arbitraries.just(F.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.strings().ofMaxLength(6)
                        .map(s -> s.replaceAll("[\\ud800-\\udfff]", "x")), value(depth - 1))
                .ofMaxSize(6).map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(4).map(l -> {
            ArrayNode a = F.arrayNode();
            l.forEach(a::add);
            return a;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf),
                net.jqwik.api.Tuple.of(2, object),
                net.jqwik.api.Tuple.of(1, array));
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
}
