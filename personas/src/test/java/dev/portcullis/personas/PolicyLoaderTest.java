package dev.portcullis.personas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLoaderTest {
    private static final String MINIMAL = """
            version: 1
            personas:
              - name: helper
                tools: [echo]
            entitlements:
              - name: everyone
                groups: [staff]
                grants:
                  - tools: [echo]
            """;

    @Test
    void loadsTheFullExample() throws PolicyException {
        PolicyBundle b = Fixtures.example();
        assertThat(b.personas()).extracting(Persona::name).containsExactly("finance-analyst-agent", "support-copilot");
        assertThat(b.entitlements()).hasSize(3);
        assertThat(b.version()).matches("sha256:[0-9a-f]{64}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // what                     | yaml (\n = newline)                                              | expected problem
            "unknown top-level key      | version: 1\\npersonaz: []                                        | bad.yaml:2:1: personaz: unknown key",
            "wrong version              | version: 2                                                       | bad.yaml:1:10: version: unsupported (expected: 1)",
            "missing version            | personas: []                                                     | bad.yaml:1:1: version: missing",
            "bad rate                   | version: 1\\npersonas:\\n  - name: p\\n    tools: [a]\\n    rate-limits: {per-tool: lots}  | bad.yaml:5:29: personas[0].rate-limits.per-tool: 'lots' (expected: N/s, N/min or N/h)",
            "bad access class           | version: 1\\npersonas:\\n  - name: p\\n    access: [read, delete]   | bad.yaml:4:20: personas[0].access: 'delete' (expected: read, write or destructive)",
            "undefined bound persona    | version: 1\\nbindings:\\n  client-ids: {agent: ghost}              | bad.yaml:3:23: bindings.client-ids.agent: persona 'ghost' is not defined",
            "grants missing             | version: 1\\nentitlements:\\n  - name: e\\n    groups: [g]          | bad.yaml:3:5: entitlements[0].grants: missing",
            "tools not a list           | version: 1\\nentitlements:\\n  - name: e\\n    grants:\\n      - tools: echo | bad.yaml:5:16: entitlements[0].grants[0].tools: expected a list",
            "bad time zone              | version: 1\\npersonas:\\n  - name: p\\n    hours: {zone: Mars/Base, days: [MON], from: '08:00', to: '18:00'} | bad.yaml:4:19: personas[0].hours.zone: 'Mars/Base' is not a time zone",
            "duplicate key              | version: 1\\nversion: 1                                          | bad.yaml:2:1: version: duplicate key",
            "not yaml                   | version: [1                                                      | bad.yaml:1:12: not valid YAML: expected ',' or ']'",
            "unknown precedence source  | version: 1\\nbindings:\\n  precedence: [client-id, header]          | bad.yaml:3:27: bindings.precedence: 'header' (expected: client-id, group or claim)",
            "scope with a space         | version: 1\\nentitlements:\\n  - name: e\\n    grants:\\n      - {tools: [a], require-scope: 'a b'} | bad.yaml:5:37: entitlements[0].grants[0].require-scope: 'a b' (expected: one scope, no spaces)",
    })
    void reportsFileLineColumnAndKey(String what, String yaml, String expected) {
        assertThatThrownBy(() -> PolicyLoader.parse("bad.yaml", yaml.replace("\\n", "\n")))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyProblem::toString)
                        .anySatisfy(p -> assertThat(p).startsWith(expected)));
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        String yaml = """
                version: 1
                personas:
                  - name: p
                    access: [sideways]
                    rate-limits: {per-person: 0/min}
                """;
        assertThatThrownBy(() -> PolicyLoader.parse("two.yaml", yaml))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems())
                        .extracting(PolicyProblem::key)
                        .containsExactly("personas[0].access", "personas[0].rate-limits.per-person"));
    }

    @Test
    void versionIgnoresCommentsLayoutKeyOrderAndSpelledOutDefaults() throws PolicyException {
        String reordered = """
                # same policy, different text
                entitlements:
                  - grants: [{tools: [echo], upstreams: ["*"], access: [destructive, read, write]}]
                    groups: [staff]
                    name: everyone
                personas: [{name: helper, tools: [echo]}]
                bindings: {precedence: [client-id, group, claim], group-prefix: "persona:"}
                version: 1
                """;
        assertThat(PolicyLoader.parse("b.yaml", reordered).bundle().version())
                .isEqualTo(PolicyLoader.parse("a.yaml", MINIMAL).bundle().version());
    }

    @Test
    void versionChangesWhenMeaningChanges() throws PolicyException {
        String v1 = PolicyLoader.parse("a.yaml", MINIMAL).bundle().version();
        String v2 = PolicyLoader.parse("a.yaml", MINIMAL.replace("groups: [staff]", "groups: [staff, contractors]"))
                .bundle().version();
        assertThat(v2).isNotEqualTo(v1);
    }

    @Test
    void warnsAboutPersonasThatAllowNothing() throws PolicyException {
        PolicyLoader.Loaded loaded = PolicyLoader.parse("w.yaml", "version: 1\npersonas:\n  - name: idle\n");
        assertThat(loaded.warnings()).extracting(PolicyProblem::toString)
                .containsExactly("w.yaml:3:5: personas[0]: persona 'idle' allows nothing");
    }

    @Test
    void loadsFromAFileAndNamesItInProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, MINIMAL);
        assertThat(PolicyLoader.load(file).bundle().origin()).isEqualTo(file.toString());
        Files.writeString(file, "version: 1\nbogus: true\n");
        assertThatThrownBy(() -> PolicyLoader.load(file)).hasMessageContaining(file + ":2:1: bogus: unknown key");
        assertThatThrownBy(() -> PolicyLoader.load(dir.resolve("missing.yaml"))).hasMessageContaining("cannot read");
    }
}
