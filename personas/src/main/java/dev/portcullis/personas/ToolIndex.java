package dev.portcullis.personas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tool grants of a bundle indexed by what they name, so that a tool decision looks at the grants that
 * can match the tool instead of every grant of every group of the caller. Exact names, qualified names,
 * tags and operation ids are hash lookups; the remaining (prefix and glob) patterns are kept once per
 * distinct pattern, each with the grants that use it, and also by group and subject. A decision evaluates
 * whichever is smaller for the caller: the distinct patterns, or the pattern grants of the caller's
 * groups. Either way it yields every grant that can match, each still checked in full.
 */
final class ToolIndex {
    /** A grant with the groups and subjects of its entitlement. */
    record Held(PolicyBundle.CompiledGrant grant, String[] groups, Set<String> subjects) {
        boolean heldBy(String subject, Set<String> userGroups) {
            if (subjects.contains(subject)) {
                return true;
            }
            for (String g : groups) {
                if (userGroups.contains(g)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a non-exact pattern is matched against. */
    enum On { NAME, QUALIFIED, OPERATION }

    /** One distinct non-exact pattern and the grants that use it. */
    record PatternGrants(On on, String pattern, String prefix, Held[] grants) {
        boolean matches(Target.Tool t) {
            String s = switch (on) {
                case NAME -> t.name();
                case QUALIFIED -> t.upstream() + "/" + t.name();
                case OPERATION -> t.operation().orElse(null);
            };
            return s != null && (prefix != null ? s.startsWith(prefix) : Patterns.glob(pattern, s));
        }
    }

    private final Map<String, Held[]> byName;
    private final Map<String, Held[]> byQualified;
    private final Map<String, Held[]> byTag;
    private final Map<String, Held[]> byOperation;
    private final PatternGrants[] patterns;
    private final Map<String, Held[]> patternGrantsByGroup;
    private final Map<String, Held[]> patternGrantsBySubject;

    ToolIndex(List<Held> grants) {
        Map<String, List<Held>> names = new HashMap<>();
        Map<String, List<Held>> qualified = new HashMap<>();
        Map<String, List<Held>> tags = new HashMap<>();
        Map<String, List<Held>> operations = new HashMap<>();
        Map<String, List<Held>> byPattern = new LinkedHashMap<>();
        Map<String, List<Held>> groups = new HashMap<>();
        Map<String, List<Held>> subjects = new HashMap<>();
        for (Held h : grants) {
            Rules r = h.grant().rules.rules();
            boolean patterned = false;
            for (String p : r.tools()) {
                boolean q = p.indexOf('/') >= 0;
                if (Patterns.isExact(p)) {
                    add(q ? qualified : names, p, h);
                } else {
                    add(byPattern, (q ? On.QUALIFIED : On.NAME) + " " + p, h);
                    patterned = true;
                }
            }
            for (String tag : r.tags()) {
                add(tags, tag, h);
            }
            for (String p : r.operations()) {
                if (Patterns.isExact(p)) {
                    add(operations, p, h);
                } else {
                    add(byPattern, On.OPERATION + " " + p, h);
                    patterned = true;
                }
            }
            if (patterned) {
                for (String g : h.groups()) {
                    add(groups, g, h);
                }
                for (String s : h.subjects()) {
                    add(subjects, s, h);
                }
            }
        }
        this.byName = freeze(names);
        this.byQualified = freeze(qualified);
        this.byTag = freeze(tags);
        this.byOperation = freeze(operations);
        List<PatternGrants> ps = new ArrayList<>();
        byPattern.forEach((key, held) -> {
            int space = key.indexOf(' ');
            String pattern = key.substring(space + 1);
            int star = pattern.indexOf('*');
            String prefix = star == pattern.length() - 1 && pattern.indexOf('?') < 0 ? pattern.substring(0, star) : null;
            ps.add(new PatternGrants(On.valueOf(key.substring(0, space)), pattern, prefix, held.toArray(Held[]::new)));
        });
        this.patterns = ps.toArray(PatternGrants[]::new);
        this.patternGrantsByGroup = freeze(groups);
        this.patternGrantsBySubject = freeze(subjects);
    }

    /** Receives candidate grants; returns {@code true} to stop (a permit was found). */
    interface Visitor {
        boolean visit(Held held);
    }

    /**
     * Offers every grant held by the caller that can match the tool (possibly some more than once, and
     * possibly some that do not match: the visitor checks each in full) until the visitor stops.
     */
    void candidates(Target.Tool t, String subject, Set<String> userGroups, Visitor v) {
        if (offer(byName.get(t.name()), subject, userGroups, v)) {
            return;
        }
        if (!byQualified.isEmpty() && offer(byQualified.get(t.upstream() + "/" + t.name()), subject, userGroups, v)) {
            return;
        }
        if (!byTag.isEmpty()) {
            for (String tag : t.tags()) {
                if (offer(byTag.get(tag), subject, userGroups, v)) {
                    return;
                }
            }
        }
        if (t.operation().isPresent() && offer(byOperation.get(t.operation().get()), subject, userGroups, v)) {
            return;
        }
        if (patterns.length == 0) {
            return;
        }
        if (offer(patternGrantsBySubject.get(subject), subject, userGroups, v)) {
            return;
        }
        if (userGroups.size() <= patterns.length) {
            for (String g : userGroups) {
                if (offer(patternGrantsByGroup.get(g), subject, userGroups, v)) {
                    return;
                }
            }
        } else {
            for (PatternGrants p : patterns) {
                if (p.matches(t) && offer(p.grants(), subject, userGroups, v)) {
                    return;
                }
            }
        }
    }

    private static boolean offer(Held[] held, String subject, Set<String> userGroups, Visitor v) {
        if (held == null) {
            return false;
        }
        for (Held h : held) {
            if (h.heldBy(subject, userGroups) && v.visit(h)) {
                return true;
            }
        }
        return false;
    }

    private static void add(Map<String, List<Held>> m, String key, Held h) {
        List<Held> list = m.computeIfAbsent(key, k -> new ArrayList<>());
        if (list.isEmpty() || list.getLast() != h) {
            list.add(h);
        }
    }

    private static Map<String, Held[]> freeze(Map<String, List<Held>> m) {
        Map<String, Held[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.toArray(Held[]::new)));
        return Map.copyOf(out);
    }
}
