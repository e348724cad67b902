package dev.portcullis.server.auth;

import java.time.Instant;
import java.util.ArrayList;
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

    /** NumericDates beyond this many seconds from the epoch (about year 31,690,000) are clamped to it. */
    private static final long MAX_EPOCH_SECONDS = 1_000_000_000_000_000L;

    /**
     * A NumericDate (RFC 7519 §2): JSON seconds since the epoch, integer or not. Fractions are truncated
     * and absurd magnitudes clamped, so the result always supports adding a clock skew.
     */
    static Optional<Instant> instant(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return Optional.of(Instant.ofEpochSecond(clamp(((Number) value).longValue())));
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                return Optional.empty();
            }
            double bounded = Math.max(-MAX_EPOCH_SECONDS, Math.min(MAX_EPOCH_SECONDS, d));
            return Optional.of(Instant.ofEpochSecond((long) bounded));
        }
        return Optional.empty();
    }

    private static long clamp(long seconds) {
        return Math.max(-MAX_EPOCH_SECONDS, Math.min(MAX_EPOCH_SECONDS, seconds));
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
