package dev.portcullis.server.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Typed, lenient reads of claim maps (JWT claims or an introspection answer). */
final class Claims {
    private Claims() {
    }

    static Optional<String> string(Map<String, Object> claims, String name) {
        return claims.get(name) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** A string or a list of strings; anything else is empty. */
    static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
            return out;
        }
        return List.of();
    }

    /** NumericDate claims arrive as {@link Date} (Nimbus) or as numbers (introspection JSON). */
    static Optional<Instant> instant(Object value) {
        if (value instanceof Date d) {
            return Optional.of(d.toInstant());
        }
        if (value instanceof Number n) {
            return Optional.of(Instant.ofEpochSecond(n.longValue()));
        }
        return Optional.empty();
    }

    /**
     * A claim at a dot-separated path ({@code realm_access.roles}); a top-level claim whose name
     * contains dots (a URL-named claim) wins over the path.
     */
    static Object atPath(Map<String, Object> claims, String path) {
        if (claims.containsKey(path)) {
            return claims.get(path);
        }
        Object current = claims;
        for (String segment : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(segment);
        }
        return current;
    }

    /** {@code scope} (space-separated, RFC 9068 / 7662) or {@code scp} (string or list). */
    static Set<String> scopes(Map<String, Object> claims) {
        Set<String> scopes = new LinkedHashSet<>();
        if (claims.get("scope") instanceof String s) {
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) {
                    scopes.add(part);
                }
            }
        } else {
            for (String s : strings(claims.get("scp"))) {
                for (String part : s.split(" ")) {
                    if (!part.isEmpty()) {
                        scopes.add(part);
                    }
                }
            }
        }
        return scopes;
    }

    /** Control characters and overlong values are cut before an untrusted value goes into a log line. */
    static String loggable(Object value) {
        String s = String.valueOf(value);
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 120));
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 120 ? sb + "…" : sb.toString();
    }
}
