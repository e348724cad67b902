package dev.portcullis.mcp.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.mcp.JsonRpc;
import dev.portcullis.mcp.JsonRpcException;
import dev.portcullis.mcp.JsonRpcMessage;
import dev.portcullis.mcp.SseEvent;
import dev.portcullis.mcp.SseReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JSON-RPC decode+encode of a typical {@code tools/call} and SSE parsing, each next to a plain-Jackson or
 * plain line-reading baseline measured in the same run. How to run: docs/BENCHMARKS.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ProtocolBench {

    static final byte[] TOOLS_CALL = """
            {"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"search_tickets","arguments":{\
            "query":"status:open assignee:me priority:high","limit":25,"fields":["id","title","status","assignee",\
            "updated_at"],"filters":{"project":"PORT","labels":["security","gateway"],"created_after":"2026-01-01"}},\
            "_meta":{"progressToken":"tok-7f3a","io.modelcontextprotocol/protocolVersion":"2026-07-28",\
            "io.modelcontextprotocol/clientInfo":{"name":"claude-code","version":"2.1.0"},\
            "io.modelcontextprotocol/clientCapabilities":{"elicitation":{},"sampling":{}}}}}""".getBytes(StandardCharsets.UTF_8);

    static final byte[] SSE_STREAM;

    static {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append("id: ev-").append(i).append('\n')
                    .append("event: message\n")
                    .append("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"tok-7f3a\",")
                    .append("\"progress\":").append(i).append(",\"total\":100,\"message\":\"step ").append(i).append("\"}}\n\n");
        }
        SSE_STREAM = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private final ObjectMapper plain = new ObjectMapper();

    @Benchmark
    public byte[] jsonRpcDecodeEncode() throws JsonRpcException {
        JsonRpcMessage m = JsonRpc.decode(TOOLS_CALL);
        return JsonRpc.encodeBytes(m);
    }

    @Benchmark
    public byte[] baselineJacksonReadTreeWrite() throws IOException {
        JsonNode tree = plain.readTree(TOOLS_CALL);
        return plain.writeValueAsBytes(tree);
    }

    @Benchmark
    public void sseParse100Events(Blackhole bh) throws IOException {
        try (SseReader r = new SseReader(new ByteArrayInputStream(SSE_STREAM))) {
            for (SseEvent e = r.next(); e != null; e = r.next()) {
                bh.consume(e);
            }
        }
    }

    @Benchmark
    public void baselineReadLines100Events(Blackhole bh) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(SSE_STREAM), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                bh.consume(line);
            }
        }
    }
}
