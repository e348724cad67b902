package dev.portcullis.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only layer-1 authentication creates a {@code Caller}: no other production source calls its constructor. */
class CallerConstructionTest {
    @Test
    void onlyTheAuthPackageConstructsCallers() throws IOException {
        Path main = Path.of("src", "main", "java");
        Path auth = main.resolve(Path.of("dev", "portcullis", "server", "auth"));
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(auth))
                    .filter(p -> {
                        try {
                            return Files.readString(p).matches("(?s).*new\\s+(dev\\.portcullis\\.core\\.)?Caller\\s*\\(.*");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
        assertThat(Files.isDirectory(auth)).isTrue();
        assertThat(offenders).isEmpty();
    }
}
