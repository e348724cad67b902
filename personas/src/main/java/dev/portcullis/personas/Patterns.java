package dev.portcullis.personas;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A compiled set of glob patterns: exact names in a hash set, prefixes, then general globs. */
final class Patterns {
    static final Patterns NONE = new Patterns(List.of());

    private final boolean any;
    private final Set<String> exact;
    private final String[] prefixes;
    private final String[] globs;

    Patterns(List<String> patterns) {
        boolean anyMatch = false;
        Set<String> exactSet = new HashSet<>();
        List<String> prefixList = new ArrayList<>();
        List<String> globList = new ArrayList<>();
        for (String p : patterns) {
            int star = p.indexOf('*');
            boolean question = p.indexOf('?') >= 0;
            if (p.equals("*")) {
                anyMatch = true;
            } else if (star < 0 && !question) {
                exactSet.add(p);
            } else if (!question && star == p.length() - 1) {
                prefixList.add(p.substring(0, star));
            } else {
                globList.add(p);
            }
        }
        this.any = anyMatch;
        this.exact = Set.copyOf(exactSet);
        this.prefixes = prefixList.toArray(String[]::new);
        this.globs = globList.toArray(String[]::new);
    }

    boolean isEmpty() {
        return !any && exact.isEmpty() && prefixes.length == 0 && globs.length == 0;
    }

    boolean matches(String s) {
        if (any || exact.contains(s)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (s.startsWith(prefix)) {
                return true;
            }
        }
        for (String glob : globs) {
            if (glob(glob, s)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the pattern has no wildcard */
    static boolean isExact(String pattern) {
        return pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    }

    /** The patterns of this set that match (for explanations). */
    static List<String> matching(List<String> patterns, String s) {
        List<String> out = new ArrayList<>();
        for (String p : patterns) {
            if (glob(p, s)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Iterative glob match with backtracking to the last star: linear in practice, no regex. */
    static boolean glob(String pattern, String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
