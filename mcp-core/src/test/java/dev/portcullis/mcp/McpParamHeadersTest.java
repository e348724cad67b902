package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class McpParamHeadersTest {

    private static JsonNode json(String s) {
        try {
            return JsonRpc.mapper().readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void findsNestedParametersReachableThroughProperties() {
        var a = McpParamHeaders.analyze(json("""
                {'type':'object','properties':{
                  'region':{'type':'string','x-mcp-header':'Region'},
                  'opts':{'type':'object','properties':{'dry':{'type':'boolean','x-mcp-header':'Dry-Run'}}},
                  'x-mcp-header':{'type':'string'}}}"""));
        assertThat(a.valid()).isTrue();
        assertThat(a.params()).containsExactly(
                new McpParamHeaders.Param(List.of("region"), "Region"),
                new McpParamHeaders.Param(List.of("opts", "dry"), "Dry-Run"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "inside items | {'type':'object','properties':{'l':{'type':'array','items':{'type':'string','x-mcp-header':'L'}}}}",
            "inside anyOf | {'type':'object','anyOf':[{'properties':{'a':{'type':'string','x-mcp-header':'A'}}}]}",
            "number type | {'type':'object','properties':{'n':{'type':'number','x-mcp-header':'N'}}}",
            "object type | {'type':'object','properties':{'o':{'type':'object','x-mcp-header':'O'}}}",
            "not a token | {'type':'object','properties':{'a':{'type':'string','x-mcp-header':'A B'}}}",
            "empty | {'type':'object','properties':{'a':{'type':'string','x-mcp-header':''}}}",
            "duplicate ignoring case | {'type':'object','properties':{'a':{'type':'string','x-mcp-header':'X'},'b':{'type':'string','x-mcp-header':'x'}}}",
            "on the root | {'type':'object','x-mcp-header':'Root','properties':{}}"
    })
    void rejectsInvalidAnnotations(String why, String schema) {
        assertThat(McpParamHeaders.analyze(json(schema)).valid()).as(why).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "{'v':'us-west1'} | us-west1",
            "{'v':42} | 42",
            "{'v':-7} | -7",
            "{'v':true} | true",
            "{'v':null} | NONE",
            "{} | NONE",
            "{'v':9007199254740993} | NONE",
            "{'v':1.5} | NONE",
            "{'v':' padded '} | =?base64?IHBhZGRlZCA=?=",
            "{'v':'=?base64?literal?='} | =?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=",
            "{'v':'Hello, 世界'} | =?base64?SGVsbG8sIOS4lueVjA==?="
    })
    void encodesValuesAsTheSpecShows(String args, String expected) {
        assertThat(McpParamHeaders.value(json(args), new McpParamHeaders.Param(List.of("v"), "V"))).isEqualTo(expected);
    }
}
