package dev.portcullis.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;
import dev.portcullis.conformance.harness.ConformanceSuite;
import dev.portcullis.conformance.harness.Scenarios;

/**
 * The official MCP conformance suite, in server mode, against the fixture server: the session era with 0.1.16 and
 * the stateless era with 0.2.0-alpha.12 scored by {@code --requirements 2026-07-28}.
 */
class ConformanceSuiteTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(8);

    /** The active server suite of 0.1.16. */
    static final List<String> SESSION_ERA_SCENARIOS = Scenarios.SESSION_ERA;

    /** The server scenarios requirements/2026-07-28.yaml of 0.2.0-alpha.12 scores. */
    static final List<String> STATELESS_ERA_SCENARIOS = Scenarios.STATELESS_ERA;

    /** Scored nowhere yet (pending in the suite), but the fixture implements them and they must keep passing. */
    static final List<String> STATELESS_ERA_PENDING_CHECKED = List.of(
            "json-schema-2020-12", "http-header-validation", "http-custom-header-server-validation");

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"BOTH", "LEGACY"})
    void sessionEraSuitePassesEveryActiveScenario(Eras eras) {
        try (FixtureServer server = FixtureServer.start(0, eras)) {
            ConformanceSuite.Report report = ConformanceSuite.run(server.url(), ConformanceSuite.SESSION_ERA_VERSION,
                                                                  TIMEOUT);
            System.out.printf("conformance %s (%s): %d passed, %d failed in %ds%n", ConformanceSuite.SESSION_ERA_VERSION,
                              eras, report.passed(), report.failed(), report.elapsed().toSeconds());
            assertThat(report.failed()).as(report.transcript()).isZero();
            assertThat(report.withStatus("PASS")).as(report.transcript())
                    .containsExactlyInAnyOrderElementsOf(SESSION_ERA_SCENARIOS);
            assertThat(report.passed()).isEqualTo(SESSION_ERA_SCENARIOS.size());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Eras.class, names = {"BOTH", "MODERN"})
    void statelessEraSuitePassesEveryScoredScenario(Eras eras) {
        try (FixtureServer server = FixtureServer.start(0, eras)) {
            ConformanceSuite.Report report = ConformanceSuite.run(server.url(), ConformanceSuite.STATELESS_ERA_VERSION,
                                                                  TIMEOUT, "--requirements", "2026-07-28");
            System.out.printf("conformance %s --requirements 2026-07-28 (%s): %d passed, %d failed in %ds%n",
                              ConformanceSuite.STATELESS_ERA_VERSION, eras, report.passed(), report.failed(),
                              report.elapsed().toSeconds());
            assertThat(report.failed()).as(report.transcript()).isZero();
            assertThat(report.withStatus("PASS")).as(report.transcript())
                    .containsExactlyInAnyOrderElementsOf(STATELESS_ERA_SCENARIOS);
            assertThat(report.passed()).isEqualTo(STATELESS_ERA_SCENARIOS.size());
            // unscored scenarios print "SKIP name (not scored: ...; P passed, F failed checks)"
            assertThat(report.transcript()).as("pending scenarios the fixture implements")
                    .contains(STATELESS_ERA_PENDING_CHECKED.stream()
                                      .map(name -> "SKIP " + name + " (not scored: pending; ")
                                      .toList());
            for (String pending : STATELESS_ERA_PENDING_CHECKED) {
                assertThat(report.transcript()).containsPattern("SKIP " + pending + " \\(not scored: pending; \\d+ passed, 0 failed checks\\)");
            }
        }
    }

    /** The harness must be able to fail: a stateless-only server fails every session-era scenario. */
    @Test
    void failsWithTheTranscriptWhenScenariosFail() {
        try (FixtureServer server = FixtureServer.start(0, Eras.MODERN)) {
            assertThatThrownBy(() -> ConformanceSuite.run(server.url(), ConformanceSuite.SESSION_ERA_VERSION, TIMEOUT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("FAIL server-initialize")
                    .hasMessageContaining("--- stdout ---");
        }
    }
}
