package dev.portcullis.personas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import dev.portcullis.core.Agent;
import dev.portcullis.core.Caller;
import dev.portcullis.core.Subject;
import org.junit.jupiter.api.Test;

/**
 * For random bundles, callers and tools: what the bundle permits is a subset of what the persona allows
 * and a subset of what the person's entitlements grant — and (without scopes or hours) exactly their
 * intersection. The reference sides are computed independently, with regular expressions over the raw
 * rules, not with the compiled index.
 */
class EffectiveSetPropertyTest {
    private static final long SEED = 0x5EED_6006L;
    private static final String[] WORDS = {"get", "list", "create", "delete", "invoice", "customer", "time", "echo"};
    private static final String[] UPSTREAMS = {"billing", "crm", "demo"};

    @Test
    void effectiveSetIsAlwaysASubsetOfBothSides() {
        check(new Random(SEED), 6, 0, 4);
    }

    /**
     * Callers in more groups than the bundle has distinct patterns: the tool index then evaluates each
     * distinct pattern once instead of looking at the caller's groups, and must find the same grants.
     */
    @Test
    void callersInManyGroupsGetTheSameAnswers() {
        check(new Random(SEED + 1), 60, 30, 60);
    }

    private static void check(Random random, int bundleGroups, int minCallerGroups, int maxCallerGroups) {
        int permits = 0;
        int checked = 0;
        for (int round = 0; round < 200; round++) {
            List<Persona> personas = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                personas.add(Persona.of("p" + i, rules(random)));
            }
            List<Entitlement> entitlements = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                List<Grant> grants = new ArrayList<>();
                for (int g = 0; g < 1 + random.nextInt(3); g++) {
                    grants.add(Grant.of(rules(random)));
                }
                Set<String> subjects = random.nextInt(4) == 0 ? Set.of("s" + random.nextInt(10)) : Set.of();
                entitlements.add(new Entitlement("e" + i, Set.of("g" + random.nextInt(bundleGroups)), subjects,
                        grants));
            }
            PolicyBundle bundle = PolicyBundle.of("random", entitlements, personas,
                    new Bindings(Bindings.DEFAULT_PRECEDENCE, Map.of(), "persona:"));
            for (int c = 0; c < 10; c++) {
                Set<String> groups = new HashSet<>();
                int n = minCallerGroups + random.nextInt(maxCallerGroups - minCallerGroups + 1);
                for (int g = 0; g < n; g++) {
                    groups.add("g" + random.nextInt(bundleGroups));
                }
                Persona persona = personas.get(random.nextInt(personas.size()));
                groups.add("persona:" + persona.name());
                Caller caller = new Caller(new Subject("s" + c, "iss", "", "", groups), new Agent("agent", Optional.empty()),
                        Optional.empty(), Set.of(), "t", InetAddress.getLoopbackAddress());
                for (int t = 0; t < 30; t++) {
                    Target.Tool tool = randomTool(random);
                    boolean permitted = bundle.authorize(caller, tool, Fixtures.NOON_WEDNESDAY) instanceof Authorization.Permit;
                    boolean personaSide = reference(persona.allow(), tool);
                    boolean entitlementSide = entitlements.stream()
                            .filter(e -> e.groups().stream().anyMatch(groups::contains)
                                    || e.subjects().contains(caller.user().id()))
                            .flatMap(e -> e.grants().stream())
                            .anyMatch(g -> reference(g.rules(), tool));
                    if (permitted) {
                        assertThat(personaSide).as("persona side of %s for %s", tool, persona).isTrue();
                        assertThat(entitlementSide).as("entitlement side of %s", tool).isTrue();
                        permits++;
                    }
                    assertThat(permitted).as("%s for %s in %s", tool, persona, groups)
                            .isEqualTo(personaSide && entitlementSide);
                    checked++;
                }
            }
        }
        // the generator must exercise both outcomes, or the property says nothing
        assertThat(permits).isBetween(checked / 50, checked - checked / 50);
    }

    private static Rules rules(Random random) {
        List<String> tools = new ArrayList<>();
        for (int i = 0; i < random.nextInt(4); i++) {
            tools.add(pattern(random));
        }
        List<String> tags = random.nextInt(3) == 0 ? List.of(WORDS[random.nextInt(WORDS.length)]) : List.of();
        List<String> upstreams = random.nextBoolean() ? List.of("*") : List.of(UPSTREAMS[random.nextInt(3)], "c*");
        Set<AccessClass> access = EnumSet.noneOf(AccessClass.class);
        for (AccessClass a : AccessClass.values()) {
            if (random.nextInt(3) > 0) {
                access.add(a);
            }
        }
        return new Rules(upstreams, tools, tags, List.of(), access, List.of(), List.of(), List.of());
    }

    private static String pattern(Random random) {
        String w = WORDS[random.nextInt(WORDS.length)];
        return switch (random.nextInt(6)) {
            case 0 -> "*";
            case 1 -> w + "_*";
            case 2 -> "*_" + w;
            case 3 -> w + "_?" + WORDS[random.nextInt(WORDS.length)].substring(1);
            case 4 -> UPSTREAMS[random.nextInt(3)] + "/" + w + "*";
            default -> w + "_" + WORDS[random.nextInt(WORDS.length)];
        };
    }

    private static Target.Tool randomTool(Random random) {
        String name = WORDS[random.nextInt(WORDS.length)] + "_" + WORDS[random.nextInt(WORDS.length)];
        Set<String> tags = random.nextInt(4) == 0 ? Set.of(WORDS[random.nextInt(WORDS.length)]) : Set.of();
        return new Target.Tool(UPSTREAMS[random.nextInt(3)], name, tags, Optional.empty(),
                AccessClass.values()[random.nextInt(3)]);
    }

    /** The reference matcher: one regular expression per glob, no index, no shortcuts. */
    static boolean reference(Rules rules, Target.Tool tool) {
        if (!rules.access().contains(tool.access())) {
            return false;
        }
        if (rules.upstreams().stream().noneMatch(u -> regex(u).matcher(tool.upstream()).matches())) {
            return false;
        }
        for (String p : rules.tools()) {
            String subject = p.contains("/") ? tool.upstream() + "/" + tool.name() : tool.name();
            if (regex(p).matcher(subject).matches()) {
                return true;
            }
        }
        return rules.tags().stream().anyMatch(tool.tags()::contains);
    }

    static Pattern regex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }
}
