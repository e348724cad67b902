package dev.portcullis.server.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

import dev.portcullis.mcp.UpstreamTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamSpecTest {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,64}");

    private static UpstreamSpec spec(String name, String prefix) {
        return new UpstreamSpec(new UpstreamTarget.Http(name, URI.create("http://127.0.0.1:1/mcp"), Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty()), prefix);
    }

    private static boolean accepted(String name, String prefix) {
        try {
            spec(name, prefix);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void acceptsExactlyTheDocumentedNameAndPrefixGrammar() {
        // seeded: the same 20,000 candidates every run, judged against the documented regular expressions
        Random random = new Random(4_2026_11_23L);
        String alphabet = "abcxyz0129-_.ABZ~ é/";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(i % 2 == 0 ? 6 : 70);
            for (int j = 0; j < length; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = s.toString();
            assertThat(accepted(candidate, "")).as("name %s", candidate).isEqualTo(NAME.matcher(candidate).matches());
            assertThat(accepted("ok", candidate)).as("prefix %s", candidate).isEqualTo(PREFIX.matcher(candidate).matches());
        }
    }

    @Test
    void boundsLengths() {
        assertThat(accepted("a".repeat(48), "")).isTrue();
        assertThat(accepted("a".repeat(49), "")).isFalse();
        assertThat(accepted("ok", "p".repeat(64))).isTrue();
        assertThat(accepted("ok", "p".repeat(65))).isFalse();
        assertThatThrownBy(() -> spec("-lead", "")).hasMessageContaining("name: -lead");
        assertThatThrownBy(() -> spec("", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
