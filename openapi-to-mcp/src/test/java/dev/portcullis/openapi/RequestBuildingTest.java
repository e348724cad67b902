package dev.portcullis.openapi;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Parameter serialisation as OpenAPI specifies it. */
class RequestBuildingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String url(Binding.Param p, String args) throws Exception {
        Binding b = new Binding("t", "GET", "/items/{id}", List.of(URI.create("https://api.example/v1")),
                List.of(new Binding.Param("id", "id", Binding.In.PATH, "simple", false, false, false), p),
                Optional.empty(), Binding.Output.NONE);
        return Invoker.url(URI.create("https://api.example/v1"), b, JSON.readTree(args));
    }

    private static Binding.Param q(String style, boolean explode) {
        return new Binding.Param("q", "q", Binding.In.QUERY, style, explode, false, false);
    }

    @Test
    void encodesPathValuesAndDotSegments() throws Exception {
        assertThat(url(q("form", true), "{\"id\": \"a/b c\"}")).isEqualTo("https://api.example/v1/items/a%2Fb%20c");
        assertThat(url(q("form", true), "{\"id\": \"..\"}")).isEqualTo("https://api.example/v1/items/%2E%2E");
    }

    @Test
    void serialisesQueryStyles() throws Exception {
        assertThat(url(q("form", true), "{\"id\":1,\"q\":[\"a\",\"b\"]}")).endsWith("?q=a&q=b");
        assertThat(url(q("form", false), "{\"id\":1,\"q\":[\"a\",\"b\"]}")).endsWith("?q=a,b");
        assertThat(url(q("spaceDelimited", false), "{\"id\":1,\"q\":[\"a\",\"b\"]}")).endsWith("?q=a%20b");
        assertThat(url(q("pipeDelimited", false), "{\"id\":1,\"q\":[\"a\",\"b\"]}")).endsWith("?q=a%7Cb");
        assertThat(url(q("deepObject", true), "{\"id\":1,\"q\":{\"x\":1,\"y\":\"z\"}}")).endsWith("?q%5Bx%5D=1&q%5By%5D=z");
        assertThat(url(q("form", true), "{\"id\":1,\"q\":{\"x\":1}}")).endsWith("?x=1");
        assertThat(url(q("form", true), "{\"id\":1,\"q\":\"a&b=c\"}")).endsWith("?q=a%26b%3Dc");
    }

    @Test
    void derivesNamesDeterministically() {
        assertThat(OpenApiToolset.baseName("", "GET", "/pets/{petId}")).isEqualTo("get_pets_petId");
        assertThat(OpenApiToolset.baseName("repos/get-content", "GET", "/x")).isEqualTo("repos_get-content");
        assertThat(OpenApiToolset.baseName("a".repeat(300), "GET", "/x")).hasSize(128);
        Set<String> taken = new java.util.HashSet<>(Set.of("x"));
        assertThat(OpenApiToolset.uniqueName("x", taken)).isEqualTo("x_2");
        Set<String> args = new java.util.HashSet<>();
        assertThat(OpenApiToolset.argName("id", "path", args, false)).isEqualTo("id");
        assertThat(OpenApiToolset.argName("id", "query", args, true)).isEqualTo("query_id");
        assertThat(OpenApiToolset.argName("StartTime<", "query", args, false)).isEqualTo("StartTime_");
        assertThat(OpenApiToolset.argName("StartTime>", "query", args, false)).isEqualTo("query_StartTime_");
    }
}
