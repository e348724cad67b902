package dev.portcullis.personas;

import static dev.portcullis.personas.Fixtures.caller;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.portcullis.core.Caller;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which persona a caller gets: client id binding, then {@code persona:*} group, then token claim. */
class BindingPrecedenceTest {

    private static PolicyBundle bundle(List<Bindings.Source> precedence) {
        List<Persona> personas = List.of(Persona.of("by-client", Rules.tools("*")), Persona.of("by-group", Rules.tools("*")),
                Persona.of("by-claim", Rules.tools("*")), Persona.of("other-group", Rules.tools("*")));
        return PolicyBundle.of("test", List.of(), personas,
                new Bindings(precedence, Map.of("bound-client", "by-client", "ghost-client", "undefined"), "persona:"));
    }

    @ParameterizedTest(name = "[{0}] client={1} groups={2} claim={3} → {4}")
    @CsvSource(delimiter = '|', value = {
            // precedence              | client       | groups                              | claim    | expected
            "client-id group claim     | bound-client | persona:by-group                    | by-claim | by-client",
            "client-id group claim     | other        | persona:by-group                    | by-claim | by-group",
            "client-id group claim     | other        | finance                             | by-claim | by-claim",
            "client-id group claim     | other        | finance                             |          | no-persona",
            "claim group client-id     | bound-client | persona:by-group                    | by-claim | by-claim",
            "group client-id           | bound-client | persona:by-group                    | by-claim | by-group",
            "client-id                 | other        | persona:by-group                    | by-claim | no-persona",
            "client-id group claim     | other        | persona:by-group persona:other-group| by-claim | ambiguous-persona",
            "client-id group claim     | other        | persona:by-group persona:by-group   |          | by-group",
            "client-id group claim     | ghost-client | persona:by-group                    | by-claim | unknown-persona",
    })
    void firstSourceThatNamesAPersonaWins(String precedence, String client, String groups, String claim,
                                          String expected) {
        List<Bindings.Source> order = Arrays.stream(precedence.trim().split(" +"))
                .map(Bindings.Source::ofKey).toList();
        Set<String> gs = Arrays.stream(groups.trim().split(" +")).collect(Collectors.toSet());
        Caller c = caller("u", gs, client.trim(), Optional.ofNullable(claim).map(String::trim), Set.of());
        PolicyBundle b = bundle(order);
        Object resolved = b.bindingOrWhy(c);
        String actual = resolved instanceof PolicyBundle.Binding binding
                ? (b.personas().stream().anyMatch(p -> p.name().equals(binding.persona())) ? binding.persona()
                : "unknown-persona")
                : ((Authorization.Why) resolved).key();
        assertThat(actual).isEqualTo(expected);
        if (!expected.startsWith("by-") && !expected.equals("other-group")) {
            assertThat(b.authorize(c, Target.Tool.of("u", "anything", AccessClass.READ), Fixtures.NOON_WEDNESDAY))
                    .isInstanceOfSatisfying(Authorization.Deny.class, d -> assertThat(d.why().key()).isEqualTo(expected));
        }
    }
}
