package dev.portcullis.openapi;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;

/**
 * Decides which backend addresses a registration may reach, and is the HTTP client's DNS resolver, so the
 * connection goes to exactly the address that was checked (no DNS rebinding between check and connect). Every
 * address a name resolves to is checked; one refused address refuses the name. Cloud metadata endpoints are
 * refused always; loopback, private (RFC 1918, RFC 4193, CGNAT), link-local, unspecified, multicast and
 * reserved addresses are refused unless the registration allows private networks.
 */
final class SsrfGuard implements DnsResolver {

    /** A backend address that policy refuses; the message is safe to show. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean allowPrivate;

    SsrfGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    @Override
    public boolean useDefaultJavaResolver() {
        return false;
    }

    @Override
    public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
        return check(hostname);
    }

    /** Resolves {@code host}, checks every address, returns the first; throws {@link Refused}. */
    InetAddress check(String host) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new Refused("backend host '" + host + "' does not resolve");
        }
        for (InetAddress a : all) {
            refusal(a, allowPrivate).ifPresent(reason -> {
                throw new Refused("backend host '" + host + "' resolves to " + reason + " address " + a.getHostAddress()
                        + ", which this registration may not reach");
            });
        }
        return all[0];
    }

    /** @return why an address is refused ("metadata", "loopback", ...), or empty when it may be reached */
    static Optional<String> refusal(InetAddress a, boolean allowPrivate) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96): judge the IPv4 inside
            boolean mapped = isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compat = isZero(b, 0, 12) && !isZero(b, 12, 16) && !(isZero(b, 12, 15) && b[15] == 1);
            boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && isZero(b, 4, 12);
            if (mapped || compat || nat64) {
                try {
                    return refusal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}), allowPrivate);
                } catch (UnknownHostException e) {
                    return Optional.of("malformed");
                }
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 6to4 2002:AABB:CCDD::/48
                try {
                    return refusal(InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]}), allowPrivate);
                } catch (UnknownHostException e) {
                    return Optional.of("malformed");
                }
            }
        }
        if (isMetadata(b)) {
            return Optional.of("a cloud metadata");
        }
        String kind = null;
        if (a.isAnyLocalAddress()) {
            kind = "an unspecified";
        } else if (a.isLoopbackAddress()) {
            kind = "a loopback";
        } else if (a.isLinkLocalAddress()) {
            kind = "a link-local";
        } else if (a.isSiteLocalAddress() || a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            kind = "a private";
        } else if (a.isMulticastAddress()) {
            return Optional.of("a multicast");
        } else if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            if (b0 == 0) {
                kind = "a 'this network'";
            } else if (b0 == 100 && b1 >= 64 && b1 < 128) {
                kind = "a carrier-grade NAT";
            } else if (b0 == 198 && (b1 == 18 || b1 == 19)) {
                kind = "a benchmarking";
            } else if (b0 >= 240) {
                return Optional.of("a reserved");
            } else if (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) {
                kind = "an IETF protocol";
            }
        }
        return kind == null || allowPrivate ? Optional.empty() : Optional.of(kind);
    }

    private static boolean isMetadata(byte[] b) {
        if (b.length == 4) {
            int x = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            return x == 0xA9FEA9FE          // 169.254.169.254 (AWS, GCP, Azure, OpenStack)
                    || x == 0xA9FEAA02      // 169.254.170.2 (ECS task metadata)
                    || x == 0x64646400 + 200; // 100.100.100.200 (Alibaba Cloud)
        }
        // fd00:ec2::254 (AWS IPv6 metadata)
        return (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && isZero(b, 4, 14) && b[14] == 0x02 && (b[15] & 0xff) == 0x54;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
