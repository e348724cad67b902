package dev.portcullis.mcp;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

    /**
     * A plain HTTP API described by an OpenAPI 2.0/3.0/3.1 document: every selected operation becomes a tool,
     * answered in-process by the {@code openapi-to-mcp} module, which calls the backend over HTTP. Data only:
     * this module does not parse the document.
     *
     * @param name                 registered name
     * @param spec                 where the document comes from
     * @param baseUrl              server URL to call instead of the document's {@code servers}, or empty
     * @param selection            which operations become tools
     * @param renames              tool name to use, keyed by {@code operationId} or {@code "METHOD /path"}
     * @param descriptions         tool description to use, keyed like {@code renames}
     * @param allowPrivateNetworks whether the backend may resolve to loopback, private or link-local
     *                             addresses (cloud metadata addresses stay refused)
     * @param credential           name of the layer-2 credential binding to inject, or empty
     * @param connectTimeout       TCP/TLS connect timeout for backend calls
     * @param requestTimeout       time allowed for one backend call, response included
     * @param maxResponseBytes     largest backend response body read; larger answers are an error result
     */
    record OpenApi(String name, Spec spec, Optional<URI> baseUrl, Selection selection, Map<String, String> renames,
                   Map<String, String> descriptions, boolean allowPrivateNetworks, Optional<String> credential,
                   Duration connectTimeout, Duration requestTimeout, long maxResponseBytes) implements UpstreamTarget {

        /** Default for {@code maxResponseBytes}: 4 MiB. */
        public static final long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

        /** Copies and validates. */
        public OpenApi {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(selection, "selection");
            renames = Map.copyOf(renames);
            descriptions = Map.copyOf(descriptions);
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (maxResponseBytes < 1) {
                throw new IllegalArgumentException("max-response-bytes: " + maxResponseBytes + " (expected: > 0)");
            }
        }

        /** @return a target with defaults: all operations, no renames, public networks only, 5 s / 30 s, 4 MiB */
        public static OpenApi of(String name, Spec spec) {
            return new OpenApi(name, spec, Optional.empty(), Selection.ALL, Map.of(), Map.of(), false, Optional.empty(),
                    Duration.ofSeconds(5), Duration.ofSeconds(30), DEFAULT_MAX_RESPONSE_BYTES);
        }

        /** Where an OpenAPI document comes from. */
        public sealed interface Spec {
            /**
             * A file path or an {@code http(s)} URL, read when the upstream connects.
             *
             * @param location path or URL
             */
            record Location(String location) implements Spec {
                /** Validates. */
                public Location {
                    if (location == null || location.isBlank()) {
                        throw new IllegalArgumentException("spec: empty (expected: a file path or URL)");
                    }
                }
            }

            /**
             * The document itself (JSON or YAML), e.g. uploaded through the admin API.
             *
             * @param content the document text
             */
            record Inline(String content) implements Spec {
                /** Validates. */
                public Inline {
                    if (content == null || content.isBlank()) {
                        throw new IllegalArgumentException("spec: empty document");
                    }
                }

                @Override
                public String toString() {
                    return "Inline[" + content.length() + " chars]";
                }
            }
        }

        /**
         * Which operations become tools. An operation is selected when it matches every non-empty include set
         * and no exclude set. Paths match exactly or by a trailing {@code *} prefix ({@code /admin/*}); methods
         * are upper case; tags match exactly.
         *
         * @param includeTags    tags of which an operation needs at least one, or empty for any
         * @param excludeTags    tags that remove an operation
         * @param includePaths   path patterns of which one must match, or empty for any
         * @param excludePaths   path patterns that remove an operation
         * @param includeMethods methods allowed, or empty for any
         * @param excludeMethods methods removed
         */
        public record Selection(Set<String> includeTags, Set<String> excludeTags, Set<String> includePaths,
                                Set<String> excludePaths, Set<String> includeMethods, Set<String> excludeMethods) {
            /** Every operation. */
            public static final Selection ALL = new Selection(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

            /** Copies. */
            public Selection {
                includeTags = Set.copyOf(includeTags);
                excludeTags = Set.copyOf(excludeTags);
                includePaths = Set.copyOf(includePaths);
                excludePaths = Set.copyOf(excludePaths);
                includeMethods = upper(includeMethods);
                excludeMethods = upper(excludeMethods);
            }

            /**
             * @param method HTTP method
             * @param path   path template as written in the document
             * @param tags   the operation's tags
             * @return whether the operation is selected
             */
            public boolean selects(String method, String path, List<String> tags) {
                String m = method.toUpperCase(java.util.Locale.ROOT);
                if (!includeMethods.isEmpty() && !includeMethods.contains(m) || excludeMethods.contains(m)) {
                    return false;
                }
                if (!includePaths.isEmpty() && includePaths.stream().noneMatch(p -> pathMatches(p, path))
                        || excludePaths.stream().anyMatch(p -> pathMatches(p, path))) {
                    return false;
                }
                if (!includeTags.isEmpty() && tags.stream().noneMatch(includeTags::contains)) {
                    return false;
                }
                return tags.stream().noneMatch(excludeTags::contains);
            }

            private static boolean pathMatches(String pattern, String path) {
                return pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                        : pattern.equals(path);
            }

            private static Set<String> upper(Set<String> methods) {
                return methods.stream().map(m -> m.toUpperCase(java.util.Locale.ROOT))
                        .collect(java.util.stream.Collectors.toUnmodifiableSet());
            }
        }
    }
}
