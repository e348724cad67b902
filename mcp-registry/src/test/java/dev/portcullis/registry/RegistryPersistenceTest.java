package dev.portcullis.registry;

import static dev.portcullis.registry.Fixtures.admin;
import static dev.portcullis.registry.Fixtures.configured;
import static dev.portcullis.registry.Fixtures.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryPersistenceTest {
    @TempDir
    Path dir;

    @Test
    void startsEmptyWhenTheStateFileIsMissing() {
        assertThat(Fixtures.open(dir).list()).isEmpty();
        assertThat(dir.resolve("registry.json")).doesNotExist();
    }

    @Test
    void roundTripsRegistrationsHistoryAndEnabledFlags() {
        Registry r = Fixtures.open(dir);
        r.register(admin("a"), "alice");
        r.register(admin("a", "1.1.0"), "alice");
        r.register(admin("b"), "bob");
        r.setEnabled("b", false, "bob");
        Registry reopened = Fixtures.open(dir);
        assertThat(reopened.list()).isEqualTo(r.list());
        assertThat(reopened.find("a")).get().extracting(Registration::version).isEqualTo("1.1.0");
        assertThat(reopened.find("b")).get().extracting(Registration::enabled).isEqualTo(false);
        assertThat(reopened.versions("local.portcullis/a")).get()
                .satisfies(v -> assertThat(v.get("servers")).hasSize(2));
    }

    @Test
    void writesTheStateFileOwnerReadableOnly() throws Exception {
        Fixtures.open(dir).register(admin("a"), "alice");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("registry.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void refusesACorruptStateFileNamingIt() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, "{\"format\":1,\"registrations\":[{\"name\":\"a\",", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Fixtures.open(dir))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RegistryException.Reason.STORAGE);
                    assertThat(e.getMessage()).contains(file.toString()).contains("corrupt");
                });
        assertThat(Files.readString(file)).startsWith("{\"format\":1"); // left for the operator to inspect
    }

    @Test
    void refusesAStateFileWithAnInvalidRegistrationNamingThePath() throws Exception {
        Fixtures.open(dir).register(admin("a"), "alice");
        Path file = dir.resolve("registry.json");
        Files.writeString(file, Files.readString(file).replace("https://a.example.com/mcp", "ftp://a.example.com/"));
        assertThatThrownBy(() -> Fixtures.open(dir))
                .hasMessageContaining("registrations[0].versions[0].transport.url: scheme 'ftp'");
    }

    @Test
    void refusesAnUnknownFormat() throws Exception {
        Files.writeString(dir.resolve("registry.json"), "{\"format\":99}");
        assertThatThrownBy(() -> Fixtures.open(dir)).hasMessageContaining("format: 99 (expected: 1)");
    }

    @Test
    void ignoresATemporaryFileLeftByACrashMidWrite() throws Exception {
        Fixtures.open(dir).register(admin("a"), "alice");
        Files.writeString(dir.resolve(".registry.json.deadbeef.tmp"), "{\"format\":1,\"regis");
        assertThat(Fixtures.open(dir).find("a")).isPresent();
    }

    @Test
    void aFailedWriteThrowsAndLeavesMemoryUnchanged() throws Exception {
        Path sub = dir.resolve("state");
        Registry r = Registry.open(sub.resolve("registry.json"), List.of(), Registry.DEFAULT_NAMESPACE, Fixtures.CLOCK);
        r.register(admin("a"), "alice");
        r.review("a", List.of(tool("t", "T")));
        List<RegistryEvent> events = new ArrayList<>();
        r.onChange(events::add);
        // make the directory unusable (works as root too, unlike permissions)
        Files.delete(sub.resolve("registry.json"));
        Files.delete(sub);
        Files.writeString(sub, "not a directory");

        assertThatThrownBy(() -> r.register(admin("b"), "alice")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.STORAGE));
        assertThatThrownBy(() -> r.setEnabled("a", false, "alice")).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> r.remove("a", "alice")).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> r.review("a", List.of(tool("t", "evil")))).isInstanceOf(RegistryException.class);

        assertThat(r.list()).extracting(Registration::name).containsExactly("a");
        assertThat(r.find("a")).get().extracting(Registration::enabled).isEqualTo(true);
        assertThat(r.quarantined("a")).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void configuredUpstreamsCannotBeReplacedOrRemoved() {
        Registry r = Fixtures.open(dir, configured("cfg"));
        assertThatThrownBy(() -> r.register(admin("cfg"), "alice")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.READ_ONLY));
        assertThatThrownBy(() -> r.remove("cfg", "alice")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.READ_ONLY));
    }

    @Test
    void configuredUpstreamsCanBeDisabledAndThatSurvivesARestart() {
        Fixtures.open(dir, configured("cfg")).setEnabled("cfg", false, "responder");
        Registry reopened = Fixtures.open(dir, configured("cfg"));
        assertThat(reopened.find("cfg")).get().extracting(Registration::enabled).isEqualTo(false);
        assertThat(reopened.health("cfg").status()).isEqualTo(Health.Status.DISABLED);
        reopened.setEnabled("cfg", true, "responder");
        assertThat(Fixtures.open(dir, configured("cfg")).find("cfg")).get().extracting(Registration::enabled).isEqualTo(true);
    }

    @Test
    void theApiCannotEnableWhatConfigurationDisables() {
        Registration off = configured("cfg").withEnabled(false);
        Registry r = Fixtures.open(dir, off);
        assertThatThrownBy(() -> r.setEnabled("cfg", true, "alice")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.READ_ONLY));
    }

    @Test
    void aVersionCannotBeReusedWithDifferentContent() {
        Registry r = Fixtures.open(dir);
        r.register(admin("a"), "alice");
        Registration changed = new Registration("a", "other", "", "1.0.0", Fixtures.http("a", "https://evil.example/mcp",
                java.util.Map.of()), null, true, Registration.Source.ADMIN, Fixtures.T0);
        assertThatThrownBy(() -> r.register(changed, "alice")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.CONFLICT));
        assertThat(r.register(admin("a"), "alice")).isEqualTo(r.find("a").orElseThrow()); // idempotent
    }

    @Test
    void clashingToolPrefixesConflict() {
        Registry r = Fixtures.open(dir, configured("gh"));
        Registration clash = new Registration("gh2", "", "", "1", Fixtures.http("gh2", "https://x.example", java.util.Map.of()),
                "gh__x", true, Registration.Source.ADMIN, Fixtures.T0);
        assertThatThrownBy(() -> r.register(clash, "alice")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.CONFLICT));
    }

    @Test
    void duplicateConfiguredNamesAreInvalid() {
        assertThatThrownBy(() -> Fixtures.open(dir, configured("a"), configured("a")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problems())
                        .containsExactly("upstreams.a: duplicate name"));
    }

    @Test
    void listsConfigurationFirstThenAdministeredInRegistrationOrder() {
        Registry r = Fixtures.open(dir, configured("z-cfg"), configured("a-cfg"));
        r.register(admin("m"), "alice");
        r.register(admin("b"), "alice");
        assertThat(r.list()).extracting(Registration::name).containsExactly("z-cfg", "a-cfg", "m", "b");
    }

    @Test
    void healthIsUnknownUntilReportedAndAChangeIsAnEvent() {
        Registry r = Fixtures.open(dir);
        r.register(admin("a"), "alice");
        List<RegistryEvent> events = new ArrayList<>();
        r.onChange(events::add);
        assertThat(r.health("a").status()).isEqualTo(Health.Status.UNKNOWN);
        r.reportHealth("a", Health.healthy(Fixtures.T0, dev.portcullis.mcp.ProtocolVersion.V2025_11_25));
        r.reportHealth("a", Health.healthy(Fixtures.T0, dev.portcullis.mcp.ProtocolVersion.V2025_11_25));
        r.reportHealth("gone", Health.unhealthy(Fixtures.T0, "refused"));
        assertThat(r.health("a").status()).isEqualTo(Health.Status.HEALTHY);
        assertThat(events).singleElement().isInstanceOf(RegistryEvent.HealthChanged.class);
    }
}
