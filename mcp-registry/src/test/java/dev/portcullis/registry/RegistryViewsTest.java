package dev.portcullis.registry;

import static dev.portcullis.registry.Fixtures.T0;
import static dev.portcullis.registry.Fixtures.admin;
import static dev.portcullis.registry.Fixtures.json;
import static dev.portcullis.registry.Fixtures.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryViewsTest {
    @TempDir
    Path dir;

    private Registry withServers(int n) {
        Registry r = Fixtures.open(dir);
        for (int i = 0; i < n; i++) {
            r.register(admin(String.format("s%02d", i)), "alice");
        }
        return r;
    }

    private static List<String> names(ObjectNode page) {
        List<String> out = new ArrayList<>();
        page.get("servers").forEach(s -> out.add(s.at("/server/name").asText()));
        return out;
    }

    @Test
    void pagesThroughAllServersWithCursorAndLimit() {
        Registry r = withServers(7);
        ObjectNode first = r.serversPage(null, 3, null);
        assertThat(names(first)).containsExactly("local.portcullis/s00", "local.portcullis/s01", "local.portcullis/s02");
        assertThat(first.at("/metadata/count").asInt()).isEqualTo(3);
        ObjectNode second = r.serversPage(first.at("/metadata/nextCursor").asText(), 3, null);
        assertThat(names(second)).containsExactly("local.portcullis/s03", "local.portcullis/s04", "local.portcullis/s05");
        ObjectNode last = r.serversPage(second.at("/metadata/nextCursor").asText(), 3, null);
        assertThat(names(last)).containsExactly("local.portcullis/s06");
        assertThat(last.get("metadata").has("nextCursor")).isFalse();
    }

    @Test
    void aCursorStaysValidWhenServersAreAddedOrRemoved() {
        Registry r = withServers(4);
        String cursor = r.serversPage(null, 2, null).at("/metadata/nextCursor").asText();
        r.remove("s01", "alice");
        r.register(admin("s00a"), "alice");
        assertThat(names(r.serversPage(cursor, 10, null))).containsExactly("local.portcullis/s02", "local.portcullis/s03");
    }

    @Test
    void filtersBySubstringOfTheName() {
        Registry r = withServers(12);
        assertThat(names(r.serversPage(null, 100, "S1"))).containsExactly("local.portcullis/s10", "local.portcullis/s11");
    }

    @Test
    void rejectsGarbageCursorsAndLimitsOutOfRange() {
        Registry r = withServers(1);
        for (String bad : List.of("!!", "bm90LWEtY3Vyc29y", "%%%")) {
            assertThatThrownBy(() -> r.serversPage(bad, 10, null)).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.INVALID));
        }
        assertThatThrownBy(() -> r.serversPage(null, 0, null)).hasMessageContaining("limit: 0 (expected: 1..100)");
        assertThatThrownBy(() -> r.serversPage(null, 101, null)).hasMessageContaining("limit: 101 (expected: 1..100)");
    }

    @Test
    void listsVersionsNewestFirstAndResolvesLatest() {
        Registry r = Fixtures.open(dir);
        r.register(admin("a", "1.0.0"), "alice");
        r.register(admin("a", "1.1.0"), "alice");
        r.register(admin("a", "2.0.0"), "alice");
        JsonNode versions = r.versions("local.portcullis/a").orElseThrow().get("servers");
        assertThat(versions).extracting(v -> v.at("/server/version").asText()).containsExactly("2.0.0", "1.1.0", "1.0.0");
        assertThat(versions).extracting(v -> v.at("/_meta/io.modelcontextprotocol.registry~1official/isLatest").asBoolean())
                .containsExactly(true, false, false);
        assertThat(r.version("local.portcullis/a", "latest").orElseThrow().at("/server/version").asText()).isEqualTo("2.0.0");
        assertThat(r.version("local.portcullis/a", "1.1.0")).isPresent();
        assertThat(r.version("local.portcullis/a", "9.9.9")).isEmpty();
        assertThat(r.versions("other.namespace/a")).isEmpty();
        assertThat(r.versions("local.portcullis/missing")).isEmpty();
    }

    @Test
    void showsRemotesWithoutHeaderValuesOrQueryStrings() {
        Registry r = Fixtures.open(dir);
        r.register(Registration.fromJson(json("{'name':'gh','title':'GitHub','description':'Issues','transport':"
                + "{'type':'streamable-http','url':'https://mcp.example.com/mcp?api_key=k3y','headers':"
                + "{'X-Api-Key':'s3cr3t'}}}"), T0), "alice");
        ObjectNode v = r.version("local.portcullis/gh", "latest").orElseThrow();
        assertThat(v.at("/server/remotes/0/type").asText()).isEqualTo("streamable-http");
        assertThat(v.at("/server/remotes/0/url").asText()).isEqualTo("https://mcp.example.com/mcp");
        assertThat(v.toString()).doesNotContain("s3cr3t").doesNotContain("k3y").doesNotContain("X-Api-Key");
    }

    @Test
    void showsStdioServersAsPackagesWithoutEnvironmentValues() {
        Registry r = Fixtures.open(dir);
        r.register(Registration.fromJson(json("{'name':'files','transport':{'type':'stdio','command':['mcp-files','--root','/srv'],"
                + "'env':{'TOKEN':'s3cr3t'}}}"), T0), "alice");
        ObjectNode v = r.version("local.portcullis/files", "1.0.0").orElseThrow();
        JsonNode pkg = v.at("/server/packages/0");
        assertThat(pkg.get("identifier").asText()).isEqualTo("mcp-files");
        assertThat(pkg.at("/transport/type").asText()).isEqualTo("stdio");
        assertThat(pkg.get("packageArguments")).extracting(a -> a.get("value").asText()).containsExactly("--root", "/srv");
        assertThat(pkg.at("/environmentVariables/0/name").asText()).isEqualTo("TOKEN");
        assertThat(v.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void carriesPortcullisStatusUnderReverseDnsMeta() {
        Registry r = Fixtures.open(dir);
        r.register(admin("a"), "alice");
        r.review("a", List.of(tool("x", "X"), tool("y", "Y")));
        r.review("a", List.of(tool("x", "evil"), tool("y", "Y")));
        r.reportHealth("a", Health.healthy(T0, dev.portcullis.mcp.ProtocolVersion.V2025_11_25));
        JsonNode status = r.version("local.portcullis/a", "latest").orElseThrow().at("/_meta/dev.portcullis~1status");
        assertThat(status.get("enabled").asBoolean()).isTrue();
        assertThat(status.get("pinnedTools").asInt()).isEqualTo(2);
        assertThat(status.get("quarantinedTools").asInt()).isEqualTo(1);
        assertThat(status.at("/health/status").asText()).isEqualTo("healthy");
        assertThat(status.at("/health/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(status.get("source").asText()).isEqualTo("admin");
    }

    @Test
    void usesTheConfiguredNamespace() {
        Registry r = Registry.open(dir.resolve("r.json"), List.of(), "com.example", Fixtures.CLOCK);
        r.register(admin("a"), "alice");
        assertThat(names(r.serversPage(null, 10, null))).containsExactly("com.example/a");
    }
}
