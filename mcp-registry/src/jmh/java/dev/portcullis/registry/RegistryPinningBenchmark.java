package dev.portcullis.registry;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.portcullis.mcp.UpstreamTarget;

/**
 * {@link Registry#review} of an upstream with 1,000 pinned, unchanged tools, against a baseline of
 * hashing the same tools with plain Jackson serialisation and SHA-256 (no canonicalisation, no pins).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
public class RegistryPinningBenchmark {
    private static final int TOOLS = 1000;

    private final ObjectMapper mapper = new ObjectMapper();
    private Registry registry;
    private List<ObjectNode> tools;

    @Setup
    public void setUp() throws IOException {
        Path dir = Files.createTempDirectory("registry-bench");
        dir.toFile().deleteOnExit();
        registry = Registry.open(dir.resolve("registry.json"), List.of());
        registry.register(new Registration("bench", "Bench", "", "1.0.0",
                new UpstreamTarget.Http("bench", URI.create("https://bench.example/mcp"), Map.of(), Duration.ofSeconds(5),
                        Duration.ofSeconds(30), Optional.empty()),
                null, true, Registration.Source.ADMIN, Instant.now()), "bench");
        tools = new ArrayList<>(TOOLS);
        for (int i = 0; i < TOOLS; i++) {
            tools.add(tool(i));
        }
        ToolReview first = registry.review("bench", tools);
        if (first.approved().size() != TOOLS) {
            throw new IllegalStateException("setup did not pin every tool");
        }
    }

    /** A realistic definition: ~200-character description, a 4-property schema, annotations, _meta. */
    private ObjectNode tool(int i) {
        ObjectNode t = mapper.createObjectNode();
        t.put("name", "tool_" + i);
        t.put("title", "Tool number " + i);
        t.put("description", "Searches the issue tracker for items matching a query and returns up to `limit` "
                + "results with title, state, assignee and labels. Use it before creating a new issue (" + i + ").");
        ObjectNode schema = t.putObject("inputSchema");
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("query").put("type", "string").put("description", "Free-text query");
        props.putObject("limit").put("type", "integer").put("minimum", 1).put("maximum", 100).put("default", 20);
        props.putObject("state").put("type", "string").putArray("enum").add("open").add("closed").add("all");
        props.putObject("labels").put("type", "array").putObject("items").put("type", "string");
        schema.putArray("required").add("query");
        ObjectNode annotations = t.putObject("annotations");
        annotations.put("readOnlyHint", true);
        annotations.put("openWorldHint", false);
        t.putObject("_meta").put("dev.example/trace", "abc" + i);
        return t;
    }

    @Benchmark
    public ToolReview review() {
        return registry.review("bench", tools);
    }

    @Benchmark
    public void baselineJacksonSha256(Blackhole bh) throws JsonProcessingException, NoSuchAlgorithmException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (ObjectNode tool : tools) {
            bh.consume(sha256.digest(mapper.writeValueAsBytes(tool)));
        }
    }

    @Benchmark
    public void canonicalFingerprintsOnly(Blackhole bh) {
        ToolFingerprint fp = new ToolFingerprint();
        for (ObjectNode tool : tools) {
            bh.consume(fp.fingerprint(tool));
        }
    }
}
