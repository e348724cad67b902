package dev.portcullis.personas;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller wants to see or use. Names are the upstream's own (unprefixed) names; the upstream is
 * the registered upstream's name.
 */
public sealed interface Target {

    /** @return the kind, for explanations and audit records: {@code tool}, {@code resource}, ... */
    String kind();

    /** @return the name shown in explanations: {@code upstream/name} or the URI */
    String display();

    /**
     * An MCP tool (or an OpenAPI operation exposed as one).
     *
     * @param upstream  upstream name
     * @param name      the upstream's tool name
     * @param tags      OpenAPI tags (from the tool's {@code _meta}), may be empty
     * @param operation OpenAPI operation id, if any
     * @param access    read / write / destructive
     */
    record Tool(String upstream, String name, Set<String> tags, Optional<String> operation, AccessClass access)
            implements Target {
        /** Copies the tags and rejects nulls. */
        public Tool {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(name, "name");
            tags = Set.copyOf(tags);
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(access, "access");
        }

        /**
         * A tool without tags or operation.
         *
         * @param upstream upstream name
         * @param name     tool name
         * @param access   access class
         * @return the target
         */
        public static Tool of(String upstream, String name, AccessClass access) {
            return new Tool(upstream, name, Set.of(), Optional.empty(), access);
        }

        @Override
        public String kind() {
            return "tool";
        }

        @Override
        public String display() {
            return upstream + "/" + name;
        }
    }

    /**
     * A resource, or a resource template (then {@code uri} is the template text).
     *
     * @param upstream upstream name
     * @param uri      resource URI or URI template
     */
    record Resource(String upstream, String uri) implements Target {
        /** Rejects nulls. */
        public Resource {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(uri, "uri");
        }

        @Override
        public String kind() {
            return "resource";
        }

        @Override
        public String display() {
            return uri;
        }
    }

    /**
     * A prompt.
     *
     * @param upstream upstream name
     * @param name     the upstream's prompt name
     */
    record Prompt(String upstream, String name) implements Target {
        /** Rejects nulls. */
        public Prompt {
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String kind() {
            return "prompt";
        }

        @Override
        public String display() {
            return upstream + "/" + name;
        }
    }

    /**
     * An LLM model (for the LLM router).
     *
     * @param name model name, e.g. {@code claude-sonnet-4}
     */
    record Model(String name) implements Target {
        /** Rejects nulls. */
        public Model {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String kind() {
            return "model";
        }

        @Override
        public String display() {
            return name;
        }
    }
}
