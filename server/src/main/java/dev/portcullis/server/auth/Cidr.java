package dev.portcullis.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare address
 * means a single host. IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) match IPv4 ranges.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses CIDR notation. Only numeric addresses are accepted (no DNS lookups).
     *
     * @param text e.g. {@code 192.168.0.0/16}, {@code 2001:db8::/32} or {@code 127.0.0.1}
     * @return the range
     * @throws IllegalArgumentException when the text is not a numeric address with an optional prefix
     */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F:.]+") || !(addr.contains(".") || addr.contains(":"))) {
            throw new IllegalArgumentException("'" + text + "' (expected: an IP address or CIDR range such as 10.0.0.0/8)");
        }
        byte[] bytes;
        try {
            bytes = normalise(InetAddress.getByName(addr).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "' prefix length " + prefix + " (expected: 0.." + max + ")");
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, t);
    }

    /**
     * @param address an address
     * @return whether the address lies in this range
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = normalise(address.getAddress());
        if (bytes.length != network.length) {
            return false;
        }
        return java.util.Arrays.equals(mask(bytes, prefix), network);
    }

    private static byte[] normalise(byte[] bytes) {
        // ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket
        if (bytes.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
            if (mapped) {
                return java.util.Arrays.copyOfRange(bytes, 12, 16);
            }
        }
        return bytes;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
