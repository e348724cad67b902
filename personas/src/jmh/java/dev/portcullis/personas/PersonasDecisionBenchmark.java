package dev.portcullis.personas;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.portcullis.core.Agent;
import dev.portcullis.core.Caller;
import dev.portcullis.core.Subject;

/**
 * {@link PolicyBundle#authorize} on a bundle with 10,000 tools and 1,000 IdP groups, for one decision and
 * for filtering a {@code tools/list} of 1,000 tools, each against a naive evaluator of the same bundle
 * (linear scan over every entitlement and grant, each glob a precompiled {@link Pattern}) measured in the
 * same run. Setup checks that both evaluators give the same answer for every target measured.
 *
 * <p>{@code callerGroups} is how many of the 1,000 groups the caller is in: 20 (a typical person) or 1,000
 * (an administrator in every group, the worst case for an index by group).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PersonasDecisionBenchmark {
    static final int TOOLS = 10_000;
    static final int GROUPS = 1_000;
    static final int LIST = 1_000;
    static final String[] DOMAINS = {"fin", "crm", "hr", "ops", "sales", "legal", "it", "sec", "mkt", "eng",
            "sup", "proc", "risk", "tax", "pay", "inv", "ship", "qa", "data", "ml"};
    static final String[] VERBS = {"get", "list", "search", "create", "update", "delete", "export", "approve"};
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @Param({"20", "1000"})
    public int callerGroups;

    private PolicyBundle bundle;
    private Naive naive;
    private Caller caller;
    private Target.Tool[] decisions;
    private Target.Tool[] list;
    private int next;

    @Setup
    public void setUp() throws Exception {
        Random random = new Random(6);
        Target.Tool[] tools = new Target.Tool[TOOLS];
        for (int i = 0; i < TOOLS; i++) {
            String verb = VERBS[random.nextInt(VERBS.length)];
            AccessClass access = switch (verb) {
                case "get", "list", "search", "export" -> AccessClass.READ;
                case "delete" -> AccessClass.DESTRUCTIVE;
                default -> AccessClass.WRITE;
            };
            tools[i] = Target.Tool.of("up" + (i % 10), DOMAINS[i % DOMAINS.length] + "_" + verb + "_" + i, access);
        }
        List<Entitlement> entitlements = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            List<String> names = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                names.add(tools[random.nextInt(TOOLS)].name());
            }
            List<Grant> grants = new ArrayList<>();
            grants.add(Grant.of(Rules.tools(names.toArray(String[]::new))));
            if (g % 10 == 0) {
                grants.add(Grant.of(Rules.tools(DOMAINS[g % DOMAINS.length] + "_*")
                        .withAccess(EnumSet.of(AccessClass.READ))));
            }
            if (g % 50 == 0) {
                grants.add(Grant.of(Rules.tools("*_export_?" + (g % 10))));
            }
            if (g % 25 == 0) {
                grants.add(new Grant(Rules.tools(DOMAINS[(g + 1) % DOMAINS.length] + "_approve_*"),
                        Optional.of("approvals:write")));
            }
            entitlements.add(new Entitlement("ent-" + g, Set.of("g" + g), Set.of(), grants));
        }
        Persona persona = Persona.of("analyst", Rules.tools("fin_*", "crm_*", "sales_*", "pay_*", "inv_*", "tax_*",
                "data_*", "risk_*", "hr_get_*", "legal_search_*").withAccess(EnumSet.of(AccessClass.READ,
                AccessClass.WRITE)));
        Bindings bindings = new Bindings(Bindings.DEFAULT_PRECEDENCE, Map.of("bench-agent", "analyst"), "persona:");
        bundle = PolicyBundle.of("bench", entitlements, List.of(persona), bindings);
        naive = new Naive(entitlements, persona, bindings);

        List<Integer> all = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            all.add(g);
        }
        java.util.Collections.shuffle(all, random);
        Set<String> groups = new HashSet<>();
        for (int g : all.subList(0, callerGroups)) {
            groups.add("g" + g);
        }
        caller = new Caller(new Subject("alice", "https://idp.example", "Alice", "alice@example.com", groups),
                new Agent("bench-agent", Optional.empty()), Optional.empty(), Set.of("mcp:tools"), "jti",
                InetAddress.getLoopbackAddress());

        // decisions: half tools the caller is granted by name (some outside the persona), half random tools
        List<String> entitled = new ArrayList<>();
        for (Entitlement e : entitlements) {
            if (groups.containsAll(e.groups())) {
                entitled.addAll(e.grants().getFirst().rules().tools());
            }
        }
        Map<String, Target.Tool> byName = new java.util.HashMap<>();
        for (Target.Tool t : tools) {
            byName.put(t.name(), t);
        }
        decisions = new Target.Tool[1024];
        for (int i = 0; i < decisions.length; i++) {
            decisions[i] = i % 2 == 0 ? byName.get(entitled.get(random.nextInt(entitled.size())))
                    : tools[random.nextInt(TOOLS)];
        }
        list = new Target.Tool[LIST];
        for (int i = 0; i < LIST; i++) {
            list[i] = tools[random.nextInt(TOOLS)];
        }
        int permitted = 0;
        for (Target.Tool[] targets : List.of(decisions, list)) {
            for (Target.Tool t : targets) {
                Authorization a = bundle.authorize(caller, t, NOW);
                String kind = switch (a) {
                    case Authorization.Permit p -> "permit";
                    case Authorization.StepUp s -> "step-up";
                    case Authorization.Deny d -> "deny";
                    case Authorization.Throttled th -> "throttled";
                };
                if (!kind.equals(naive.decide(caller, t))) {
                    throw new IllegalStateException("evaluators disagree on " + t + ": " + a + " vs "
                            + naive.decide(caller, t));
                }
                permitted += a instanceof Authorization.Permit ? 1 : 0;
            }
        }
        System.out.printf("%n[setup] caller in %d groups: %d of %d measured targets permitted%n", callerGroups,
                permitted, decisions.length + list.length);
    }

    private Target.Tool nextTarget() {
        return decisions[next++ & (decisions.length - 1)];
    }

    /** One authorisation decision. */
    @Benchmark
    public Authorization decision() {
        return bundle.authorize(caller, nextTarget(), NOW);
    }

    /** Baseline: the same decision by a linear scan over every grant with regex matching. */
    @Benchmark
    public String baselineNaiveDecision() {
        return naive.decide(caller, nextTarget());
    }

    /** Filtering a tools/list of 1,000 tools for one caller. */
    @Benchmark
    public void toolsList1000(Blackhole bh) {
        int visible = 0;
        for (Target.Tool t : list) {
            if (bundle.authorize(caller, t, NOW).visible()) {
                visible++;
            }
        }
        bh.consume(visible);
    }

    /** Baseline: the same list filtered by the naive evaluator. */
    @Benchmark
    public void baselineNaiveToolsList1000(Blackhole bh) {
        int visible = 0;
        for (Target.Tool t : list) {
            if (!naive.decide(caller, t).equals("deny")) {
                visible++;
            }
        }
        bh.consume(visible);
    }

    /**
     * The bundle evaluated the obvious way: every glob a regex, every check a scan over every entitlement
     * and grant. Same semantics as {@link PolicyBundle#authorize} for tools (client-id binding only).
     */
    static final class Naive {
        record NaiveRules(List<Pattern> upstreams, List<Pattern> tools, Set<AccessClass> access) {
            static NaiveRules of(Rules r) {
                return new NaiveRules(r.upstreams().stream().map(Naive::regex).toList(),
                        r.tools().stream().map(Naive::regex).toList(), r.access());
            }

            boolean matches(Target.Tool t) {
                if (!access.contains(t.access()) || upstreams.stream().noneMatch(p -> p.matcher(t.upstream()).matches())) {
                    return false;
                }
                for (Pattern p : tools) {
                    String subject = p.pattern().contains("/") ? t.upstream() + "/" + t.name() : t.name();
                    if (p.matcher(subject).matches()) {
                        return true;
                    }
                }
                return false;
            }
        }

        record NaiveGrant(Set<String> groups, NaiveRules rules, String scope) {
        }

        private final List<NaiveGrant> grants = new ArrayList<>();
        private final NaiveRules persona;
        private final Bindings bindings;

        Naive(List<Entitlement> entitlements, Persona persona, Bindings bindings) {
            for (Entitlement e : entitlements) {
                for (Grant g : e.grants()) {
                    grants.add(new NaiveGrant(e.groups(), NaiveRules.of(g.rules()), g.requireScope().orElse(null)));
                }
            }
            this.persona = NaiveRules.of(persona.allow());
            this.bindings = bindings;
        }

        String decide(Caller caller, Target.Tool t) {
            if (bindings.clientIds().get(caller.agent().clientId()) == null || !persona.matches(t)) {
                return "deny";
            }
            boolean stepUp = false;
            for (NaiveGrant g : grants) {
                boolean member = false;
                for (String group : g.groups()) {
                    if (caller.user().groups().contains(group)) {
                        member = true;
                        break;
                    }
                }
                if (member && g.rules().matches(t)) {
                    if (g.scope() == null || caller.scopes().contains(g.scope())) {
                        return "permit";
                    }
                    stepUp = true;
                }
            }
            return stepUp ? "step-up" : "deny";
        }

        static Pattern regex(String glob) {
            StringBuilder sb = new StringBuilder();
            for (char c : glob.toCharArray()) {
                switch (c) {
                    case '*' -> sb.append(".*");
                    case '?' -> sb.append('.');
                    default -> sb.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(sb.toString(), Pattern.DOTALL);
        }
    }
}
