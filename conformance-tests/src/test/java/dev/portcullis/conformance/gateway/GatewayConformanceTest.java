package dev.portcullis.conformance.gateway;

import java.time.Duration;
import java.util.List;

import dev.portcullis.conformance.fixture.Eras;
import dev.portcullis.conformance.fixture.FixtureServer;
import dev.portcullis.conformance.harness.ConformanceSuite;
import dev.portcullis.conformance.harness.Scenarios;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP conformance suite through the gateway, on the aggregated endpoint and on the
 * single-upstream endpoint, in both protocol eras, and across eras (a stateless client in front of a
 * session-only upstream, a session client in front of a stateless-only upstream).
 */
class GatewayConformanceTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(8);

    static final List<String> SESSION_ERA = Scenarios.SESSION_ERA;

    static final List<String> STATELESS_ERA = Scenarios.STATELESS_ERA;

    private static ConformanceSuite.Report sessionSuite(String url) {
        ConformanceSuite.Report report = ConformanceSuite.run(url, ConformanceSuite.SESSION_ERA_VERSION, TIMEOUT);
        System.out.printf("gateway conformance %s at %s: %d passed, %d failed in %ds%n",
                ConformanceSuite.SESSION_ERA_VERSION, url, report.passed(), report.failed(), report.elapsed().toSeconds());
        return report;
    }

    private static ConformanceSuite.Report statelessSuite(String url) {
        ConformanceSuite.Report report = ConformanceSuite.run(url, ConformanceSuite.STATELESS_ERA_VERSION, TIMEOUT,
                "--requirements", "2026-07-28");
        System.out.printf("gateway conformance %s --requirements 2026-07-28 at %s: %d passed, %d failed in %ds%n",
                ConformanceSuite.STATELESS_ERA_VERSION, url, report.passed(), report.failed(), report.elapsed().toSeconds());
        return report;
    }

    private static void assertAllPass(ConformanceSuite.Report report, List<String> scenarios) {
        assertThat(report.failed()).as(report.transcript()).isZero();
        assertThat(report.withStatus("PASS")).as(report.transcript()).containsExactlyInAnyOrderElementsOf(scenarios);
    }

    @Test
    void bothEraSuitesPassOnAggregatedAndSingleUpstreamEndpoints() {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.BOTH);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("fixture", fixture.url(), "")))) {
            for (String url : List.of(gateway.mcp(), gateway.mcp("fixture"))) {
                assertAllPass(sessionSuite(url), SESSION_ERA);
                assertAllPass(statelessSuite(url), STATELESS_ERA);
            }
        }
    }

    @Test
    void sessionClientsReachAStatelessOnlyUpstream() {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.MODERN);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("modern", fixture.url(), "")))) {
            assertAllPass(sessionSuite(gateway.mcp("modern")), SESSION_ERA);
            assertAllPass(statelessSuite(gateway.mcp("modern")), STATELESS_ERA);
        }
    }

    @Test
    void statelessClientsReachASessionOnlyUpstream() {
        try (FixtureServer fixture = FixtureServer.start(0, Eras.LEGACY);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(Upstreams.http("legacy", fixture.url(), "")))) {
            assertAllPass(sessionSuite(gateway.mcp("legacy")), SESSION_ERA);

            // the upstream's requests for input come one by one, named by their ids: they make one round, same keys
            assertAllPass(statelessSuite(gateway.mcp("legacy")), STATELESS_ERA);
        }
    }

    @Test
    void prefixedNamesOnTheAggregatedEndpointKeepEveryToolUsable() {
        // two upstreams, default prefixes: the aggregated view must stay collision-free and callable
        try (FixtureServer one = FixtureServer.start(0, Eras.BOTH);
             FixtureServer two = FixtureServer.start(0, Eras.LEGACY);
             GatewayUnderTest gateway = GatewayUnderTest.start(List.of(
                     Upstreams.http("one", one.url(), "one__"), Upstreams.http("two", two.url(), "two__")))) {
            McpHttp client = McpHttp.session(gateway.mcp());
            List<String> tools = client.toolNames();
            assertThat(tools).contains("one__test_simple_text", "two__test_simple_text").doesNotHaveDuplicates()
                    .allMatch(name -> name.matches("[A-Za-z0-9_.-]{1,128}"));
            assertThat(client.callText("two__test_simple_text")).isEqualTo("This is a simple text response for testing.");
            assertThat(client.callError("test_simple_text")).contains("Unknown tool");
        }
    }
}
