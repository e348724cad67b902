package dev.portcullis.server.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.mcp.UpstreamTarget;
import dev.portcullis.registry.Registration;
import dev.portcullis.server.config.ConfigException;
import dev.portcullis.server.config.ConfigLoader;
import dev.portcullis.server.config.GatewayConfig;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code upstreams} and {@code registry} sections: what they map onto, and every problem with its key path. */
class RegistryConfigTest {
    private static final String DEV = "mode: dev\nauth: {disabled: true}\n";

    private static GatewayConfig parse(String yaml) {
        return GatewayConfig.create(ConfigLoader.fromYaml("test.yaml", DEV + yaml, Map.of()));
    }

    @Test
    void mapsAnUpstreamOntoAConfiguredRegistrationWithEveryKey() {
        GatewayConfig config = parse("""
                upstreams:
                  - name: github
                    title: GitHub
                    description: Issues and pull requests
                    version: 2.1.0
                    enabled: false
                    pinning: changes-only
                    url: https://mcp.example.com/mcp
                    headers: {X-Tenant: acme}
                    era: session
                    tool-prefix: gh__
                    connect-timeout: 2s
                    request-timeout: 30s
                  - name: files
                    command: [mcp-files, --root, /srv]
                    env: {LOG_LEVEL: info}
                    working-dir: /srv
                """);

        Registration github = config.upstreams().getFirst();
        assertThat(github.name()).isEqualTo("github");
        assertThat(github.title()).isEqualTo("GitHub");
        assertThat(github.description()).isEqualTo("Issues and pull requests");
        assertThat(github.version()).isEqualTo("2.1.0");
        assertThat(github.enabled()).isFalse();
        assertThat(github.pinning()).isEqualTo(Registration.Pinning.CHANGES_ONLY);
        assertThat(github.source()).isEqualTo(Registration.Source.CONFIG);
        assertThat(github.toolPrefix()).isEqualTo("gh__");
        assertThat(github.target()).isInstanceOfSatisfying(UpstreamTarget.Http.class, h -> {
            assertThat(h.url()).hasToString("https://mcp.example.com/mcp");
            assertThat(h.headers()).containsEntry("X-Tenant", "acme");
            assertThat(h.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(h.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        });
        Registration files = config.upstreams().get(1);
        assertThat(files.version()).isEqualTo("1.0.0");
        assertThat(files.enabled()).isTrue();
        assertThat(files.pinning()).isEqualTo(Registration.Pinning.STRICT);
        assertThat(files.toolPrefix()).isEqualTo("files__");
        assertThat(files.target()).isInstanceOfSatisfying(UpstreamTarget.Stdio.class, s ->
                assertThat(s.workingDir()).hasValue(Path.of("/srv")));
    }

    @Test
    void reportsEveryUpstreamProblemWithItsKeyPath() {
        assertThatThrownBy(() -> parse("""
                upstreams:
                  - name: Bad_Name
                    url: https://a.example/mcp
                  - name: ok
                    url: https://a.example/mcp
                    pinning: sometimes
                    version: latest
                  - name: hdr
                    url: https://a.example/mcp
                    headers: {Host: evil.example}
                  - name: slow
                    url: https://a.example/mcp
                    request-timeout: 200ms
                  - name: rel
                    command: [tool]
                    working-dir: relative/dir
                  - name: both
                    url: https://a.example/mcp
                    command: [tool]
                  - name: typo
                    url: https://a.example/mcp
                    pinnig: off
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstreams.0.name: 'Bad_Name'")
                .hasMessageContaining("upstreams.1.pinning: 'sometimes' (expected one of: strict, changes-only, off)")
                .hasMessageContaining("upstreams.1.version: 'latest'")
                .hasMessageContaining("upstreams.2.headers.Host: reserved header")
                .hasMessageContaining("upstreams.3.request-timeout: 200ms")
                .hasMessageContaining("upstreams.4.working-dir: 'relative/dir' (expected: an absolute path)")
                .hasMessageContaining("upstreams.5: upstream 'both' needs exactly one of 'url'")
                .hasMessageContaining("upstreams.6.pinnig: unknown key");
    }

    @Test
    void refusesTwoUpstreamsWithTheSameNameOrClashingToolPrefixes() {
        assertThatThrownBy(() -> parse("""
                upstreams:
                  - {name: gh, url: https://a.example/mcp, tool-prefix: gh__}
                  - {name: gh, url: https://b.example/mcp, tool-prefix: other__}
                  - {name: ghx, url: https://c.example/mcp, tool-prefix: gh__x}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstreams.1.name: 'gh' is registered twice")
                .hasMessageContaining("upstreams.2.tool-prefix: 'gh__x' clashes with 'gh__' of upstream gh");
    }

    @Test
    void readsTheRegistrySectionWithDefaults() {
        assertThat(parse("server: {}\n").registry()).isEqualTo(new RegistrySettings(Optional.empty(), "local.portcullis",
                Duration.ofSeconds(30), "portcullis:admin"));
        RegistrySettings set = parse("""
                registry:
                  state-file: /var/lib/portcullis/registry.json
                  namespace: com.example
                  health-interval: 5s
                  admin-scope: gateway:admin
                """).registry();
        assertThat(set.stateFile()).hasValue(Path.of("/var/lib/portcullis/registry.json"));
        assertThat(set.namespace()).isEqualTo("com.example");
        assertThat(set.healthInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(set.adminScope()).isEqualTo("gateway:admin");
    }

    @Test
    void reportsRegistrySectionProblemsWithTheirKeyPaths() {
        assertThatThrownBy(() -> parse("""
                registry:
                  namespace: "bad/namespace"
                  health-interval: 0s
                  admin-scope: "two words"
                  state: x
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.namespace: 'bad/namespace'")
                .hasMessageContaining("registry.health-interval: 0s")
                .hasMessageContaining("registry.admin-scope: 'two words' is not a valid scope token")
                .hasMessageContaining("registry.state: unknown key");
    }
}
