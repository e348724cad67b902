package dev.portcullis.server.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {

    /** Dev mode without layer-1 authentication, so each test is about its own section. */
    private static final String DEV = "mode: dev\nauth: {disabled: true}\n";

    private static GatewayConfig parse(String yaml, Map<String, String> env) {
        return GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", DEV + yaml, env));
    }

    @Test
    void productionIsTheDefaultModeAndRefusesToRunWithoutAuthentication() {
        assertThatThrownBy(() -> GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", "server: {}\n", Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth");
    }

    @Test
    void appliesSecureDefaults() {
        GatewayConfig config = parse("server: {}\n", Map.of());

        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().maxBodySize()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.telemetry().otlpEndpoint()).isEmpty();
    }

    @Test
    void readsUnitsForSizesAndDurations() {
        GatewayConfig config = parse("""
                server:
                  port: 9090
                  max-body-size: 512KiB
                  shutdown-grace: 1500ms
                logging:
                  level: debug
                  format: text
                """, Map.of());

        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.server().maxBodySize()).isEqualTo(512 * 1024);
        assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.logging().level()).isEqualTo(GatewayConfig.Logging.Level.DEBUG);
        assertThat(config.logging().format()).isEqualTo(GatewayConfig.Logging.Format.TEXT);
    }

    @Test
    void reportsEveryProblemWithItsKeyPath() {
        assertThatThrownBy(() -> parse("""
                server:
                  port: eighty
                  max-body-size: 10 parsecs
                  shutdown-grace: soon
                logging:
                  level: loud
                """, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "server.port: 'eighty' is not an integer",
                        "server.max-body-size: '10 parsecs' is not a size (expected: bytes, or a number with KiB, MiB or GiB)",
                        "server.shutdown-grace: 'soon' is not a duration (expected: e.g. 500ms, 10s, 5m or PT10S)",
                        "logging.level: 'loud' (expected one of: error, warning, info, debug, trace)"));
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertThatThrownBy(() -> parse("server:\n  port: 70000\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.port: 70000 (expected: 0..65535)");
    }

    @Test
    void rejectsUnknownKeysSoTyposAreNotIgnored() {
        assertThatThrownBy(() -> parse("server:\n  prot: 80\nsevrer: {}\n", Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("server.prot: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("sevrer: unknown key")));
    }

    @Test
    void rejectsOtlpEndpointThatIsNotHttp() {
        assertThatThrownBy(() -> parse("telemetry:\n  otlp:\n    endpoint: ftp://collector\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("telemetry.otlp.endpoint: 'ftp://collector' (expected: an http or https URL)");
    }

    @Test
    void environmentVariablesOverrideTheFile() {
        GatewayConfig config = parse("server:\n  port: 8080\n", Map.of(
                "PORTCULLIS_SERVER_PORT", "9191",
                "PORTCULLIS_SERVER_MAX__BODY__SIZE", "2MiB",
                "PORTCULLIS_JAVA_OPTS", "-Xmx1g",
                "HOME", "/root"));

        assertThat(config.server().port()).isEqualTo(9191);
        assertThat(config.server().maxBodySize()).isEqualTo(2L * 1024 * 1024);
    }

    @Test
    void environmentOverrideErrorsNameTheKey() {
        assertThatThrownBy(() -> parse("server: {}\n", Map.of("PORTCULLIS_SERVER_PORT", "x")))
                .hasMessageContaining("server.port: 'x' is not an integer");
    }

    @Test
    void invalidYamlNamesTheOrigin() {
        assertThatThrownBy(() -> parse("server: [unclosed\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml: not valid YAML");
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> ConfigLoader.load(java.nio.file.Path.of("/nonexistent/gw.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/gw.yaml: no such file");
    }

    @Test
    void bundledDemoConfigurationIsValid() {
        GatewayConfig config = GatewayConfig.create(ConfigLoader.loadResource("demo/portcullis-demo.yaml", Map.of()));

        assertThat(config.mode()).isEqualTo(GatewayConfig.Mode.DEMO);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
    }
}
