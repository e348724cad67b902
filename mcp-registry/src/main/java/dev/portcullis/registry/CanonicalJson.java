package dev.portcullis.registry;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation of Jackson trees, written straight into a
 * reusable byte buffer so that hashing a tool definition allocates little.
 *
 * <p>Rules: object members sorted by the UTF-16 code units of their names; no whitespace; strings
 * escaped exactly as ECMAScript {@code JSON.stringify} does; every number serialised as the IEEE 754
 * double it denotes, in ECMAScript {@code Number.prototype.toString} form ({@code 1.0} and {@code 1}
 * are both {@code 1}; {@code 1e21} is {@code 1e+21}). Lone surrogates and non-finite numbers are not
 * I-JSON and are rejected with {@link IllegalArgumentException}.
 */
final class CanonicalJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long EXACT_LONG_LIMIT = 1L << 53;
    private static final java.math.MathContext ONE_DIGIT = new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN);

    private byte[] buf = new byte[1024];
    private int len;

    /** Clears the buffer for the next value. */
    void reset() {
        len = 0;
    }

    /** @return the internal buffer; valid bytes are {@code [0, length())} */
    byte[] buffer() {
        return buf;
    }

    /** @return number of valid bytes */
    int length() {
        return len;
    }

    /** @return a copy of the canonical bytes written since the last reset */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /**
     * Canonicalises a value.
     *
     * @param node any JSON value
     * @return the canonical UTF-8 bytes
     */
    static byte[] canonicalize(JsonNode node) {
        CanonicalJson c = new CanonicalJson();
        c.write(node);
        return c.toByteArray();
    }

    /**
     * Appends a value.
     *
     * @param node value to append
     */
    void write(JsonNode node) {
        writeValue(node, null);
    }

    /**
     * Appends an object, leaving out one top-level member (used for a tool's volatile {@code _meta}).
     *
     * @param node    an object node
     * @param skipKey member name to leave out
     */
    void writeWithout(JsonNode node, String skipKey) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + node.getNodeType());
        }
        writeValue(node, skipKey);
    }

    private void writeValue(JsonNode node, String skipKey) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, skipKey);
            case ARRAY -> {
                put('[');
                boolean first = true;
                for (JsonNode element : node) {
                    if (!first) {
                        put(',');
                    }
                    first = false;
                    writeValue(element, null);
                }
                put(']');
            }
            case STRING -> writeString(node.textValue());
            case NUMBER -> writeNumber(node);
            case BOOLEAN -> writeAscii(node.booleanValue() ? "true" : "false");
            case NULL -> writeAscii("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private void writeObject(JsonNode node, String skipKey) {
        int size = node.size();
        String[] keys = new String[size];
        int n = 0;
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            String key = member.getKey();
            if (!key.equals(skipKey)) {
                keys[n++] = key;
            }
        }
        if (n > 1) {
            // String.compareTo compares UTF-16 code units, which is exactly RFC 8785 section 3.2.3
            Arrays.sort(keys, 0, n);
        }
        put('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                put(',');
            }
            writeString(keys[i]);
            put(':');
            writeValue(node.get(keys[i]), null);
        }
        put('}');
    }

    private void writeString(String s) {
        int length = s.length();
        ensure(length + 2);
        put('"');
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    put('\\');
                    put(c);
                } else if (c >= 0x20) {
                    put(c);
                } else {
                    switch (c) {
                        case '\b' -> { put('\\'); put('b'); }
                        case '\f' -> { put('\\'); put('f'); }
                        case '\n' -> { put('\\'); put('n'); }
                        case '\r' -> { put('\\'); put('r'); }
                        case '\t' -> { put('\\'); put('t'); }
                        default -> {
                            ensure(6);
                            buf[len++] = '\\';
                            buf[len++] = 'u';
                            buf[len++] = '0';
                            buf[len++] = '0';
                            buf[len++] = HEX[c >> 4];
                            buf[len++] = HEX[c & 0xF];
                        }
                    }
                }
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    ensure(4);
                    buf[len++] = (byte) (0xF0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    throw new IllegalArgumentException("string contains a lone surrogate at index " + i
                            + " (expected: well-formed UTF-16, RFC 8785 section 3.2.2.2)");
                }
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        put('"');
    }

    private void writeNumber(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long v = node.longValue();
            if (v >= -EXACT_LONG_LIMIT && v <= EXACT_LONG_LIMIT) {
                writeAscii(Long.toString(v));
                return;
            }
        }
        writeAscii(formatDouble(node.doubleValue()));
    }

    /**
     * Formats a double as ECMAScript's {@code Number.prototype.toString} does (RFC 8785 section 3.2.2.3).
     * Relies on {@link Double#toString(double)} giving the shortest uniquely-identifying digits (true since
     * JDK 19) except that it never gives fewer than two.
     *
     * @param d a finite double
     * @return its canonical text
     */
    static String formatDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("number is not finite (expected: an IEEE 754 double, RFC 8785)");
        }
        if (d == 0) {
            return "0"; // also for -0
        }
        if (d == Math.rint(d) && Math.abs(d) <= EXACT_LONG_LIMIT) {
            return Long.toString((long) d);
        }
        double abs = Math.abs(d);
        BigDecimal shortest = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            // Double.toString never prints fewer than two digits, and may prefer a closer two-digit form
            // (4.9E-324) to a one-digit one that also round-trips (5e-324), which ECMAScript picks.
            BigDecimal one = new BigDecimal(abs).round(ONE_DIGIT);
            if (one.doubleValue() == abs) {
                shortest = one.stripTrailingZeros();
            }
        }
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = digits * 10^(n - k)
        StringBuilder sb = new StringBuilder(k + 8);
        if (d < 0) {
            sb.append('-');
        }
        if (k <= n && n <= 21) {
            sb.append(digits);
            sb.repeat('0', n - k);
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            sb.repeat('0', -n);
            sb.append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }

    private void writeAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
