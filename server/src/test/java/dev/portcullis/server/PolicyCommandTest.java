package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static Path demoPolicy() {
        return Main.demoPolicy();
    }

    @Test
    void checkAcceptsTheDemoPolicy() {
        assertThat(run("policy", "check", demoPolicy().toString())).isZero();
        assertThat(out.toString()).contains(": valid, 1 personas, 2 entitlements, policyVersion sha256:");
    }

    @Test
    void checkRejectsABadBundleWithFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\npersonas:\n  - name: p\n    acces: [read]\n");
        assertThat(run("policy", "check", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(bad + ":4:5: personas[0].acces: unknown key");
    }

    @Test
    void explainPrintsTheDecisionAndTheGrants() {
        assertThat(run("policy", "explain", "--bundle", demoPolicy().toString(), "--user", "alice",
                "--groups", "finance", "--agent", "portcullis-demo-agent", "--tool", "create_invoice",
                "--access", "write")).isZero();
        assertThat(out.toString())
                .startsWith("ALLOW (persona finance-analyst-agent, entitlement finance-team grant #0)")
                .contains("persona finance-analyst-agent (bound by client-id)")
                .contains("grant finance-team#0 via group finance matches by [tools: create_invoice]");
    }

    @Test
    void explainShowsThatBobMayNotCreateInvoices() {
        assertThat(run("policy", "explain", "--bundle", demoPolicy().toString(), "--user", "bob",
                "--groups", "support", "--agent", "portcullis-demo-agent", "--tool", "create_invoice",
                "--access", "write")).isZero();
        assertThat(out.toString()).startsWith("DENY not-entitled");
    }
}
