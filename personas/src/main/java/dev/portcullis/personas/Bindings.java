package dev.portcullis.personas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a caller's persona is found. Sources are tried in {@code precedence} order and the first that
 * names a persona wins; a source that names two different personas (two {@code persona:*} groups)
 * makes the caller persona-less rather than picking one. No persona means nothing is allowed.
 *
 * @param precedence  the sources, in order; a source left out is not used at all
 * @param clientIds   agent {@code client_id} → persona
 * @param groupPrefix IdP groups named {@code <prefix><persona>} bind the persona
 */
public record Bindings(List<Source> precedence, Map<String, String> clientIds, String groupPrefix) {
    /** The default precedence: client id, then IdP group, then token claim. */
    public static final List<Source> DEFAULT_PRECEDENCE = List.of(Source.CLIENT_ID, Source.GROUP, Source.CLAIM);

    /** Copies and validates. */
    public Bindings {
        precedence = List.copyOf(precedence);
        if (precedence.stream().distinct().count() != precedence.size()) {
            throw new IllegalArgumentException("precedence: " + precedence + " (expected: each source once)");
        }
        clientIds = Map.copyOf(clientIds);
        Objects.requireNonNull(groupPrefix, "groupPrefix");
        if (groupPrefix.isEmpty()) {
            throw new IllegalArgumentException("group-prefix: empty (expected: a prefix such as persona:)");
        }
    }

    /** Where a persona binding can come from. */
    public enum Source {
        /** The agent's OAuth {@code client_id} / {@code azp}, mapped in the bundle. */
        CLIENT_ID("client-id"),
        /** An IdP group {@code persona:<name>} of the person. */
        GROUP("group"),
        /** The token's {@code persona} claim. */
        CLAIM("claim");

        private final String key;

        Source(String key) {
            this.key = key;
        }

        /** @return the key used in bundles */
        public String key() {
            return key;
        }

        static Source ofKey(String key) {
            for (Source s : values()) {
                if (s.key.equals(key)) {
                    return s;
                }
            }
            return null;
        }
    }
}
