package dev.portcullis.personas;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@link Rules} compiled for matching: qualified ({@code upstream/name}) and plain patterns apart. */
final class CompiledRules {
    private final Rules rules;
    private final Patterns upstreams;
    private final Patterns toolsPlain;
    private final Patterns toolsQualified;
    private final boolean hasQualifiedTools;
    private final Set<String> tags;
    private final Patterns operations;
    private final EnumSet<AccessClass> access;
    private final Patterns resources;
    private final Patterns promptsPlain;
    private final Patterns promptsQualified;
    private final boolean hasQualifiedPrompts;
    private final Patterns models;

    CompiledRules(Rules rules) {
        this.rules = rules;
        this.upstreams = new Patterns(rules.upstreams());
        List<List<String>> tools = split(rules.tools());
        this.toolsPlain = new Patterns(tools.get(0));
        this.toolsQualified = new Patterns(tools.get(1));
        this.hasQualifiedTools = !tools.get(1).isEmpty();
        this.tags = Set.copyOf(rules.tags());
        this.operations = new Patterns(rules.operations());
        this.access = rules.access().isEmpty() ? EnumSet.noneOf(AccessClass.class) : EnumSet.copyOf(rules.access());
        this.resources = new Patterns(rules.resources());
        List<List<String>> prompts = split(rules.prompts());
        this.promptsPlain = new Patterns(prompts.get(0));
        this.promptsQualified = new Patterns(prompts.get(1));
        this.hasQualifiedPrompts = !prompts.get(1).isEmpty();
        this.models = new Patterns(rules.models());
    }

    Rules rules() {
        return rules;
    }

    boolean matches(Target target) {
        return switch (target) {
            case Target.Tool t -> tool(t);
            case Target.Resource r -> upstreams.matches(r.upstream()) && resources.matches(r.uri());
            case Target.Prompt p -> upstreams.matches(p.upstream())
                    && (promptsPlain.matches(p.name())
                    || hasQualifiedPrompts && promptsQualified.matches(p.upstream() + "/" + p.name()));
            case Target.Model m -> models.matches(m.name());
        };
    }

    private boolean tool(Target.Tool t) {
        if (!access.contains(t.access()) || !upstreams.matches(t.upstream())) {
            return false;
        }
        if (toolsPlain.matches(t.name())) {
            return true;
        }
        if (hasQualifiedTools && toolsQualified.matches(t.upstream() + "/" + t.name())) {
            return true;
        }
        if (!tags.isEmpty()) {
            for (String tag : t.tags()) {
                if (tags.contains(tag)) {
                    return true;
                }
            }
        }
        return t.operation().isPresent() && operations.matches(t.operation().get());
    }

    /** Human-readable reasons this rule set matches or not (explain only; not on the hot path). */
    List<String> why(Target target) {
        List<String> out = new ArrayList<>();
        switch (target) {
            case Target.Tool t -> {
                if (!access.contains(t.access())) {
                    out.add("access " + t.access().key() + " not in " + keys(rules.access()));
                    return out;
                }
                if (!upstreams.matches(t.upstream())) {
                    out.add("upstream " + t.upstream() + " not in " + rules.upstreams());
                    return out;
                }
                for (String p : rules.tools()) {
                    if (Patterns.glob(p, p.indexOf('/') >= 0 ? t.upstream() + "/" + t.name() : t.name())) {
                        out.add("tools: " + p);
                    }
                }
                for (String tag : rules.tags()) {
                    if (t.tags().contains(tag)) {
                        out.add("tags: " + tag);
                    }
                }
                t.operation().ifPresent(op -> Patterns.matching(rules.operations(), op)
                        .forEach(p -> out.add("operations: " + p)));
            }
            case Target.Resource r -> Patterns.matching(rules.resources(), r.uri()).forEach(p -> out.add("resources: " + p));
            case Target.Prompt p -> {
                for (String x : rules.prompts()) {
                    if (Patterns.glob(x, x.indexOf('/') >= 0 ? p.upstream() + "/" + p.name() : p.name())) {
                        out.add("prompts: " + x);
                    }
                }
            }
            case Target.Model m -> Patterns.matching(rules.models(), m.name()).forEach(p -> out.add("models: " + p));
        }
        return out;
    }

    private static List<String> keys(Set<AccessClass> access) {
        return access.stream().sorted().map(AccessClass::key).toList();
    }

    private static List<List<String>> split(List<String> patterns) {
        List<String> plain = new ArrayList<>();
        List<String> qualified = new ArrayList<>();
        for (String p : patterns) {
            (p.indexOf('/') >= 0 ? qualified : plain).add(p);
        }
        return List.of(plain, qualified);
    }
}
