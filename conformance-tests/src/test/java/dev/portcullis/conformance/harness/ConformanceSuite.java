package dev.portcullis.conformance.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the official MCP conformance suite in server mode ({@code deploy/mcp-tools/mcp-conformance.sh}) against any
 * MCP URL and reads its verdict. Fails loudly, with the whole transcript, when the suite cannot run or any scenario
 * fails; it never skips.
 */
public final class ConformanceSuite {
    /** Version of {@code @modelcontextprotocol/conformance} that scores the 2025-11-25 session era. */
    public static final String SESSION_ERA_VERSION = "0.1.16";
    /** Version that scores 2026-07-28 with {@code --requirements 2026-07-28}. */
    public static final String STATELESS_ERA_VERSION = "0.2.0-alpha.12";

    private static final Pattern TOTAL = Pattern.compile("^(\\d+) passed, (\\d+) failed$");
    private static final Pattern SCENARIO = Pattern.compile("^(PASS|FAIL|XFAIL|XPASS|SKIP) (\\S+) \\((.*)\\)$");

    /** The suite's verdict: counts from its last line and the status of each scenario (PASS, FAIL, SKIP...). */
    public record Report(int passed, int failed, Map<String, String> scenarios, Duration elapsed, String transcript) {
        public List<String> withStatus(String status) {
            return scenarios.entrySet().stream().filter(e -> e.getValue().equals(status)).map(Map.Entry::getKey).toList();
        }
    }

    private ConformanceSuite() {
    }

    /**
     * Runs suite {@code version} against {@code url} with extra {@code conformance server} arguments.
     *
     * @throws AssertionError if node/npm are unavailable, the script fails, times out, or any scenario fails
     */
    public static Report run(String url, String version, Duration timeout, String... extraArgs) {
        return run(url, version, timeout, List.of(), extraArgs);
    }

    /**
     * Runs suite {@code version} against {@code url} with a baseline of scenarios that are expected to fail:
     * each listed scenario must fail (reported {@code XFAIL}); one that passes ({@code XPASS}) fails the run.
     *
     * @throws AssertionError as {@link #run(String, String, Duration, String...)}
     */
    public static Report run(String url, String version, Duration timeout, List<String> expectedFailures,
                             String... extraArgs) {
        Path root = ProjectPaths.root();
        Path script = root.resolve("deploy/mcp-tools/mcp-conformance.sh");
        if (!Files.isExecutable(script)) {
            throw new AssertionError("conformance script missing or not executable: " + script);
        }
        requireNode(version);
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), url));
        if (extraArgs.length > 0) {
            command.add("--");
            command.addAll(List.of(extraArgs));
        }
        Map<String, String> env = new java.util.HashMap<>(Map.of("MCP_CONFORMANCE_VERSION", version,
                                      "MCP_CONFORMANCE_TIMEOUT", String.valueOf(timeout.toSeconds())));
        Path baseline = null;
        if (!expectedFailures.isEmpty()) {
            try {
                baseline = Files.createTempFile("conformance-baseline", ".txt");
                Files.write(baseline, expectedFailures);
            } catch (java.io.IOException e) {
                throw new AssertionError("cannot write the expected-failures baseline", e);
            }
            env.put("MCP_CONFORMANCE_EXPECTED_FAILURES", baseline.toString());
        }
        ExternalProcess.Outcome outcome;
        try {
            outcome = ExternalProcess.run(command, root, env, timeout.plusSeconds(30));
        } finally {
            if (baseline != null) {
                try {
                    Files.deleteIfExists(baseline);
                } catch (java.io.IOException ignored) {
                    // temp file; the OS cleans it
                }
            }
        }
        Report report = parse(outcome);
        if (outcome.exitCode() != 0) {
            throw new AssertionError("conformance " + version + " against " + url + " exited with "
                                     + outcome.exitCode() + " (" + report.failed() + " failed: "
                                     + report.withStatus("FAIL") + ")\n" + outcome.transcript());
        }
        return report;
    }

    static Report parse(ExternalProcess.Outcome outcome) {
        String[] lines = outcome.stdout().strip().split("\n");
        Matcher total = TOTAL.matcher(lines.length == 0 ? "" : lines[lines.length - 1].strip());
        if (!total.matches()) {
            throw new AssertionError("conformance output has no final 'N passed, M failed' line (exit "
                                     + outcome.exitCode() + ")\n" + outcome.transcript());
        }
        Map<String, String> scenarios = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher scenario = SCENARIO.matcher(line.strip());
            if (scenario.matches()) {
                scenarios.put(scenario.group(2), scenario.group(1));
            }
        }
        return new Report(Integer.parseInt(total.group(1)), Integer.parseInt(total.group(2)), Map.copyOf(scenarios),
                          outcome.elapsed(), outcome.transcript());
    }

    /** The script installs what it needs with npm on first use; without npm and without a cache it cannot run. */
    private static void requireNode(String version) {
        boolean cached = Files.isDirectory(ProjectPaths.toolsHome().resolve("conformance-" + version));
        if (cached || System.getenv("MCP_NODE") != null) {
            return;
        }
        boolean npm = ExternalProcess.run(List.of("bash", "-c", "command -v npm"), ProjectPaths.root(), Map.of(),
                                          Duration.ofSeconds(10)).exitCode() == 0;
        if (!npm) {
            throw new AssertionError("node/npm unavailable: the MCP conformance suite " + version + " is not cached in "
                                     + ProjectPaths.toolsHome() + " and npm is not on PATH; install npm (any node "
                                     + "version) or set MCP_NODE and MCP_TOOLS_HOME");
        }
    }
}
