package dev.portcullis.personas;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.core.Caller;

/**
 * An immutable, validated policy: entitlements, personas and persona bindings, compiled into indexes
 * so that one decision costs a few hash lookups whatever the size of the bundle.
 *
 * <p>The decision ({@link #authorize}) is a pure function of the bundle, the caller, the target and the
 * time:
 * <ol>
 *     <li>the caller's persona is found through the {@link Bindings} (none, two, or an undefined one → deny);</li>
 *     <li>the persona must allow the target, and the time must be inside its allowed hours;</li>
 *     <li>some grant of an entitlement of the person (by group or subject) must allow the target; if every
 *     such grant needs a scope the token lacks, the answer is a {@link Authorization.StepUp} for the scopes
 *     the persona may exercise.</li>
 * </ol>
 * Anything else is denied. Thread-safe.
 */
public final class PolicyBundle {
    private final String origin;
    private final List<Entitlement> entitlements;
    private final List<Persona> personas;
    private final Bindings bindings;
    private final String canonicalJson;
    private final String version;

    private final Map<String, CompiledPersona> personaIndex;
    private final Map<String, CompiledGrant[]> byGroup;
    private final Map<String, CompiledGrant[]> bySubject;
    private final ToolIndex toolIndex;
    private final Bindings.Source[] precedence;
    private final EnumMap<Authorization.Why, Authorization.Deny> denials = new EnumMap<>(Authorization.Why.class);

    private PolicyBundle(String origin, List<Entitlement> entitlements, List<Persona> personas, Bindings bindings) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.entitlements = List.copyOf(entitlements);
        this.personas = List.copyOf(personas);
        this.bindings = Objects.requireNonNull(bindings, "bindings");
        this.canonicalJson = Canonical.json(this.entitlements, this.personas, bindings);
        this.version = Canonical.version(canonicalJson);

        Map<String, CompiledPersona> ps = new HashMap<>();
        for (Persona p : this.personas) {
            if (ps.put(p.name(), new CompiledPersona(p)) != null) {
                throw new IllegalArgumentException("personas: duplicate name " + p.name());
            }
        }
        this.personaIndex = Map.copyOf(ps);
        Map<String, List<CompiledGrant>> groups = new HashMap<>();
        Map<String, List<CompiledGrant>> subjects = new HashMap<>();
        Set<String> names = new java.util.HashSet<>();
        List<ToolIndex.Held> held = new ArrayList<>();
        for (Entitlement e : this.entitlements) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("entitlements: duplicate name " + e.name());
            }
            for (int i = 0; i < e.grants().size(); i++) {
                CompiledGrant g = new CompiledGrant(e.name(), i, e.grants().get(i));
                held.add(new ToolIndex.Held(g, e.groups().toArray(String[]::new), e.subjects()));
                for (String group : e.groups()) {
                    groups.computeIfAbsent(group, k -> new ArrayList<>()).add(g);
                }
                for (String subject : e.subjects()) {
                    subjects.computeIfAbsent(subject, k -> new ArrayList<>()).add(g);
                }
            }
        }
        this.byGroup = freeze(groups);
        this.bySubject = freeze(subjects);
        this.toolIndex = new ToolIndex(held);
        this.precedence = bindings.precedence().toArray(Bindings.Source[]::new);
        for (Authorization.Why why : Authorization.Why.values()) {
            denials.put(why, new Authorization.Deny(why, version));
        }
    }

    /**
     * Builds a bundle from its parts (the loader and tests use this).
     *
     * @param origin       where it came from (a file name), for messages
     * @param entitlements entitlements; names unique
     * @param personas     personas; names unique
     * @param bindings     persona bindings
     * @return the bundle
     * @throws IllegalArgumentException on duplicate names
     */
    public static PolicyBundle of(String origin, List<Entitlement> entitlements, List<Persona> personas,
                                  Bindings bindings) {
        return new PolicyBundle(origin, entitlements, personas, bindings);
    }

    /** @return the content hash of the canonical bundle, {@code sha256:<hex>}: the {@code policyVersion} */
    public String version() {
        return version;
    }

    /** @return where the bundle was loaded from */
    public String origin() {
        return origin;
    }

    /** @return the canonical JSON form (sorted keys, defaults explicit) whose hash is the version */
    public String canonicalJson() {
        return canonicalJson;
    }

    /** @return the entitlements */
    public List<Entitlement> entitlements() {
        return entitlements;
    }

    /** @return the personas */
    public List<Persona> personas() {
        return personas;
    }

    /** @return the persona bindings */
    public Bindings bindings() {
        return bindings;
    }

    /**
     * A persona binding of a caller.
     *
     * @param persona the persona name (may be undefined in the bundle)
     * @param source  the source that bound it
     */
    public record Binding(String persona, Bindings.Source source) {
    }

    /**
     * Finds the caller's persona by the bindings' precedence.
     *
     * @param caller the caller
     * @return the binding, or a denial reason ({@code NO_PERSONA} or {@code AMBIGUOUS_PERSONA})
     */
    Object bindingOrWhy(Caller caller) {
        return bindingOrWhy(caller.agent().clientId(), caller.user().groups(), caller.persona());
    }

    private Object bindingOrWhy(String clientId, Set<String> userGroups, Optional<String> claim) {
        for (Bindings.Source source : precedence) {
            switch (source) {
                case CLIENT_ID -> {
                    String p = bindings.clientIds().get(clientId);
                    if (p != null) {
                        return new Binding(p, source);
                    }
                }
                case GROUP -> {
                    String found = null;
                    String prefix = bindings.groupPrefix();
                    for (String g : userGroups) {
                        if (g.startsWith(prefix)) {
                            String p = g.substring(prefix.length());
                            if (found != null && !found.equals(p)) {
                                return Authorization.Why.AMBIGUOUS_PERSONA;
                            }
                            found = p;
                        }
                    }
                    if (found != null) {
                        return new Binding(found, source);
                    }
                }
                case CLAIM -> {
                    if (claim.isPresent()) {
                        return new Binding(claim.get(), source);
                    }
                }
            }
        }
        return Authorization.Why.NO_PERSONA;
    }

    /**
     * @param caller the caller
     * @return the caller's persona binding, if exactly one is found
     */
    public Optional<Binding> binding(Caller caller) {
        return bindingOrWhy(caller) instanceof Binding b ? Optional.of(b) : Optional.empty();
    }

    /**
     * Decides whether the caller may use the target. Pure: consumes no rate-limit permits.
     *
     * @param caller the caller
     * @param target what they want to see or use
     * @param now    the time (for allowed hours)
     * @return permit, deny, or step-up; never {@link Authorization.Throttled}
     */
    public Authorization authorize(Caller caller, Target target, Instant now) {
        return decide(caller.user().id(), caller.user().groups(), caller.agent().clientId(), caller.persona(),
                caller.scopes(), target, now);
    }

    /**
     * A "what if" question for {@link #explain(Question, Target, Instant)}: admins and the CLI ask about
     * people who are not making a request.
     *
     * @param user         subject id
     * @param groups       IdP groups
     * @param clientId     agent client id
     * @param personaClaim the token's persona claim, if any
     * @param scopes       token scopes
     */
    public record Question(String user, Set<String> groups, String clientId, Optional<String> personaClaim,
                           Set<String> scopes) {
        /** Copies and rejects nulls. */
        public Question {
            Objects.requireNonNull(user, "user");
            groups = Set.copyOf(groups);
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(personaClaim, "personaClaim");
            scopes = Set.copyOf(scopes);
        }
    }

    private Authorization decide(String subject, Set<String> userGroups, String clientId, Optional<String> claim,
                                 Set<String> scopes, Target target, Instant now) {
        Object resolved = bindingOrWhy(clientId, userGroups, claim);
        if (!(resolved instanceof Binding binding)) {
            return denials.get((Authorization.Why) resolved);
        }
        CompiledPersona persona = personaIndex.get(binding.persona());
        if (persona == null) {
            return denials.get(Authorization.Why.UNKNOWN_PERSONA);
        }
        if (!persona.rules.matches(target)) {
            return denials.get(Authorization.Why.OUTSIDE_PERSONA);
        }
        if (persona.hours != null && !persona.hours.contains(now)) {
            return denials.get(Authorization.Why.OUTSIDE_HOURS);
        }
        if (target instanceof Target.Tool tool) {
            // tools are the hot path (every tools/list item): only grants that can name this tool
            ToolDecision d = new ToolDecision(persona, tool, scopes);
            toolIndex.candidates(tool, subject, userGroups, d);
            if (d.permit != null) {
                return new Authorization.Permit(persona.name, d.permit.entitlement, d.permit.index, version);
            }
            return notEntitled(persona, d.needed);
        }
        Set<String> needed = null;
        CompiledGrant[] own = bySubject.get(subject);
        if (own != null) {
            for (CompiledGrant g : own) {
                if (g.rules.matches(target)) {
                    if (g.scope == null || persona.usable(g.scope, scopes)) {
                        return new Authorization.Permit(persona.name, g.entitlement, g.index, version);
                    }
                    needed = need(needed, g.scope);
                }
            }
        }
        for (String group : userGroups) {
            CompiledGrant[] grants = byGroup.get(group);
            if (grants == null) {
                continue;
            }
            for (CompiledGrant g : grants) {
                if (g.rules.matches(target)) {
                    if (g.scope == null || persona.usable(g.scope, scopes)) {
                        return new Authorization.Permit(persona.name, g.entitlement, g.index, version);
                    }
                    needed = need(needed, g.scope);
                }
            }
        }
        return notEntitled(persona, needed);
    }

    /** No grant permits: a step-up for the scopes that would, else a denial. */
    private Authorization notEntitled(CompiledPersona persona, Set<String> needed) {
        if (needed == null) {
            return denials.get(Authorization.Why.NOT_ENTITLED);
        }
        needed.removeIf(s -> !persona.mayExercise(s));
        return needed.isEmpty() ? denials.get(Authorization.Why.SCOPE_NOT_ALLOWED)
                : new Authorization.StepUp(needed, version);
    }

    /** Checks the candidate grants of one tool decision in full; stops at the first that permits. */
    private static final class ToolDecision implements ToolIndex.Visitor {
        final CompiledPersona persona;
        final Target.Tool tool;
        final Set<String> scopes;
        CompiledGrant permit;
        Set<String> needed;

        ToolDecision(CompiledPersona persona, Target.Tool tool, Set<String> scopes) {
            this.persona = persona;
            this.tool = tool;
            this.scopes = scopes;
        }

        @Override
        public boolean visit(ToolIndex.Held held) {
            CompiledGrant g = held.grant();
            if (!g.rules.matches(tool)) {
                return false;
            }
            if (g.scope == null || persona.usable(g.scope, scopes)) {
                permit = g;
                return true;
            }
            needed = need(needed, g.scope);
            return false;
        }
    }

    /**
     * Decides and, when permitted, takes one permit from each of the persona's rate limits.
     *
     * @param caller  the caller
     * @param target  the target being invoked
     * @param now     the time
     * @param limiter where the token buckets live
     * @return as {@link #authorize}, or {@link Authorization.Throttled} when a limit is exhausted
     */
    public Authorization admit(Caller caller, Target target, Instant now, RateLimiter limiter) {
        Authorization a = authorize(caller, target, now);
        if (!(a instanceof Authorization.Permit permit)) {
            return a;
        }
        RateLimits limits = personaIndex.get(permit.persona()).persona.rateLimits();
        String who = caller.user().issuer() + "|" + caller.user().id();
        String base = "persona:" + permit.persona();
        if (limits.perPersona().isPresent()) {
            Duration wait = limiter.acquire(base, limits.perPersona().get());
            if (!wait.isZero()) {
                return new Authorization.Throttled("per-persona", wait, version);
            }
        }
        if (limits.perPerson().isPresent()) {
            Duration wait = limiter.acquire(base + "|person:" + who, limits.perPerson().get());
            if (!wait.isZero()) {
                return new Authorization.Throttled("per-person", wait, version);
            }
        }
        if (limits.perTool().isPresent()) {
            Duration wait = limiter.acquire(base + "|person:" + who + "|" + target.kind() + ":" + target.display(),
                    limits.perTool().get());
            if (!wait.isZero()) {
                return new Authorization.Throttled("per-tool", wait, version);
            }
        }
        return permit;
    }

    /**
     * Explains a decision: the persona binding, the persona rules and every grant that applies.
     * Slower than {@link #authorize}; for admins and the CLI.
     *
     * @param caller the caller
     * @param target the target
     * @param now    the time
     * @return the explanation, whose decision equals {@code authorize(caller, target, now)}
     */
    public Explanation explain(Caller caller, Target target, Instant now) {
        return explain(new Question(caller.user().id(), caller.user().groups(), caller.agent().clientId(),
                caller.persona(), caller.scopes()), target, now);
    }

    /**
     * Explains the decision for a hypothetical caller.
     *
     * @param q      who asks
     * @param target the target
     * @param now    the time
     * @return the explanation
     */
    public Explanation explain(Question q, Target target, Instant now) {
        Authorization decision = decide(q.user(), q.groups(), q.clientId(), q.personaClaim(), q.scopes(), target, now);
        List<String> steps = new ArrayList<>();
        Object resolved = bindingOrWhy(q.clientId(), q.groups(), q.personaClaim());
        Optional<Binding> binding = Optional.empty();
        List<String> personaMatches = List.of();
        if (resolved instanceof Binding b) {
            binding = Optional.of(b);
            steps.add("persona " + b.persona() + " (bound by " + b.source().key() + ")");
            CompiledPersona p = personaIndex.get(b.persona());
            if (p == null) {
                steps.add("persona " + b.persona() + " is not defined in the bundle");
            } else {
                personaMatches = p.rules.why(target);
                steps.add(p.rules.matches(target)
                        ? "persona allows " + target.kind() + " " + target.display() + " by " + personaMatches
                        : "persona does not allow " + target.kind() + " " + target.display()
                        + (personaMatches.isEmpty() ? "" : " (" + personaMatches + ")"));
                if (p.hours != null) {
                    steps.add(p.hours.contains(now) ? "inside allowed hours" : "outside allowed hours");
                }
            }
        } else {
            steps.add(resolved == Authorization.Why.AMBIGUOUS_PERSONA
                    ? "several persona groups bind different personas" : "no binding gives a persona");
        }
        List<Explanation.GrantMatch> grants = new ArrayList<>();
        Map<CompiledGrant, String> seen = new LinkedHashMap<>();
        CompiledGrant[] own = bySubject.get(q.user());
        if (own != null) {
            for (CompiledGrant g : own) {
                seen.putIfAbsent(g, "subject " + q.user());
            }
        }
        for (String group : new TreeSet<>(q.groups())) {
            CompiledGrant[] gs = byGroup.get(group);
            if (gs != null) {
                for (CompiledGrant g : gs) {
                    seen.putIfAbsent(g, "group " + group);
                }
            }
        }
        for (Map.Entry<CompiledGrant, String> e : seen.entrySet()) {
            CompiledGrant g = e.getKey();
            if (g.rules.matches(target)) {
                grants.add(new Explanation.GrantMatch(g.entitlement, g.index, e.getValue(), g.rules.why(target),
                        Optional.ofNullable(g.scope)));
            }
        }
        if (grants.isEmpty()) {
            steps.add("no entitlement of the person grants " + target.kind() + " " + target.display());
        }
        return new Explanation(decision, binding, personaMatches, grants, steps);
    }

    private static Set<String> need(Set<String> needed, String scope) {
        Set<String> s = needed == null ? new TreeSet<>() : needed;
        s.add(scope);
        return s;
    }

    private static Map<String, CompiledGrant[]> freeze(Map<String, List<CompiledGrant>> m) {
        Map<String, CompiledGrant[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.toArray(CompiledGrant[]::new)));
        return Map.copyOf(out);
    }

    /** A persona ready for matching. */
    private static final class CompiledPersona {
        final Persona persona;
        final String name;
        final CompiledRules rules;
        final Hours hours;
        final Set<String> scopes;

        CompiledPersona(Persona persona) {
            this.persona = persona;
            this.name = persona.name();
            this.rules = new CompiledRules(persona.allow());
            this.hours = persona.hours().orElse(null);
            this.scopes = persona.scopes().orElse(null);
        }

        boolean mayExercise(String scope) {
            return scopes == null || scopes.contains(scope);
        }

        boolean usable(String scope, Set<String> tokenScopes) {
            return tokenScopes.contains(scope) && mayExercise(scope);
        }
    }

    /** One grant of one entitlement, ready for matching. */
    static final class CompiledGrant {
        final String entitlement;
        final int index;
        final CompiledRules rules;
        final String scope;

        CompiledGrant(String entitlement, int index, Grant grant) {
            this.entitlement = entitlement;
            this.index = index;
            this.rules = new CompiledRules(grant.rules());
            this.scope = grant.requireScope().orElse(null);
        }
    }
}
