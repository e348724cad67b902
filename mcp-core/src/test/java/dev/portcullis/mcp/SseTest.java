package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseTest {

    private static List<SseEvent> parse(byte[] bytes, int chunk) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        List<SseEvent> out = new ArrayList<>();
        try (SseReader r = new SseReader(in)) {
            for (SseEvent e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<SseEvent> parse(String s, int chunk) throws IOException {
        return parse(s.getBytes(StandardCharsets.UTF_8), chunk);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8192})
    void parsesMultiLineDataWithAnyLineEnd(int chunk) throws IOException {
        String lf = "data: a\ndata: b\n\n";
        String crlf = "data: a\r\ndata: b\r\n\r\n";
        String cr = "data: a\rdata: b\r\r";
        for (String s : List.of(lf, crlf, cr)) {
            assertThat(parse(s, chunk)).extracting(SseEvent::data).containsExactly("a\nb");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 8192})
    void skipsLeadingBomAndComments(int chunk) throws IOException {
        byte[] body = ("\uFEFF: keep-alive\n:\ndata: x\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(parse(body, chunk)).extracting(SseEvent::data).containsExactly("x");
    }

    @Test
    void tracksIdEventAndRetry() throws IOException {
        List<SseEvent> events = parse("id: 1\nevent: message\nretry: 1500\ndata: {}\n\nevent: ping\ndata: p\n\n", 5);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).id()).contains("1");
        assertThat(events.get(0).retry()).contains(Duration.ofMillis(1500));
        assertThat(events.get(1).event()).isEqualTo("ping");
        assertThat(events.get(1).id()).as("the last event id persists").contains("1");
        assertThat(events.get(1).retry()).isEmpty();
    }

    @Test
    void ignoresInvalidRetryAndIdWithNul() throws IOException {
        SseReader r = new SseReader(new ByteArrayInputStream("retry: 1x\nid: a\0b\ndata: d\n\n".getBytes(StandardCharsets.UTF_8)));
        SseEvent e = r.next();
        assertThat(e.retry()).isEmpty();
        assertThat(e.id()).isEmpty();
        assertThat(r.retry()).isEmpty();
    }

    @Test
    void dispatchesEmptyDataButNotEventsWithoutData() throws IOException {
        // a priming event (id + empty data) is an event with empty data; an id-only block is not an event
        List<SseEvent> events = parse("id: p1\ndata: \n\nid: p2\n\ndata: x\n\n", 8192);
        assertThat(events).extracting(SseEvent::data).containsExactly("", "x");
        assertThat(events.get(1).id()).contains("p2");
    }

    @Test
    void dropsUnterminatedEventAtEndOfStream() throws IOException {
        assertThat(parse("data: complete\n\ndata: partial\n", 8192)).extracting(SseEvent::data).containsExactly("complete");
    }

    @Test
    void fieldWithoutColonAndValueWithoutSpace() throws IOException {
        assertThat(parse("data\ndata:x\ndata:  y\n\n", 8192)).extracting(SseEvent::data).containsExactly("\nx\n y");
    }

    @Test
    void rejectsOversizedEvent() {
        byte[] big = ("data: " + "a".repeat(2000) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
            try (SseReader r = new SseReader(new ByteArrayInputStream(big), 1024)) {
                r.next();
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("exceeds 1024 bytes");
    }

    @Test
    void encoderOutputParsesBack() throws IOException {
        SseEvent e = new SseEvent(Optional.of("42"), "message", "line1\nline2\r\nline3\r", Optional.of(Duration.ofSeconds(2)));
        String wire = Sse.encode(e) + Sse.comment("keep-alive") + Sse.encode(new SseEvent(Optional.empty(), "custom", "", Optional.empty()));
        assertThat(wire).startsWith("id: 42\nretry: 2000\ndata: line1\ndata: line2\ndata: line3\ndata: \n\n: keep-alive\n");
        List<SseEvent> back = parse(wire, 3);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).data()).isEqualTo("line1\nline2\nline3\n");
        assertThat(back.get(0).id()).contains("42");
        assertThat(back.get(0).retry()).contains(Duration.ofSeconds(2));
        assertThat(back.get(1).event()).isEqualTo("custom");
    }

    @Test
    void multibyteCharactersSplitAcrossReads() throws IOException {
        assertThat(parse("data: ünï €😀\n\n", 1)).extracting(SseEvent::data).containsExactly("ünï €😀");
    }

    @Test
    void rejectsIdWithLineBreakWhenEncoding() {
        assertThatThrownBy(() -> SseEvent.message("a\nb", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
