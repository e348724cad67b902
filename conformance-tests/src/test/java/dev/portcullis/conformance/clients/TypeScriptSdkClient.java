package dev.portcullis.conformance.clients;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.portcullis.conformance.harness.ExternalProcess;
import dev.portcullis.conformance.harness.ProjectPaths;

/**
 * Runs a Node client check from {@code conformance-tests/src/test/node} (official MCP TypeScript SDK, pinned by the
 * committed lockfile) against any MCP URL and returns its JSON report.
 */
public final class TypeScriptSdkClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TypeScriptSdkClient() {
    }

    /**
     * Runs {@code script} (e.g. {@code ts-sdk-client.mjs}) against {@code url}.
     *
     * @throws AssertionError with the transcript when node/npm are unavailable, the script fails or prints no report
     */
    public static JsonNode run(String script, String url, Duration timeout) {
        return run(script, url, timeout, Map.of());
    }

    /**
     * As {@link #run(String, String, Duration)} with extra environment (e.g. {@code MCP_BEARER_TOKEN}, which the
     * client sends as {@code Authorization: Bearer}).
     */
    public static JsonNode run(String script, String url, Duration timeout, Map<String, String> env) {
        Path dir = ProjectPaths.root().resolve("conformance-tests/src/test/node");
        ExternalProcess.Outcome outcome = ExternalProcess.run(
                List.of("bash", dir.resolve("run-client.sh").toString(), script, url), dir, env, timeout);
        if (outcome.exitCode() != 0) {
            throw new AssertionError(script + " against " + url + " exited with " + outcome.exitCode()
                                     + (outcome.exitCode() == 2 ? " (node/npm installation problem)" : "") + "\n"
                                     + outcome.transcript());
        }
        String[] lines = outcome.stdout().strip().split("\n");
        try {
            return MAPPER.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new AssertionError(script + " printed no JSON report\n" + outcome.transcript(), e);
        }
    }
}
