package dev.portcullis.registry;

import static dev.portcullis.registry.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    private static String canonical(String json) {
        return new String(CanonicalJson.canonicalize(json(json)), StandardCharsets.UTF_8);
    }

    @Test
    void sortsMembersAndDropsWhitespace() {
        assertThat(canonical("{ 'b' : [ 1 , 2 ], 'a' : { 'd': true, 'c': null } }"))
                .isEqualTo("{\"a\":{\"c\":null,\"d\":true},\"b\":[1,2]}");
    }

    @Test
    void sortsMemberNamesByUtf16CodeUnits() {
        // RFC 8785 section 3.2.3: U+20AC (euro) sorts before U+1F600 (surrogate pair D83D DE00)? No: 0x20AC < 0xD83D.
        assertThat(canonical("{'\\ud83d\\ude00': 1, '\\u20ac': 2, 'z': 3, '\\u00e9': 4}"))
                .isEqualTo("{\"z\":3,\"é\":4,\"€\":2,\"😀\":1}");
    }

    @Test
    void escapesStringsLikeEcmaScript() {
        assertThat(canonical("['\\u0000\\u001f\\b\\f\\n\\r\\t\\\\\\u0022/\\u007f\\u00e9']"))
                .isEqualTo("[\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\\\\\"/\u007fé\"]");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "1.0|1", "1|1", "-0|0", "-0.0|0", "1e2|100", "4.50|4.5", "2e-3|0.002", "0.000001|0.000001",
            "1e-7|1e-7", "123e-20|1.23e-18", "1e21|1e+21", "1e20|100000000000000000000", "1E30|1e+30",
            "333333333.33333329|333333333.3333333", "5e-324|5e-324", "1.7976931348623157e308|1.7976931348623157e+308",
            "9007199254740992|9007199254740992", "9007199254740993|9007199254740992",
            "295147905179352830000|295147905179352830000", "-1.5|-1.5", "0.1|0.1", "100.25|100.25",
            "12345678901234567890|12345678901234567000"
    })
    void writesNumbersAsTheirIeee754DoubleInEcmaScriptForm(String in, String out) {
        assertThat(canonical("[" + in + "]")).isEqualTo("[" + out + "]");
    }

    @Test
    void rejectsLoneSurrogates() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize(JsonNodeFactory.instance.textNode("a\ud800b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lone surrogate");
    }

    @Test
    void rejectsNonFiniteNumbers() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize(JsonNodeFactory.instance.numberNode(Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not finite");
    }

    @Test
    void fingerprintIgnoresTopLevelMetaOnly() {
        String a = ToolFingerprint.of(json("{'name':'t','_meta':{'x':1},'inputSchema':{'_meta':1}}"));
        String b = ToolFingerprint.of(json("{'name':'t','_meta':{'x':2},'inputSchema':{'_meta':1}}"));
        String c = ToolFingerprint.of(json("{'name':'t','inputSchema':{'_meta':2}}"));
        assertThat(a).isEqualTo(b).startsWith("sha256:").hasSize(7 + 64);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void fingerprintIsSha256OfTheCanonicalText() throws Exception {
        byte[] canonical = "{\"a\":1,\"name\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        String expected = "sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(canonical));
        assertThat(ToolFingerprint.of(json("{ 'name': 't', 'a': 1.0 }"))).isEqualTo(expected);
    }
}
