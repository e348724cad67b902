import java.nio.file.Path;
import java.util.Arrays;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.openapi.OpenApiToolset;

/**
 * Conversion time of one OpenAPI document (read, parse, convert every operation), for bench/openapi-call.sh.
 * Prints "CONVERT file tools=… cold_ms=… warm_median_ms=… warm_min_ms=…": cold is the first conversion in this
 * fresh JVM (class loading and JIT included, JVM start-up excluded); warm is over {@code runs} conversions
 * after {@code warmup} unmeasured ones.
 *
 * <p>Run with the openapi-to-mcp class path: {@code java -cp … bench/baseline/OpenApiConvert.java FILE [WARMUP RUNS]}.
 */
public final class OpenApiConvert {
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        UpstreamTarget.OpenApi.Spec spec = new UpstreamTarget.OpenApi.Spec.Location(file.toString());
        long t0 = System.nanoTime();
        int tools = OpenApiToolset.load(spec).tools().size();
        double cold = (System.nanoTime() - t0) / 1e6;
        for (int i = 0; i < warmup; i++) {
            OpenApiToolset.load(spec);
        }
        double[] warm = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            OpenApiToolset.load(spec);
            warm[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(warm);
        System.out.printf("CONVERT %s tools=%d cold_ms=%.0f warm_median_ms=%.0f warm_min_ms=%.0f%n",
                file.getFileName(), tools, cold, warm[runs / 2], warm[0]);
    }
}
