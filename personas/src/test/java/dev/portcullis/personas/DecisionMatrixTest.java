package dev.portcullis.personas;

import static dev.portcullis.personas.Fixtures.NOON_WEDNESDAY;
import static dev.portcullis.personas.Fixtures.caller;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.core.Caller;
import dev.portcullis.core.ReasonCode;
import dev.portcullis.core.Verdict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** People × personas × tools against the bundled full example. */
class DecisionMatrixTest {
    private static PolicyBundle bundle;

    /** alice: finance; bob: support; carol: finance and support; dave: no groups; erin: admins (no grants). */
    private static final Map<String, Set<String>> PEOPLE = Map.of(
            "alice", Set.of("finance"),
            "bob", Set.of("support"),
            "carol", Set.of("finance", "support"),
            "dave", Set.of(),
            "erin", Set.of("admins"));

    /** Which agent client plays which persona (see bindings.client-ids). */
    private static final Map<String, String> AGENTS = Map.of(
            "finance-analyst-agent", "portcullis-demo-agent",
            "support-copilot", "support-copilot-client",
            "none", "unbound-client");

    @BeforeAll
    static void load() throws PolicyException {
        bundle = Fixtures.example();
    }

    private static Authorization decide(String person, String persona, String tool, AccessClass access,
                                        Set<String> scopes) {
        Caller c = caller(person, PEOPLE.get(person), AGENTS.get(persona), scopes);
        return bundle.authorize(c, Target.Tool.of("demo", tool, access), NOON_WEDNESDAY);
    }

    @ParameterizedTest(name = "{0} via {1} → {2} ({3}) = {4}")
    @CsvSource({
            // person, persona,             tool,            class,       expected
            "alice, finance-analyst-agent, lookup_customer, READ,        permit",
            "alice, finance-analyst-agent, get_time,        READ,        permit",
            "alice, finance-analyst-agent, create_invoice,  WRITE,       step-up",
            "alice, finance-analyst-agent, echo,            READ,        outside-persona",
            "alice, finance-analyst-agent, delete_customer, DESTRUCTIVE, outside-persona",
            "alice, support-copilot,       lookup_customer, READ,        permit",
            "alice, support-copilot,       get_time,        READ,        permit",
            "alice, support-copilot,       echo,            READ,        not-entitled",
            "alice, support-copilot,       create_invoice,  WRITE,       outside-persona",
            "alice, none,                  lookup_customer, READ,        no-persona",
            "bob,   finance-analyst-agent, lookup_customer, READ,        permit",
            "bob,   finance-analyst-agent, get_time,        READ,        permit",
            "bob,   finance-analyst-agent, create_invoice,  WRITE,       not-entitled",
            "bob,   support-copilot,       lookup_customer, READ,        permit",
            "bob,   support-copilot,       echo,            READ,        permit",
            "bob,   support-copilot,       create_invoice,  WRITE,       outside-persona",
            "bob,   none,                  echo,            READ,        no-persona",
            "carol, finance-analyst-agent, create_invoice,  WRITE,       step-up",
            "carol, support-copilot,       echo,            READ,        permit",
            "dave,  finance-analyst-agent, lookup_customer, READ,        not-entitled",
            "dave,  support-copilot,       echo,            READ,        not-entitled",
            "erin,  finance-analyst-agent, lookup_customer, READ,        not-entitled",
    })
    void decidesByIntersectionOfEntitlementAndPersona(String person, String persona, String tool, AccessClass access,
                                                     String expected) {
        assertThat(key(decide(person, persona, tool, access, Set.of("mcp:tools")))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} with scopes [{1}] → {2}")
    @CsvSource({
            "alice, mcp:tools,               step-up",
            "alice, mcp:tools billing:write, permit",
            "bob,   mcp:tools billing:write, not-entitled",
    })
    void createInvoiceNeedsTheBillingWriteScope(String person, String scopes, String expected) {
        Set<String> s = Set.of(scopes.trim().split(" +"));
        assertThat(key(decide(person, "finance-analyst-agent", "create_invoice", AccessClass.WRITE, s)))
                .isEqualTo(expected);
    }

    @Test
    void stepUpNamesTheScopeAndMapsToInsufficientScope() {
        Authorization a = decide("alice", "finance-analyst-agent", "create_invoice", AccessClass.WRITE,
                Set.of("mcp:tools"));
        assertThat(a).isInstanceOf(Authorization.StepUp.class);
        assertThat(((Authorization.StepUp) a).scopes()).containsExactly("billing:write");
        assertThat(a.visible()).isTrue();
        assertThat(a.verdict()).isInstanceOfSatisfying(Verdict.Deny.class,
                d -> assertThat(d.code()).isEqualTo(ReasonCode.INSUFFICIENT_SCOPE));
    }

    @Test
    void everyDecisionCarriesThePolicyVersion() {
        for (String person : PEOPLE.keySet()) {
            for (String persona : AGENTS.keySet()) {
                assertThat(decide(person, persona, "lookup_customer", AccessClass.READ, Set.of()).policyVersion())
                        .isEqualTo(bundle.version())
                        .startsWith("sha256:");
            }
        }
    }

    @Test
    void deniedTargetsAreInvisibleAndForbidden() {
        Authorization a = decide("alice", "finance-analyst-agent", "echo", AccessClass.READ, Set.of());
        assertThat(a.visible()).isFalse();
        assertThat(a.verdict()).isEqualTo(Verdict.deny(ReasonCode.FORBIDDEN, "Not allowed."));
    }

    @Nested
    class OtherTargets {
        @ParameterizedTest(name = "{0} via {1} reads {2} = {3}")
        @CsvSource({
                "alice, finance-analyst-agent, crm://customers/C-1, permit",
                "alice, finance-analyst-agent, kb://faq,            outside-persona",
                "bob,   support-copilot,       kb://faq,            permit",
                "bob,   support-copilot,       crm://customers/C-1, outside-persona",
                "bob,   finance-analyst-agent, crm://customers/C-1, permit",
                "dave,  support-copilot,       kb://faq,            not-entitled",
        })
        void resourcesByUriPattern(String person, String persona, String uri, String expected) {
            Caller c = caller(person, PEOPLE.get(person), AGENTS.get(persona), Set.of());
            assertThat(key(bundle.authorize(c, new Target.Resource("demo", uri), NOON_WEDNESDAY))).isEqualTo(expected);
        }

        @Test
        void promptsAndModelsNeedBothSides() {
            Caller alice = caller("alice", PEOPLE.get("alice"), AGENTS.get("finance-analyst-agent"), Set.of());
            assertThat(key(bundle.authorize(alice, new Target.Prompt("demo", "invoice-reminder"), NOON_WEDNESDAY)))
                    .isEqualTo("permit");
            assertThat(key(bundle.authorize(alice, new Target.Prompt("demo", "summarise"), NOON_WEDNESDAY)))
                    .isEqualTo("outside-persona");
            assertThat(key(bundle.authorize(alice, new Target.Model("claude-sonnet-4"), NOON_WEDNESDAY)))
                    .isEqualTo("permit");
            assertThat(key(bundle.authorize(alice, new Target.Model("claude-opus-4"), NOON_WEDNESDAY)))
                    .isEqualTo("not-entitled");
            assertThat(key(bundle.authorize(alice, new Target.Model("gpt-5"), NOON_WEDNESDAY)))
                    .isEqualTo("outside-persona");
        }

        @Test
        void toolsByTagAndBySubjectOperation() {
            Caller alice = caller("alice", PEOPLE.get("alice"), AGENTS.get("finance-analyst-agent"), Set.of());
            Target.Tool tagged = new Target.Tool("billing", "void_invoice", Set.of("invoices"), Optional.empty(),
                    AccessClass.WRITE);
            assertThat(key(bundle.authorize(alice, tagged, NOON_WEDNESDAY))).isEqualTo("permit");
            Target.Tool taggedDestructive = new Target.Tool("billing", "purge", Set.of("invoices"), Optional.empty(),
                    AccessClass.DESTRUCTIVE);
            assertThat(key(bundle.authorize(alice, taggedDestructive, NOON_WEDNESDAY))).isEqualTo("outside-persona");

            Caller onCall = caller("5f0c1e9a-7c43-4d1b-9a0e-0c6f2d1b1a11", Set.of(), AGENTS.get("finance-analyst-agent"),
                    Set.of());
            Target.Tool op = new Target.Tool("billing", "get_invoice", Set.of(), Optional.of("getInvoice"),
                    AccessClass.READ);
            assertThat(key(bundle.authorize(onCall, op, NOON_WEDNESDAY))).isEqualTo("permit");
            Target.Tool otherOperation = new Target.Tool("billing", "cancel_invoice", Set.of(),
                    Optional.of("cancelInvoice"), AccessClass.WRITE);
            assertThat(key(bundle.authorize(onCall, otherOperation, NOON_WEDNESDAY))).isEqualTo("not-entitled");
            Target.Tool elsewhere = new Target.Tool("crm", "get_invoice", Set.of(), Optional.of("getInvoice"),
                    AccessClass.READ);
            assertThat(key(bundle.authorize(onCall, elsewhere, NOON_WEDNESDAY))).isEqualTo("outside-persona");
        }
    }

    @Nested
    class Hours {
        @ParameterizedTest(name = "{0} → {1}")
        @CsvSource({
                "2026-11-25T05:59:00Z, outside-hours",  // 06:59 Berlin, Wednesday
                "2026-11-25T06:00:00Z, permit",         // 07:00
                "2026-11-25T18:59:00Z, permit",         // 19:59
                "2026-11-25T19:00:00Z, outside-hours",  // 20:00
                "2026-11-28T11:00:00Z, outside-hours",  // Saturday
        })
        void financePersonaActsOnlyInOfficeHours(String at, String expected) {
            Caller alice = caller("alice", PEOPLE.get("alice"), AGENTS.get("finance-analyst-agent"), Set.of());
            assertThat(key(bundle.authorize(alice, Target.Tool.of("demo", "get_time", AccessClass.READ),
                    java.time.Instant.parse(at)))).isEqualTo(expected);
        }
    }

    static String key(Authorization a) {
        return switch (a) {
            case Authorization.Permit p -> "permit";
            case Authorization.Deny d -> d.why().key();
            case Authorization.StepUp s -> "step-up";
            case Authorization.Throttled t -> "throttled";
        };
    }

    static List<String> keys(List<Authorization> as) {
        return as.stream().map(DecisionMatrixTest::key).toList();
    }
}
