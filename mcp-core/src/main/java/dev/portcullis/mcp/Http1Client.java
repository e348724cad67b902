package dev.portcullis.mcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small blocking HTTP/1.1 client for one cleartext ({@code http://}) upstream, meant for virtual threads:
 * one request per connection at a time, keep-alive connections pooled per upstream, response bodies streamed.
 * A response's {@link Response#abort()} (or closing a body before its end) closes the connection, which wakes
 * a reader blocked on it; a connection goes back to the pool only after a body was read to its exact end
 * (Content-Length or the last chunk), so a pooled connection never carries bytes of an earlier response.
 * Never follows redirects. Deadlines are enforced by the caller (closing the response or {@link Exchange}).
 */
final class Http1Client implements AutoCloseable {
    private static final int MAX_IDLE = 64;
    private static final long MAX_IDLE_NANOS = Duration.ofSeconds(30).toNanos();
    /**
     * A connection idle for less than this is reused without first probing it for the server's close: under
     * load connections come back within microseconds, and the probe (a read that finds nothing) would cost a
     * system call per request. Servers close idle keep-alive connections after seconds, and one that closes
     * right after an answer without {@code Connection: close} is still caught when the next request comes later.
     */
    static final long PROBE_AFTER_IDLE_NANOS = Duration.ofMillis(20).toNanos();
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Distinct response header names at most (a response has a handful; lookups are linear). */
    static final int MAX_HEADERS = 256;
    private static final int BUFFER = 16 * 1024;
    /** Bodies up to this size are sent in the same buffer as the head (the usual JSON-RPC request). */
    private static final int INLINE_BODY = 16 * 1024;

    private final String hostHeader;
    private final String target;
    private final String host;
    private final int port;
    /** The request line and Host header of a POST, the usual request: the same bytes every time. */
    private final byte[] postLine;
    /** Most recently used first; bounded, so that offering to a full pool fails and the connection is closed. */
    private final LinkedBlockingDeque<Conn> idle = new LinkedBlockingDeque<>(MAX_IDLE);
    private volatile boolean closed;

    Http1Client(URI url) {
        String h = url.getHost();
        if (h == null || !"http".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("not an http:// URL");
        }
        this.port = url.getPort() == -1 ? 80 : url.getPort();
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.hostHeader = url.getPort() == -1 ? h : h + ":" + url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.postLine = requestLine("POST");
    }

    /** A response whose headers have arrived; its body is streamed. */
    interface Response {
        int statusCode();

        Optional<String> header(String name);

        InputStream body();

        /** Closes the connection now (wakes a blocked reader); idempotent, callable from any thread. */
        void abort();
    }

    /**
     * Sends a request and waits for the response headers. {@code onConnection} receives the response handle
     * before anything is sent, so another thread can abort the exchange while it is blocked.
     */
    Response send(String method, List<String[]> headers, byte[] body, Duration connectTimeout,
                  java.util.function.Consumer<Response> onConnection) throws IOException {
        boolean inline = body != null && body.length <= INLINE_BODY; // one buffer, one write
        byte[] head = head(method, headers, body, inline);
        byte[] rest = inline ? null : body;
        boolean idempotent = !"POST".equals(method);
        for (int attempt = 0; ; attempt++) {
            Conn c = attempt == 0 ? reuse() : null;
            boolean reused = c != null;
            if (c == null) {
                c = open(connectTimeout);
            }
            Exchange1 x = new Exchange1(c);
            onConnection.accept(x);
            try {
                c.write(head, rest);
                if (Thread.currentThread().isVirtual()) {
                    // let other calls run before reading: the answer has then usually arrived, and the read
                    // does not first find nothing, register with the poller and park (three system calls)
                    Thread.yield();
                }
                x.readHead(method);
                return x;
            } catch (IOException e) {
                boolean abortedByCaller = x.aborted.get();
                x.abort();
                // a kept-alive connection the server closed just before this request: nothing was answered
                if (reused && idempotent && x.nothingReceived && !abortedByCaller && attempt == 0) {
                    continue;
                }
                throw e;
            }
        }
    }

    private Conn reuse() {
        for (Conn c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            long idleFor = System.nanoTime() - c.idleSince;
            if (idleFor < MAX_IDLE_NANOS && c.reusable(idleFor >= PROBE_AFTER_IDLE_NANOS)) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private Conn open(Duration connectTimeout) throws IOException {
        if (closed) {
            throw new IOException("client closed");
        }
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            long ms = Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            ch.socket().connect(new InetSocketAddress(host, port), (int) ms);
            return new Conn(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        } catch (IllegalArgumentException | SecurityException e) { // incl. UnresolvedAddressException
            ch.close();
            throw new java.net.UnknownHostException(host);
        }
    }

    private void release(Conn c) {
        c.idleSince = System.nanoTime();
        if (closed || !idle.offerFirst(c)) {
            c.close();
            return;
        }
        if (closed) {
            c.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Conn c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            c.close();
        }
    }

    /** Number of idle pooled connections (tests). */
    int idleConnections() {
        return idle.size();
    }

    /** The request head; with {@code inline}, the body follows it in the same array. */
    private byte[] head(String method, List<String[]> headers, byte[] body, boolean inline) {
        Head h = new Head("POST".equals(method) ? postLine : requestLine(method));
        boolean userAgent = false;
        for (String[] header : headers) {
            checkHeader(header[0], header[1]);
            userAgent |= header[0].length() == 10 && header[0].equalsIgnoreCase("User-Agent");
            h.line(header[0], header[1]);
        }
        if (!userAgent) {
            h.line("User-Agent", "portcullis");
        }
        if (body != null) {
            h.line("Content-Length", Integer.toString(body.length));
        }
        return h.end(inline ? body : null);
    }

    /** The request line and {@code Host} header of a request with this method. */
    private byte[] requestLine(String method) {
        return (method + " " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A request head written straight into bytes: every character is ISO-8859-1 ({@link #checkHeader} refuses any
     * other), so each is one byte.
     */
    private static final class Head {
        private byte[] b;
        private int n;

        Head(byte[] requestLine) {
            b = java.util.Arrays.copyOf(requestLine, requestLine.length + 256);
            n = requestLine.length;
        }

        void line(String name, String value) {
            int need = n + name.length() + value.length() + 4;
            if (need + 2 > b.length) {
                b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, need + 2));
            }
            n = put(name, n);
            b[n++] = ':';
            b[n++] = ' ';
            n = put(value, n);
            b[n++] = '\r';
            b[n++] = '\n';
        }

        private int put(String s, int at) {
            for (int i = 0; i < s.length(); i++) {
                b[at++] = (byte) s.charAt(i);
            }
            return at;
        }

        /** Ends the head, followed by {@code body} when not null: an array of exactly that length. */
        byte[] end(byte[] body) {
            int bodyLength = body == null ? 0 : body.length;
            byte[] out = b.length == n + 2 + bodyLength ? b : java.util.Arrays.copyOf(b, n + 2 + bodyLength);
            out[n++] = '\r';
            out[n++] = '\n';
            if (bodyLength > 0) {
                System.arraycopy(body, 0, out, n, bodyLength);
            }
            return out;
        }
    }

    /** Rejects header names and values that could break the request framing (as the JDK client does). */
    static void checkHeader(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        if (!HttpTokens.isToken(name)) {
            throw new IllegalArgumentException("invalid header name");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("invalid header value");
            }
        }
        if (restricted(name)) {
            throw new IllegalArgumentException("restricted header name");
        }
    }

    /** Headers that set the framing or the connection: the client writes them itself. */
    private static boolean restricted(String name) {
        return switch (name.length()) { // by length first: a request's headers are checked on every call
            case 4 -> name.equalsIgnoreCase("host");
            case 6 -> name.equalsIgnoreCase("expect");
            case 7 -> name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 14 -> name.equalsIgnoreCase("content-length");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }

    /** One TCP connection with its read buffer. */
    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(BUFFER).flip();
        long idleSince;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void write(byte[] head, byte[] body) throws IOException {
            ByteBuffer[] bufs = body == null || body.length == 0
                    ? new ByteBuffer[] {ByteBuffer.wrap(head)}
                    : new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(body)};
            long left = head.length + (body == null ? 0 : body.length);
            while (left > 0) {
                left -= ch.write(bufs);
            }
        }

        /** Fills the buffer with at least one more byte; false at the end of the stream. */
        boolean fill() throws IOException {
            in.compact();
            try {
                int n = ch.read(in);
                return n > 0;
            } finally {
                in.flip();
            }
        }

        /**
         * A kept-alive connection is usable if the server has sent nothing unasked and, when {@code probe}, has not
         * closed it either (a read that must find nothing).
         */
        boolean reusable(boolean probe) {
            if (!ch.isOpen() || in.hasRemaining()) {
                return false;
            }
            if (!probe) {
                return true;
            }
            try {
                ch.configureBlocking(false);
                try {
                    in.compact();
                    int n;
                    try {
                        n = ch.read(in);
                    } finally {
                        in.flip();
                    }
                    return n == 0;
                } finally {
                    ch.configureBlocking(true);
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** One request/response on a connection. */
    private final class Exchange1 extends InputStream implements Response {
        private final Conn c;
        final AtomicBoolean aborted = new AtomicBoolean();
        volatile boolean nothingReceived = true;
        private int status;
        /** Response header names (as sent) and values, in order; a response has a handful. */
        private String[] names = new String[12];
        private String[] values = new String[12];
        private int headerCount;
        private boolean keepAlive;
        /** Bytes left in the body or the current chunk; -1: read until close. */
        private long remaining;
        private boolean chunked;
        private boolean lastChunk;
        private boolean eof;

        Exchange1(Conn c) {
            this.c = c;
        }

        @Override
        public int statusCode() {
            return status;
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(find(name));
        }

        /** The first value of a header (a repeated Transfer-Encoding: all of them, joined); null if absent. */
        private String find(String name) {
            int i = indexOf(name);
            return i < 0 ? null : values[i];
        }

        private int indexOf(String name) {
            for (int i = 0; i < headerCount; i++) {
                if (names[i].length() == name.length() && names[i].equalsIgnoreCase(name)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public InputStream body() {
            return this;
        }

        @Override
        public void abort() {
            if (aborted.compareAndSet(false, true)) {
                c.close();
            }
        }

        void readHead(String method) throws IOException {
            String line;
            do {
                line = readLine();
                nothingReceived = false;
                if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ') {
                    throw new ProtocolException("malformed status line");
                }
                status = parseStatus(line.substring(9, 12));
                headerCount = 0;
                readHeaders();
            } while (status >= 100 && status < 200 && status != 101);
            if (status == 101) {
                throw new ProtocolException("unexpected protocol switch");
            }
            boolean http10 = line.charAt(7) == '0';
            String connection = find("connection");
            connection = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
            keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
            String te = find("transfer-encoding");
            String cl = find("content-length");
            if ("HEAD".equals(method) || status == 204 || status == 304) {
                remaining = 0;
            } else if (te != null) {
                if (!te.toLowerCase(Locale.ROOT).trim().endsWith("chunked")) {
                    remaining = -1;
                    keepAlive = false;
                } else {
                    chunked = true;
                    remaining = 0;
                }
                if (cl != null) {
                    keepAlive = false; // ambiguous framing: never reuse the connection
                }
            } else if (cl != null) {
                try {
                    remaining = Long.parseLong(cl.trim());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("malformed Content-Length");
                }
                if (remaining < 0) {
                    throw new ProtocolException("malformed Content-Length");
                }
            } else {
                remaining = -1;
                keepAlive = false;
            }
            if (!chunked && remaining == 0) {
                finish();
            }
        }

        private int parseStatus(String s) throws ProtocolException {
            int v = 0;
            for (int i = 0; i < 3; i++) {
                char ch = s.charAt(i);
                if (ch < '0' || ch > '9') {
                    throw new ProtocolException("malformed status line");
                }
                v = v * 10 + (ch - '0');
            }
            return v;
        }

        private int headerBytes;

        private void readHeaders() throws IOException {
            headerBytes = 0;
            while (!readHeaderLine()) {
                // one header a line until the empty line
            }
        }

        /**
         * Reads one header line into {@link #names}/{@link #values}, straight from the buffer when the whole line is
         * there (the usual case), else through {@link #readLine()}; true at the empty line that ends the head.
         */
        private boolean readHeaderLine() throws IOException {
            int start = c.in.arrayOffset() + c.in.position();
            int stop = takeBufferedLine();
            if (stop < 0) {
                byte[] b = readLine().getBytes(StandardCharsets.ISO_8859_1);
                return header(b, 0, b.length);
            }
            return header(c.in.array(), start, stop);
        }

        /**
         * When a whole line is in the read buffer (the usual case): takes it, counted against the header bound, and
         * returns where its text ends in the buffer's array (before CR LF or LF); it began at the buffer's position
         * before the call. Otherwise -1, and nothing is taken.
         */
        private int takeBufferedLine() throws ProtocolException {
            ByteBuffer in = c.in;
            byte[] a = in.array();
            int start = in.arrayOffset() + in.position();
            int end = start + in.remaining();
            for (int i = start; i < end; i++) {
                if (a[i] == '\n') {
                    headerBytes += i - start + 1;
                    if (headerBytes > MAX_HEADER_BYTES) {
                        throw new ProtocolException("response header too large");
                    }
                    in.position(in.position() + i - start + 1);
                    return i > start && a[i - 1] == '\r' ? i - 1 : i;
                }
            }
            return -1;
        }

        /** One header line of {@code a[from, to)} (no line ending); true if it is empty (the end of the head). */
        private boolean header(byte[] a, int from, int to) throws ProtocolException {
            if (from == to) {
                return true;
            }
            int colon = from;
            while (colon < to && a[colon] != ':') {
                colon++;
            }
            if (colon == from || colon == to || a[from] == ' ' || a[from] == '\t') {
                throw new ProtocolException("malformed header line");
            }
            int v = colon + 1;
            int w = to;
            while (v < w && (a[v] & 0xff) <= ' ') { // as String.trim(): leading and trailing controls and spaces
                v++;
            }
            while (w > v && (a[w - 1] & 0xff) <= ' ') { // unsigned: Latin-1 letters above 0x7F are kept
                w--;
            }
            String name = new String(a, from, colon - from, StandardCharsets.ISO_8859_1);
            String value = new String(a, v, w - v, StandardCharsets.ISO_8859_1);
            int seen = indexOf(name);
            if (seen < 0) {
                if (headerCount == MAX_HEADERS) {
                    throw new ProtocolException("too many response headers");
                }
                if (headerCount == names.length) {
                    names = java.util.Arrays.copyOf(names, headerCount * 2);
                    values = java.util.Arrays.copyOf(values, headerCount * 2);
                }
                names[headerCount] = name;
                values[headerCount++] = value;
            } else if (name.equalsIgnoreCase("content-length") && !values[seen].equals(value)) {
                throw new ProtocolException("conflicting Content-Length");
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                values[seen] = values[seen] + ", " + value;
            }
            return false;
        }

        /** Reads one CRLF- (or LF-) terminated line of ISO-8859-1 text. */
        private String readLine() throws IOException {
            int start = c.in.arrayOffset() + c.in.position();
            int stop = takeBufferedLine();
            if (stop >= 0) { // the whole line was buffered: one string, no copying twice
                return new String(c.in.array(), start, stop - start, StandardCharsets.ISO_8859_1);
            }
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                if (!c.in.hasRemaining() && !c.fill()) {
                    throw new EOFException("connection closed by the upstream");
                }
                byte b = c.in.get();
                if (++headerBytes > MAX_HEADER_BYTES) {
                    throw new ProtocolException("response header too large");
                }
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) (b & 0xff));
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (eof) {
                return -1;
            }
            if (aborted.get()) {
                throw new IOException("body closed");
            }
            if (chunked && remaining == 0) {
                if (!nextChunk()) {
                    return -1;
                }
            }
            if (!c.in.hasRemaining() && !c.fill()) {
                if (remaining == -1) {
                    eof = true;
                    abort();
                    return -1;
                }
                throw new EOFException("response body truncated");
            }
            int n = c.in.remaining();
            if (n > len) {
                n = len;
            }
            if (remaining >= 0 && n > remaining) {
                n = (int) remaining;
            }
            c.in.get(b, off, n);
            if (remaining > 0) {
                remaining -= n;
                if (remaining == 0 && !chunked) {
                    finish();
                }
            }
            return n;
        }

        /** Reads the next chunk header; false (and the body finished) after the last chunk and its trailers. */
        private boolean nextChunk() throws IOException {
            if (lastChunk) {
                return false;
            }
            headerBytes = 0;
            if (started) {
                String crlf = readLine();
                if (!crlf.isEmpty()) {
                    throw new ProtocolException("malformed chunk");
                }
            }
            started = true;
            headerBytes = 0;
            String line = readLine();
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed chunk size");
            }
            if (size < 0) {
                throw new ProtocolException("malformed chunk size");
            }
            if (size == 0) {
                lastChunk = true;
                headerBytes = 0;
                while (!readLine().isEmpty()) {
                    // trailers are ignored
                }
                finish();
                return false;
            }
            remaining = size;
            return true;
        }

        private boolean started;

        /** The body was read to its exact end: the connection may serve another request. */
        private void finish() {
            eof = true;
            if (keepAlive && !c.in.hasRemaining() && aborted.compareAndSet(false, true)) {
                release(c);
            } else {
                abort();
            }
        }

        @Override
        public void close() {
            if (!eof) {
                abort();
            }
        }
    }
}
