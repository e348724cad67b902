package dev.portcullis.mcp;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadBodyTest {
    private static InputStream body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return new ByteArrayInputStream(b);
    }

    @Test
    void readsExactlyTheDeclaredLength() throws IOException {
        assertThat(HttpUpstream.readBody(body(300), Optional.of("300"), 1000)).hasSize(300).startsWith('a', 'b');
        assertThat(HttpUpstream.readBody(body(0), Optional.of(" 0 "), 1000)).isEmpty();
    }

    @Test
    void refusesABodyShorterThanDeclared() {
        assertThatThrownBy(() -> HttpUpstream.readBody(body(10), Optional.of("300"), 1000)).isInstanceOf(EOFException.class);
    }

    @Test
    void readsToTheEndWithoutAUsableLength() throws IOException {
        assertThat(HttpUpstream.readBody(body(300), Optional.empty(), 1000)).hasSize(300);
        assertThat(HttpUpstream.readBody(body(300), Optional.of("abc"), 1000)).hasSize(300);
        assertThat(HttpUpstream.readBody(body(300), Optional.of("-5"), 1000)).hasSize(300);
    }

    @Test
    void neverAllocatesALargeDeclaredLengthUpFront() throws IOException {
        // a lying header: 30 MiB declared, 300 bytes sent; read as it arrives, not allocated up front
        assertThat(HttpUpstream.readBody(body(300), Optional.of(String.valueOf(30 * 1024 * 1024)),
                HttpUpstream.MAX_JSON_BODY)).hasSize(300);
    }

    @Test
    void signalsABodyOverTheLimitByReadingOneByteMore() throws IOException {
        assertThat(HttpUpstream.readBody(body(2000), Optional.of("2000"), 1000)).hasSize(1001);
        assertThat(HttpUpstream.readBody(body(2000), Optional.empty(), 1000)).hasSize(1001);
    }
}
