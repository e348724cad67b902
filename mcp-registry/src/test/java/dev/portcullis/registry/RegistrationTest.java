package dev.portcullis.registry;

import static dev.portcullis.registry.Fixtures.T0;
import static dev.portcullis.registry.Fixtures.http;
import static dev.portcullis.registry.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.portcullis.mcp.ProtocolVersion;
import dev.portcullis.mcp.UpstreamTarget;

class RegistrationTest {

    @Nested
    class Constructor {
        @ParameterizedTest
        @ValueSource(strings = {"a", "github", "my-server-2", "0abc", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh"})
        void acceptsValidNames(String name) {
            assertThat(reg(name).name()).isEqualTo(name);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "GitHub", "-lead", "has_underscore", "has space", "a/b",
                "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghi"})
        void rejectsInvalidNamesNamingTheExpectedPattern(String name) {
            assertThatThrownBy(() -> reg(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("name: ")
                    .hasMessageContaining("(expected: [a-z0-9][a-z0-9-]{0,47})");
        }

        @Test
        void defaultsToolPrefixToNameAndTwoUnderscores() {
            assertThat(reg("github").toolPrefix()).isEqualTo("github__");
            assertThat(reg("github").exposedName("search")).isEqualTo("github__search");
        }

        @Test
        void allowsAnEmptyToolPrefix() {
            Registration r = new Registration("gh", "", "", "1.0.0", http("gh", "https://gh.example", Map.of()), "", true,
                    Registration.Source.ADMIN, T0);
            assertThat(r.exposedName("search")).isEqualTo("search");
        }

        @Test
        void defaultsPinningToStrict() {
            assertThat(reg("github").pinning()).isEqualTo(Registration.Pinning.STRICT);
        }

        @Test
        void requiresTargetNameToMatch() {
            assertThatThrownBy(() -> new Registration("a", "", "", "1.0.0", http("b", "https://x.example", Map.of()), null,
                    true, Registration.Source.ADMIN, T0))
                    .hasMessage("target.name: b (expected: a)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"latest", "LATEST", "^1.2.3", "1.x*", " 1.0", ""})
        void rejectsVersionRangesAndTheReservedWordLatest(String version) {
            assertThatThrownBy(() -> new Registration("a", "", "", version, http("a", "https://x.example", Map.of()),
                    null, true, Registration.Source.ADMIN, T0))
                    .hasMessageStartingWith("version: ");
        }

        @Test
        void rejectsUrlsWithCredentialsEvenWhenBuiltWithoutTheParser() {
            assertThatThrownBy(() -> new Registration("a", "", "", "1", http("a", "https://u:p@x.example/mcp", Map.of()),
                    null, true, Registration.Source.ADMIN, T0))
                    .hasMessageContaining("target.url: contains user info");
        }

        @Test
        void rejectsHeaderValuesWithLineBreaksWithoutEchoingThem() {
            assertThatThrownBy(() -> new Registration("a", "", "", "1",
                    http("a", "https://x.example/mcp", Map.of("X-Key", "secret\r\nInjected: 1")), null, true,
                    Registration.Source.ADMIN, T0))
                    .hasMessageContaining("target.headers.X-Key: value contains CR, LF")
                    .hasMessageNotContaining("secret");
        }
    }

    @Nested
    class FromJson {
        @Test
        void parsesAStreamableHttpRegistrationWithDefaults() {
            Registration r = Registration.fromJson(json("{'name':'github','transport':{'type':'streamable-http',"
                    + "'url':'https://mcp.example.com/mcp','headers':{'X-Tenant':'acme'}}}"), T0);
            assertThat(r.source()).isEqualTo(Registration.Source.ADMIN);
            assertThat(r.version()).isEqualTo("1.0.0");
            assertThat(r.enabled()).isTrue();
            assertThat(r.registeredAt()).isEqualTo(T0);
            assertThat(r.target()).isEqualTo(new UpstreamTarget.Http("github", java.net.URI.create("https://mcp.example.com/mcp"),
                    Map.of("X-Tenant", "acme"), Duration.ofSeconds(10), Duration.ofSeconds(60), Optional.empty()));
        }

        @Test
        void parsesAStdioRegistrationWithEverySetting() {
            Registration r = Registration.fromJson(json("{'name':'files','title':'Files','description':'Local files',"
                    + "'version':'2.1.0','toolPrefix':'fs.','enabled':false,'pinning':'changes-only',"
                    + "'transport':{'type':'stdio','command':['mcp-files','--root','/srv'],'env':{'LOG_LEVEL':'info'},"
                    + "'workingDir':'/srv','requestTimeout':'2m'}}"), T0);
            assertThat(r.target()).isEqualTo(new UpstreamTarget.Stdio("files", List.of("mcp-files", "--root", "/srv"),
                    Map.of("LOG_LEVEL", "info"), Optional.of(Path.of("/srv")), Duration.ofMinutes(2)));
            assertThat(r.toolPrefix()).isEqualTo("fs.");
            assertThat(r.pinning()).isEqualTo(Registration.Pinning.CHANGES_ONLY);
            assertThat(r.enabled()).isFalse();
            assertThat(r.title()).isEqualTo("Files");
        }

        @Test
        void parsesEraAndIsoDurations() {
            Registration r = Registration.fromJson(json("{'name':'a','transport':{'type':'streamable-http',"
                    + "'url':'http://localhost:8080/mcp','era':'stateless','connectTimeout':'PT2S','requestTimeout':'500s'}}"), T0);
            UpstreamTarget.Http http = (UpstreamTarget.Http) r.target();
            assertThat(http.era()).contains(ProtocolVersion.Era.STATELESS);
            assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(http.requestTimeout()).isEqualTo(Duration.ofSeconds(500));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "not an object|[]|$: expected a JSON object",
                "missing name|{'transport':{'type':'stdio','command':['x']}}|name: missing",
                "bad name|{'name':'Bad Name','transport':{'type':'stdio','command':['x']}}|name: 'Bad Name' (expected: [a-z0-9][a-z0-9-]{0,47})",
                "unknown field|{'name':'a','nmae':'b','transport':{'type':'stdio','command':['x']}}|nmae: unknown field",
                "missing transport|{'name':'a'}|transport: missing",
                "unknown transport|{'name':'a','transport':{'type':'sse','url':'https://x'}}|transport.type: 'sse' (expected: streamable-http, stdio or openapi)",
                "ftp url|{'name':'a','transport':{'type':'streamable-http','url':'ftp://x.example/'}}|transport.url: scheme 'ftp' (expected: http or https)",
                "no host|{'name':'a','transport':{'type':'streamable-http','url':'https:///mcp'}}|transport.url: no host",
                "relative url|{'name':'a','transport':{'type':'streamable-http','url':'/mcp'}}|transport.url: scheme '' (expected: http or https)",
                "user info|{'name':'a','transport':{'type':'streamable-http','url':'https://u:p@x.example/'}}|transport.url: contains user info",
                "empty command|{'name':'a','transport':{'type':'stdio','command':[]}}|transport.command: expected a non-empty array",
                "blank executable|{'name':'a','transport':{'type':'stdio','command':[' ']}}|transport.command[0]: empty",
                "non-string arg|{'name':'a','transport':{'type':'stdio','command':['x',1]}}|transport.command[1]: expected a string",
                "bad env name|{'name':'a','transport':{'type':'stdio','command':['x'],'env':{'1X':'v'}}}|transport.env.1X: invalid name",
                "relative workdir|{'name':'a','transport':{'type':'stdio','command':['x'],'workingDir':'srv'}}|transport.workingDir: 'srv' (expected: an absolute path)",
                "timeout too long|{'name':'a','transport':{'type':'stdio','command':['x'],'requestTimeout':'2h'}}|transport.requestTimeout: 2h (expected: 1s..1h)",
                "timeout too short|{'name':'a','transport':{'type':'streamable-http','url':'https://x.example','connectTimeout':'10ms'}}|transport.connectTimeout: 10ms (expected: 100ms..2m)",
                "timeout garbage|{'name':'a','transport':{'type':'stdio','command':['x'],'requestTimeout':'soon'}}|transport.requestTimeout: 'soon' (expected: a duration",
                "reserved header|{'name':'a','transport':{'type':'streamable-http','url':'https://x.example','headers':{'Host':'evil'}}}|transport.headers.Host: reserved header",
                "bad header name|{'name':'a','transport':{'type':'streamable-http','url':'https://x.example','headers':{'X Y':'v'}}}|transport.headers.X Y: invalid header name",
                "header not string|{'name':'a','transport':{'type':'streamable-http','url':'https://x.example','headers':{'X-A':1}}}|transport.headers.X-A: expected a string value",
                "bad pinning|{'name':'a','pinning':'lax','transport':{'type':'stdio','command':['x']}}|pinning: 'lax' (expected: off, changes-only or strict)",
                "enabled not bool|{'name':'a','enabled':'yes','transport':{'type':'stdio','command':['x']}}|enabled: expected true or false",
                "bad prefix|{'name':'a','toolPrefix':'a b','transport':{'type':'stdio','command':['x']}}|toolPrefix: 'a b' (expected: [A-Za-z0-9_.-]{0,64})",
                "version latest|{'name':'a','version':'latest','transport':{'type':'stdio','command':['x']}}|version: 'latest'",
                "title too long|{'name':'a','title':'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx','transport':{'type':'stdio','command':['x']}}|title: 105 characters (expected: at most 100)",
                "era unknown|{'name':'a','transport':{'type':'streamable-http','url':'https://x.example','era':'old'}}|transport.era: 'old' (expected: session or stateless)",
                "unknown transport field|{'name':'a','transport':{'type':'stdio','command':['x'],'url':'https://x'}}|transport.url: unknown field"
        })
        void reportsEachProblemWithItsFieldPath(String scenario, String body, String expected) {
            assertThatThrownBy(() -> Registration.fromJson(json(body), T0))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(RegistryException.Reason.INVALID);
                        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(expected));
                    });
        }

        @Test
        void reportsEveryProblemAtOnce() {
            assertThatThrownBy(() -> Registration.fromJson(json("{'name':'A','enabled':1,'transport':{'type':'stdio',"
                    + "'command':[],'requestTimeout':'0s'}}"), T0))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problems())
                            .hasSize(4)
                            .anySatisfy(p -> assertThat(p).startsWith("name: "))
                            .anySatisfy(p -> assertThat(p).startsWith("enabled: "))
                            .anySatisfy(p -> assertThat(p).startsWith("transport.command: "))
                            .anySatisfy(p -> assertThat(p).startsWith("transport.requestTimeout: ")));
        }

        @Test
        void neverEchoesHeaderValuesInErrors() {
            assertThatThrownBy(() -> Registration.fromJson(json("{'name':'a','transport':{'type':'streamable-http',"
                    + "'url':'https://x.example','headers':{'Authorization':'Bearer s3cr3t\\r\\nX: y'}}}"), T0))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("transport.headers.Authorization: value contains CR, LF")
                    .hasMessageNotContaining("s3cr3t");
        }

        @Test
        void rejectsDuplicateHeaderNamesIgnoringCase() {
            assertThatThrownBy(() -> Registration.fromJson(json("{'name':'a','transport':{'type':'streamable-http',"
                    + "'url':'https://x.example','headers':{'X-A':'1','x-a':'2'}}}"), T0))
                    .hasMessageContaining("transport.headers.x-a: duplicate header");
        }

        @Test
        void roundTripsThroughTheStateFileForm() {
            Registration r = Registration.fromJson(json("{'name':'files','title':'F','version':'2.1.0','toolPrefix':'',"
                    + "'pinning':'off','transport':{'type':'stdio','command':['mcp-files','-v'],'env':{'A':'b'},"
                    + "'workingDir':'/srv','requestTimeout':'1500ms'}}"), T0);
            List<String> problems = new java.util.ArrayList<>();
            Registration back = RegistrationJson.parseStored(RegistrationJson.write(r), problems, "x");
            assertThat(problems).isEmpty();
            assertThat(back).isEqualTo(r);
        }
    }

    @Nested
    class Predicates {
        @ParameterizedTest
        @CsvSource({"1.0.0, true", "2024-01_rc+1, true", "latest, false", "Latest, false", "^1.2.3, false",
                "'', false"})
        void validVersionRejectsRangesAndLatest(String version, boolean valid) {
            assertThat(Registration.validVersion(version)).isEqualTo(valid);
        }

        @ParameterizedTest
        @CsvSource({"X-Tenant, true", "x_a.b~1, true", "'', false", "'X Tenant', false", "X-Tenant:, false"})
        void validHeaderNameAcceptsRfc9110Tokens(String name, boolean valid) {
            assertThat(Registration.validHeaderName(name)).isEqualTo(valid);
        }

        @ParameterizedTest
        @CsvSource({"LOG_LEVEL, true", "_x1, true", "'', false", "1ABC, false", "A-B, false"})
        void validEnvNameAcceptsShellNames(String name, boolean valid) {
            assertThat(Registration.validEnvName(name)).isEqualTo(valid);
        }
    }

    private static Registration reg(String name) {
        return new Registration(name, "", "", "1.0.0", http(name, "https://x.example/mcp", Map.of()), null, true,
                Registration.Source.ADMIN, T0);
    }
}
