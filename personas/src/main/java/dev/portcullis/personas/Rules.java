package dev.portcullis.personas;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a grant or a persona allows. Patterns are globs: {@code *} matches any run of characters
 * (including none and {@code /}), {@code ?} one character; a tool or prompt pattern containing
 * {@code /} matches {@code upstream/name}, one without matches the name on any allowed upstream.
 *
 * <p>Defaults deny: an empty {@code tools}, {@code tags}, {@code operations}, {@code resources},
 * {@code prompts} or {@code models} list allows none of them. {@code upstreams} and {@code access}
 * only narrow: when the bundle omits them they are {@code ["*"]} and all classes.
 *
 * @param upstreams  upstream name patterns
 * @param tools      tool name patterns
 * @param tags       OpenAPI tags (exact)
 * @param operations OpenAPI operation id patterns
 * @param access     the tool classes allowed
 * @param resources  resource URI patterns (templates are matched by their template text)
 * @param prompts    prompt name patterns
 * @param models     LLM model name patterns
 */
public record Rules(List<String> upstreams, List<String> tools, List<String> tags, List<String> operations,
                    Set<AccessClass> access, List<String> resources, List<String> prompts, List<String> models) {
    /** Copies the lists and rejects nulls. */
    public Rules {
        upstreams = List.copyOf(upstreams);
        tools = List.copyOf(tools);
        tags = List.copyOf(tags);
        operations = List.copyOf(operations);
        access = access.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(access));
        resources = List.copyOf(resources);
        prompts = List.copyOf(prompts);
        models = List.copyOf(models);
    }

    /** Allows nothing. */
    public static final Rules NONE = new Rules(List.of("*"), List.of(), List.of(), List.of(),
            EnumSet.allOf(AccessClass.class), List.of(), List.of(), List.of());

    /**
     * Tools by name, on any upstream, any class.
     *
     * @param tools tool name patterns
     * @return the rules
     */
    public static Rules tools(String... tools) {
        return new Rules(List.of("*"), List.of(tools), List.of(), List.of(), EnumSet.allOf(AccessClass.class),
                List.of(), List.of(), List.of());
    }

    /**
     * @param access the classes to keep
     * @return a copy restricted to these classes
     */
    public Rules withAccess(Set<AccessClass> access) {
        return new Rules(upstreams, tools, tags, operations, access, resources, prompts, models);
    }

    /**
     * @param upstreams upstream patterns
     * @return a copy restricted to these upstreams
     */
    public Rules withUpstreams(List<String> upstreams) {
        return new Rules(upstreams, tools, tags, operations, access, resources, prompts, models);
    }

    /**
     * @param resources resource URI patterns
     * @param prompts   prompt patterns
     * @param models    model patterns
     * @return a copy with these resources, prompts and models
     */
    public Rules with(List<String> resources, List<String> prompts, List<String> models) {
        return new Rules(upstreams, tools, tags, operations, access, resources, prompts, models);
    }
}
