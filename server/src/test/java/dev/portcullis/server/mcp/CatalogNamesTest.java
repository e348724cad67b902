package dev.portcullis.server.mcp;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.mcp.JsonRpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogNamesTest {

    @Test
    void prefixesValidNamesUnchanged() {
        assertThat(Catalog.exposedName("billing__", "create_invoice")).isEqualTo("billing__create_invoice");
        assertThat(Catalog.exposedName("", "get.time-v2")).isEqualTo("get.time-v2");
    }

    @Test
    void sanitisesNamesOutsideTheAllowedAlphabetAndKeepsThemDistinct() {
        String a = Catalog.exposedName("x__", "send mail");
        String b = Catalog.exposedName("x__", "send/mail");

        assertThat(a).matches("[A-Za-z0-9_.-]{1,128}").startsWith("x__send_mail_");
        assertThat(b).matches("[A-Za-z0-9_.-]{1,128}").isNotEqualTo(a);
    }

    @Test
    void boundsLongNamesTo128Characters() {
        String name = Catalog.exposedName("upstream__", "t".repeat(200));

        assertThat(name).hasSize(128).matches("[A-Za-z0-9_.-]+");
        assertThat(Catalog.exposedName("upstream__", "t".repeat(201))).isNotEqualTo(name);
    }

    private static ObjectNode tool(String name, String description) {
        ObjectNode tool = JsonRpc.mapper().createObjectNode();
        if (name != null) {
            tool.put("name", name);
        }
        return tool.put("description", description);
    }

    @Test
    void indexesAListByExposedAndByListedNameFirstItemWinning() {
        Catalog.Listing listing = new Catalog.Listing();
        assertThat(listing.names(Catalog.Kind.TOOLS, null)).as("not fetched yet").isNull();
        ObjectNode first = tool("send mail", "first");
        listing.items.put(Catalog.Kind.TOOLS, Catalog.shared(List.of(first, tool("send mail", "second"),
                tool("echo", "echo"), tool(null, "unnamed"), tool("", "empty"))));

        Catalog.Names exposed = listing.names(Catalog.Kind.TOOLS, "x__");
        String mangled = Catalog.exposedName("x__", "send mail");
        assertThat(exposed.original(mangled)).isEqualTo("send mail");
        assertThat(exposed.item(mangled)).isSameAs(first);
        assertThat(exposed.original("x__echo")).isEqualTo("echo");
        assertThat(exposed.original("echo")).isNull();
        assertThat(exposed.original("x__")).as("items without a name are never reachable").isNull();
        assertThat(exposed.original("x__send mail")).isNull();

        Catalog.Names asListed = listing.names(Catalog.Kind.TOOLS, null);
        assertThat(asListed.item("send mail")).isSameAs(first);
        assertThat(asListed.original("x__echo")).isNull();
        assertThat(asListed.original("")).isNull();
        assertThat(listing.names(Catalog.Kind.PROMPTS, null)).isNull();
    }

    @Test
    void holdsItemsEqualInContentOnceAcrossLists() throws Exception {
        String json = "{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{}}}}";
        ObjectNode a = (ObjectNode) JsonRpc.mapper().readTree(json);
        ObjectNode b = (ObjectNode) JsonRpc.mapper().readTree(json); // another session's copy of the same listing
        ObjectNode other = tool("echo", "different");

        List<ObjectNode> first = Catalog.shared(List.of(a, other));
        List<ObjectNode> second = Catalog.shared(List.of(b));

        assertThat(second.getFirst()).isSameAs(first.getFirst()).isSameAs(a);
        assertThat(first.get(1)).isSameAs(other);
        assertThatThrownBy(() -> first.set(0, other)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.add(other)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Catalog.shared(List.of(b, tool("echo", "different")))).isSameAs(first);
    }

    @Test
    void indexesResourcesByUri() {
        Catalog.Listing listing = new Catalog.Listing();
        ObjectNode readme = JsonRpc.mapper().createObjectNode().put("uri", "file:///readme.md").put("name", "readme");
        listing.items.put(Catalog.Kind.RESOURCES, Catalog.shared(List.of(readme)));

        Catalog.Names uris = listing.names(Catalog.Kind.RESOURCES, null);
        assertThat(uris.item("file:///readme.md")).isSameAs(readme);
        assertThat(uris.item("readme")).isNull();
    }

    @Test
    void rebuildsTheIndexWhenTheListIsFetchedAgainOrThePrefixChanges() {
        Catalog.Listing listing = new Catalog.Listing();
        listing.items.put(Catalog.Kind.TOOLS, Catalog.shared(List.of(tool("a", "a"))));
        Catalog.Names before = listing.names(Catalog.Kind.TOOLS, "x__");
        assertThat(listing.names(Catalog.Kind.TOOLS, "x__")).isSameAs(before);
        Catalog.Listing otherSession = new Catalog.Listing();
        otherSession.items.put(Catalog.Kind.TOOLS, Catalog.shared(List.of(tool("a", "a"))));
        assertThat(otherSession.names(Catalog.Kind.TOOLS, "x__")).as("an equal list shares its index").isSameAs(before);

        listing.items.put(Catalog.Kind.TOOLS, Catalog.shared(List.of(tool("b", "b"))));
        assertThat(listing.names(Catalog.Kind.TOOLS, "x__").original("x__a")).isNull();
        assertThat(listing.names(Catalog.Kind.TOOLS, "x__").original("x__b")).isEqualTo("b");
        assertThat(listing.names(Catalog.Kind.TOOLS, "y_").original("y_b")).isEqualTo("b");
        assertThat(listing.names(Catalog.Kind.TOOLS, "y_").original("x__b")).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "test://template/{id}/data, test://template/123/data, true",
            "test://template/{id}/data, test://template/1/2/data, false",
            "file:///{+path}, file:///a/b/c.txt, true",
            "db://{table}{?limit}, db://users?limit=5, true",
            "db://{table}{?limit}, db://users, true",
            "notes://{id}, other://1, false"})
    void matchesResourceTemplates(String template, String uri, boolean matches) {
        assertThat(UriTemplates.matches(template, uri)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource({"'{.x}z', .", "'{&x}z', &", "'{;x}z', ;", "'{+a}{+b}{+c}{+d}{+e}{+f}{+g}{+h}z', x"})
    void aTemplateThatBacktracksWithoutEndCountsAsNoMatch(String template, String unit) {
        String uri = unit.repeat(5_000);
        boolean matched = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> UriTemplates.matches(template, uri), "a match attempt that never ends holds the request");
        assertThat(matched).isFalse();
        assertThat(UriTemplates.matches(template, unit + "z")).as("the template still matches what it describes")
                .isTrue();
    }
}
