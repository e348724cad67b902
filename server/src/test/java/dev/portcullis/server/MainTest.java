package dev.portcullis.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void printsVersion() {
        assertThat(run("version")).isZero();
        assertThat(out.toString()).startsWith("portcullis ").contains("java " + Runtime.version().feature());
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("serve", "demo", "version");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("frobnicate");
    }

    @Test
    void serveWithoutConfigIsAUsageError() {
        assertThat(run("serve")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("--config");
    }

    @Test
    void checkAcceptsAValidConfiguration(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("gw.yaml"), "mode: dev\nauth: {disabled: true}\nserver:\n  port: 0\n");

        assertThat(run("serve", "--config", file.toString(), "--check")).isZero();
        assertThat(out.toString()).contains("valid");
    }

    @Test
    void invalidConfigurationRefusesToStartAndNamesEveryKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("gw.yaml"), "mode: dev\nauth: {disabled: true}\nserver:\n  port: abc\n  hots: x\n");

        assertThat(run("serve", "--config", file.toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString())
                .contains("invalid configuration (2 problems)")
                .contains("server.port: 'abc' is not an integer")
                .contains("server.hots: unknown key")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void missingConfigurationFileIsAClearError(@TempDir Path dir) {
        assertThat(run("serve", "--config", dir.resolve("absent.yaml").toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("absent.yaml: no such file");
    }
}
