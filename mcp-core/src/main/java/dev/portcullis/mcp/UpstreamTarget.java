package dev.portcullis.mcp;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach one registered upstream MCP server.
 */
public sealed interface UpstreamTarget {

    /** @return the upstream's registered name (unique, {@code [a-z0-9-]+}) */
    String name();

    /** @return time allowed for a single request, including waiting for client input */
    Duration requestTimeout();

    /**
     * A remote server over Streamable HTTP.
     *
     * @param name           registered name
     * @param url            the MCP endpoint
     * @param headers        static headers to send (layer-2 credentials are added per request, not here)
     * @param connectTimeout TCP/TLS connect timeout
     * @param requestTimeout per-request timeout
     * @param era            force an era, or empty to discover (try {@code server/discover}, fall back to
     *                       {@code initialize})
     */
    record Http(String name, URI url, Map<String, String> headers, Duration connectTimeout, Duration requestTimeout,
                Optional<ProtocolVersion.Era> era) implements UpstreamTarget {
        /** Copies and validates. */
        public Http {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(era, "era");
        }
    }

    /**
     * A local server launched as a child process, speaking newline-delimited JSON-RPC on stdin/stdout.
     * Restarted with back-off when it exits; its stderr goes to the gateway log.
     *
     * @param name           registered name
     * @param command        executable and arguments
     * @param env            extra environment variables
     * @param workingDir     working directory, or empty for the gateway's
     * @param requestTimeout per-request timeout
     */
    record Stdio(String name, List<String> command, Map<String, String> env, Optional<Path> workingDir,
                 Duration requestTimeout) implements UpstreamTarget {
        /** Copies and validates. */
        public Stdio {
            Objects.requireNonNull(name, "name");
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command: empty (expected: an executable)");
            }
            env = Map.copyOf(env);
            Objects.requireNonNull(workingDir, "workingDir");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }
    }
}
