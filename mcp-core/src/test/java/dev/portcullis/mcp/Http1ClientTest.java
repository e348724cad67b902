package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** Framing, connection reuse and aborts of the blocking HTTP/1.1 client against a scripted raw server. */
class Http1ClientTest {
    private static final Duration T = Duration.ofSeconds(5);

    /** A server answering each request on a connection with the next scripted answer. */
    private static final class Raw implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        final BlockingQueue<String> answers = new ArrayBlockingQueue<>(128);
        final BlockingQueue<String> requests = new ArrayBlockingQueue<>(128);

        Raw() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    StringBuilder head = new StringBuilder();
                    int b;
                    while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
                        head.append((char) b);
                    }
                    if (head.isEmpty()) {
                        return;
                    }
                    String h = head.toString();
                    int cl = 0;
                    for (String line : h.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            cl = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    String body = new String(in.readNBytes(cl), StandardCharsets.ISO_8859_1);
                    requests.add(h + body);
                    String a = answers.poll(5, TimeUnit.SECONDS);
                    if (a == null || a.equals("CLOSE")) {
                        return;
                    }
                    if (a.equals("STALL")) {
                        Thread.sleep(60_000);
                        return;
                    }
                    boolean thenClose = a.startsWith("!");
                    out.write((thenClose ? a.substring(1) : a).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (thenClose) {
                        return; // an idle keep-alive connection the server closes
                    }
                }
            } catch (IOException | InterruptedException e) {
                // connection ends
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/mcp?x=1");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static String read(Http1Client.Response r) throws IOException {
        try (InputStream in = r.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void framesRequestsAndReusesTheConnectionAfterExactBodies() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n");
            raw.answers.add("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
            raw.answers.add("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc");
            Http1Client.Response r = c.send("POST", List.<String[]>of(new String[] {"Mcp-Session-Id", "s1"}),
                    "{}".getBytes(StandardCharsets.UTF_8), T, x -> { });
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.header("content-type")).contains("text/event-stream");
            assertThat(read(r)).isEqualTo("hello world");
            String req = raw.requests.take();
            assertThat(req).startsWith("POST /mcp?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + raw.server.getLocalPort() + "\r\n")
                    .contains("Mcp-Session-Id: s1\r\n").contains("Content-Length: 2\r\n").endsWith("\r\n\r\n{}");
            assertThat(c.idleConnections()).isEqualTo(1);
            Http1Client.Response r2 = c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(r2.statusCode()).isEqualTo(202);
            assertThat(c.idleConnections()).isEqualTo(1); // empty body: released at once
            Http1Client.Response r3 = c.send("DELETE", List.of(), null, T, x -> { });
            assertThat(r3.statusCode()).isEqualTo(404);
            assertThat(read(r3)).isEqualTo("abc");
            assertThat(raw.accepted.get()).isEqualTo(1);
        }
    }

    /** The head is written byte for byte, whatever its length, with Latin-1 values kept as one byte each. */
    @Test
    void writesTheRequestHeadExactly() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            String host = "Host: 127.0.0.1:" + raw.server.getLocalPort() + "\r\n";
            String big = "v".repeat(5000) + "\u00e9";
            raw.answers.add("HTTP/1.1 204 No Content\r\n\r\n");
            raw.answers.add("HTTP/1.1 204 No Content\r\n\r\n");
            raw.answers.add("HTTP/1.1 204 No Content\r\n\r\n");
            c.send("POST", List.of(new String[] {"X-Big", big}, new String[] {"user-agent", "agent/1"}),
                    "{}".getBytes(StandardCharsets.UTF_8), T, x -> { });
            assertThat(raw.requests.take()).isEqualTo("POST /mcp?x=1 HTTP/1.1\r\n" + host + "X-Big: " + big
                    + "\r\nuser-agent: agent/1\r\nContent-Length: 2\r\n\r\n{}");
            c.send("GET", List.<String[]>of(new String[] {"Accept", "text/event-stream"}), null, T, x -> { });
            assertThat(raw.requests.take()).isEqualTo("GET /mcp?x=1 HTTP/1.1\r\n" + host
                    + "Accept: text/event-stream\r\nUser-Agent: portcullis\r\n\r\n");
            c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(raw.requests.take()).isEqualTo("POST /mcp?x=1 HTTP/1.1\r\n" + host
                    + "User-Agent: portcullis\r\nContent-Length: 0\r\n\r\n");
        }
    }

    @Test
    void readsHeaderLinesWithinAndAcrossBufferFillsAndBoundsTheHeaderBlock() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            String longValue = "v".repeat(40_000); // longer than one read buffer: the line spans several fills
            raw.answers.add("HTTP/1.1 200 OK\nX-Long: " + longValue + "\r\nX-Bare-Lf: a\nX-Cr-Inside: b\rc\r\n"
                    + "Content-Length: 2\r\n\r\nok");
            Http1Client.Response r = c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.header("x-long")).contains(longValue);
            assertThat(r.header("X-Bare-Lf")).contains("a");
            assertThat(r.header("x-cr-inside")).contains("b\rc");
            assertThat(read(r)).isEqualTo("ok");

            StringBuilder big = new StringBuilder("HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 70; i++) { // 70 lines of ~1 KiB: each line fits a buffer, the block exceeds 64 KiB
                big.append("X-H").append(i).append(": ").append("w".repeat(1000)).append("\r\n");
            }
            raw.answers.add(big.append("Content-Length: 0\r\n\r\n").toString());
            assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { }))
                    .isInstanceOf(java.net.ProtocolException.class).hasMessageContaining("too large");
        }
    }

    /**
     * Names match whatever their case; a repeated header keeps its first value, except Transfer-Encoding (joined) and
     * Content-Length (a second, different value is an error: the framing would be ambiguous); values are trimmed.
     */
    @Test
    void repeatedHeadersAndTheirFramingRules() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("HTTP/1.1 200 OK\r\nX-Dup: first\r\nx-dup: second\r\nX-Pad: \t padded value \t\r\n"
                    + "X-Empty:\r\nX-Latin: \u00e9t\u00e9\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok");
            Http1Client.Response r = c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(r.header("X-DUP")).contains("first");
            assertThat(r.header("x-pad")).contains("padded value");
            assertThat(r.header("X-Empty")).contains("");
            assertThat(r.header("x-latin")).as("bytes above 0x7F are text, not white space").contains("\u00e9t\u00e9");
            assertThat(r.header("X-Absent")).isEmpty();
            assertThat(read(r)).isEqualTo("ok");
            assertThat(c.idleConnections()).isEqualTo(1);

            raw.answers.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "2\r\nok\r\n0\r\n\r\n");
            Http1Client.Response chunked = c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(chunked.header("Transfer-Encoding")).contains("gzip, chunked");
            assertThat(read(chunked)).isEqualTo("ok");

            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");
            assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { }))
                    .isInstanceOf(java.net.ProtocolException.class).hasMessageContaining("conflicting Content-Length");
        }
    }

    @Test
    void refusesMalformedHeaderLinesAndTooManyHeaders() throws Exception {
        for (String bad : List.of("NoColon", ": no name", " X-Folded: a", "\tX-Tab: a")) {
            try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
                raw.answers.add("HTTP/1.1 200 OK\r\n" + bad + "\r\nContent-Length: 0\r\n\r\n");
                assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { }))
                        .as(bad).isInstanceOf(java.net.ProtocolException.class)
                        .hasMessageContaining("malformed header");
            }
        }
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < Http1Client.MAX_HEADERS; i++) { // with Content-Length: one name too many
                many.append("X-").append(i).append(": v\r\n");
            }
            raw.answers.add(many.append("Content-Length: 0\r\n\r\n").toString());
            assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { }))
                    .isInstanceOf(java.net.ProtocolException.class).hasMessageContaining("too many response headers");
            StringBuilder enough = new StringBuilder("HTTP/1.1 200 OK\r\n");
            for (int i = 1; i < Http1Client.MAX_HEADERS; i++) {
                enough.append("X-").append(i).append(": v").append(i).append("\r\n");
            }
            raw.answers.add(enough.append("Content-Length: 0\r\n\r\n").toString());
            Http1Client.Response r = c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(r.header("x-255")).contains("v255");
            assertThat(r.header("content-length")).contains("0");
        }
    }

    @Test
    void neverReusesAConnectionWhoseBodyWasNotReadToItsEnd() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            Http1Client.Response r = c.send("POST", List.of(), new byte[0], T, x -> { });
            assertThat(r.body().read()).isEqualTo('0');
            r.body().close();
            assertThat(c.idleConnections()).isZero();
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
            assertThat(raw.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void doesNotReuseAfterConnectionCloseOrUnframedBodies() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
            assertThat(c.idleConnections()).isZero();
        }
    }

    @Test
    void skipsAKeptAliveConnectionTheServerClosed() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("!HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
            Thread.sleep(100);
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
            assertThat(raw.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void retriesAnIdempotentRequestOnAConnectionClosedRightAfterItsAnswer() throws Exception {
        // reused at once, the connection is not probed first: the request fails on it and is sent again
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("!HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes");
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
            assertThat(read(c.send("DELETE", List.of(), null, T, x -> { }))).isEqualTo("yes");
            assertThat(raw.accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void keepsAtMostSixtyFourIdleConnections() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            List<Http1Client.Response> open = new java.util.ArrayList<>();
            for (int i = 0; i < 70; i++) {
                raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                open.add(c.send("POST", List.of(), new byte[0], T, x -> { })); // bodies unread: 70 connections
            }
            for (Http1Client.Response r : open) {
                assertThat(read(r)).isEqualTo("ok");
            }
            assertThat(raw.accepted.get()).isEqualTo(70);
            assertThat(c.idleConnections()).isEqualTo(64);
        }
    }

    @Test
    void doesNotRetryAPostTheServerDroppedButRecovers() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            raw.answers.add("CLOSE");
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
            // second request closes the connection without an answer: POST is not retried
            assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { })).isInstanceOf(IOException.class);
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            assertThat(read(c.send("POST", List.of(), new byte[0], T, x -> { }))).isEqualTo("ok");
        }
    }

    @Test
    void abortWakesAReaderBlockedOnHeadersOrBody() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("STALL");
            CompletableFuture<Http1Client.Response> handle = new CompletableFuture<>();
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    c.send("POST", List.of(), new byte[0], T, handle::complete);
                    failed.complete(null);
                } catch (IOException e) {
                    failed.complete(e);
                }
            });
            raw.requests.take();
            handle.get(5, TimeUnit.SECONDS).abort();
            assertThat(failed.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);

            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
            Http1Client.Response r = c.send("POST", List.of(), new byte[0], T, x -> { });
            CompletableFuture<Throwable> bodyFailed = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    r.body().readAllBytes();
                    bodyFailed.complete(null);
                } catch (IOException e) {
                    bodyFailed.complete(e);
                }
            });
            Thread.sleep(100);
            r.abort();
            assertThat(bodyFailed.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void rejectsHeaderInjectionAndRestrictedNames() {
        assertThatThrownBy(() -> Http1Client.checkHeader("X-A", "a\r\nX-B: b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Client.checkHeader("X A", "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Client.checkHeader("Content-Length", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Client.checkHeader("Transfer-Encoding", "chunked")).isInstanceOf(IllegalArgumentException.class);
        Http1Client.checkHeader("Authorization", "Bearer x\ty");
        assertThatThrownBy(() -> Http1Client.checkHeader("kEEp-ALIVE", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Client.checkHeader("X-\u0130", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The header rule against its RFC 9110 statement, on every character below U+0200 and seeded random names. */
    @Test
    void headerNamesAreTokensAndValuesHaveNoControlCharacters() {
        java.util.function.BiPredicate<String, String> rule = (name, value) -> {
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0)) {
                return false;
            }
            if (!value.chars().allMatch(c -> (c >= 0x20 || c == '\t') && c != 0x7F && c <= 0xFF)) {
                return false;
            }
            return !List.of("host", "content-length", "transfer-encoding", "connection", "expect", "upgrade",
                    "keep-alive", "proxy-connection").contains(name.toLowerCase(java.util.Locale.ROOT));
        };
        java.util.Random random = new java.util.Random(20261123);
        String[] restricted = {"host", "content-length", "transfer-encoding", "connection", "expect", "upgrade",
            "keep-alive", "proxy-connection", "x-host", "hos", "connections"};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder name = new StringBuilder();
            if (n % 4 == 0) { // a restricted name (or a near miss) in random case
                for (char c : restricted[random.nextInt(restricted.length)].toCharArray()) {
                    name.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
                }
            } else {
                for (int i = random.nextInt(6); i >= 0; i--) {
                    name.append((char) (random.nextInt(8) == 0 ? random.nextInt(0x200) : 'a' + random.nextInt(26)));
                }
            }
            String value = random.nextInt(4) == 0 ? String.valueOf((char) random.nextInt(0x200)) : "v";
            boolean accepted;
            try {
                Http1Client.checkHeader(name.toString(), value);
                accepted = true;
            } catch (IllegalArgumentException e) {
                accepted = false;
            }
            String shown = name.chars().mapToObj(c -> String.format("%04x", c)).toList() + " / "
                    + value.chars().mapToObj(c -> String.format("%04x", c)).toList();
            assertThat(accepted).as(shown).isEqualTo(rule.test(name.toString(), value));
        }
    }

    @Test
    void rejectsMalformedResponses() throws Exception {
        try (Raw raw = new Raw(); Http1Client c = new Http1Client(raw.uri())) {
            raw.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");
            assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { }))
                    .isInstanceOf(java.net.ProtocolException.class);
            raw.answers.add("garbage\r\n\r\n");
            assertThatThrownBy(() -> c.send("POST", List.of(), new byte[0], T, x -> { }))
                    .isInstanceOf(java.net.ProtocolException.class);
            assertThat(c.idleConnections()).isZero();
        }
    }
}
