package dev.portcullis.server.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The gateway's public routes and the methods each accepts, so that a request for a known path with
 * the wrong method gets 405 with an {@code Allow} header instead of a 404. Patterns are exact paths,
 * prefixes ending in {@code /*}, or paths with {@code {param}} segments, each matching one non-empty
 * path segment ({@code /admin/upstreams/{name}/enable}).
 */
public final class RouteTable {
    private final List<Entry> entries = new ArrayList<>();

    /**
     * Declares a route.
     *
     * @param pattern exact path, a prefix ending in {@code /*}, or a path with {@code {param}} segments
     * @param methods the HTTP methods the route accepts
     * @return this table
     */
    public synchronized RouteTable declare(String pattern, Collection<String> methods) {
        entries.add(new Entry(pattern, Set.copyOf(methods)));
        return this;
    }

    /**
     * The methods allowed on a path, when the path is known.
     *
     * @param path request path
     * @return sorted methods, or empty when no route matches the path
     */
    public synchronized Optional<Set<String>> allowed(String path) {
        Set<String> methods = new TreeSet<>();
        for (Entry e : entries) {
            if (e.matches(path)) {
                methods.addAll(e.methods());
            }
        }
        return methods.isEmpty() ? Optional.empty() : Optional.of(methods);
    }

    private record Entry(String pattern, Set<String> methods) {
        boolean matches(String path) {
            if (pattern.endsWith("/*")) {
                String prefix = pattern.substring(0, pattern.length() - 2);
                return path.equals(prefix) || path.startsWith(prefix + "/");
            }
            if (pattern.indexOf('{') < 0) {
                return pattern.equals(path);
            }
            String[] want = pattern.split("/", -1);
            String[] have = path.split("/", -1);
            if (want.length != have.length) {
                return false;
            }
            for (int i = 0; i < want.length; i++) {
                boolean param = want[i].startsWith("{") && want[i].endsWith("}");
                if (param ? have[i].isEmpty() : !want[i].equals(have[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
