package dev.portcullis.personas;

import static dev.portcullis.personas.Fixtures.NOON_WEDNESDAY;
import static dev.portcullis.personas.Fixtures.caller;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class ExplainTest {
    @Test
    void namesThePersonaBindingAndTheGrantsThatAllowed() throws PolicyException {
        PolicyBundle b = Fixtures.example();
        Explanation e = b.explain(caller("alice", Set.of("finance", "support"), "portcullis-demo-agent", Set.of()),
                Target.Tool.of("demo", "lookup_customer", AccessClass.READ), NOON_WEDNESDAY);
        assertThat(e.decision()).isEqualTo(b.authorize(caller("alice", Set.of("finance", "support"),
                "portcullis-demo-agent", Set.of()), Target.Tool.of("demo", "lookup_customer", AccessClass.READ),
                NOON_WEDNESDAY));
        assertThat(e.binding()).contains(new PolicyBundle.Binding("finance-analyst-agent", Bindings.Source.CLIENT_ID));
        assertThat(e.personaMatches()).containsExactly("tools: lookup_customer");
        assertThat(e.grants()).extracting(g -> g.entitlement() + "#" + g.grantIndex() + " via " + g.via() + " " + g.matchedBy())
                .containsExactly("finance-team#0 via group finance [tools: lookup_customer]",
                        "support-desk#0 via group support [tools: *]");
        assertThat(e.render()).startsWith("ALLOW (persona finance-analyst-agent, entitlement ")
                .contains("policyVersion " + b.version());
    }

    @Test
    void explainsADenialOutsideThePersona() throws PolicyException {
        PolicyBundle b = Fixtures.example();
        Explanation e = b.explain(caller("alice", Set.of("finance"), "portcullis-demo-agent", Set.of()),
                Target.Tool.of("demo", "echo", AccessClass.READ), NOON_WEDNESDAY);
        assertThat(e.render()).startsWith("DENY outside-persona\n")
                .contains("persona does not allow tool demo/echo")
                .contains("no entitlement of the person grants tool demo/echo");
    }
}
