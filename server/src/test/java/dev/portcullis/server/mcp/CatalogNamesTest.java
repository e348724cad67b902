package dev.portcullis.server.mcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

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
}
