package dev.portcullis.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Client-address checks: who the client is (the socket peer, or the {@code X-Forwarded-For} hop just
 * before the first untrusted address when the peer is a configured trusted proxy) and whether that
 * address may use a route (deny wins; a non-empty allow list admits only its ranges).
 */
final class NetworkGuard {
    private final AuthConfig.Network config;

    NetworkGuard(AuthConfig.Network config) {
        this.config = config;
    }

    /**
     * The client address. {@code X-Forwarded-For} is read right to left and only while each hop is a
     * trusted proxy, so a client cannot choose its own address by sending the header itself.
     *
     * @param peer          the socket peer
     * @param forwardedFor  every {@code X-Forwarded-For} header value, in order
     * @return the client address, or empty when a trusted proxy forwarded an address that does not parse
     */
    Optional<InetAddress> clientAddress(InetAddress peer, List<String> forwardedFor) {
        if (!trusted(peer) || forwardedFor.isEmpty()) {
            return Optional.of(peer);
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        InetAddress client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            if (!trusted(client)) {
                break;
            }
            Optional<InetAddress> hop = parse(hops[i].trim());
            if (hop.isEmpty()) {
                return Optional.empty();
            }
            client = hop.get();
        }
        return Optional.of(client);
    }

    /**
     * @param path   request path
     * @param client client address, empty when it could not be determined
     * @return whether the address may use the path
     */
    boolean allowed(String path, Optional<InetAddress> client) {
        for (AuthConfig.Rule rule : config.rules()) {
            if (!matches(rule.path(), path)) {
                continue;
            }
            if (client.isEmpty()) {
                return false;
            }
            InetAddress ip = client.get();
            if (rule.deny().stream().anyMatch(c -> c.contains(ip))) {
                return false;
            }
            if (!rule.allow().isEmpty() && rule.allow().stream().noneMatch(c -> c.contains(ip))) {
                return false;
            }
        }
        return true;
    }

    private boolean trusted(InetAddress address) {
        return config.trustedProxies().stream().anyMatch(c -> c.contains(address));
    }

    static boolean matches(String pattern, String path) {
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        return pattern.equals(path);
    }

    /** Numeric addresses only (never a DNS lookup); {@code [v6]} and {@code v4:port} forms are accepted. */
    static Optional<InetAddress> parse(String hop) {
        String h = hop;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            h = h.substring(1, end);
        } else if (h.indexOf(':') > 0 && h.indexOf(':') == h.lastIndexOf(':') && h.contains(".")) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.isEmpty() || !h.matches("[0-9a-fA-F:.]+") || !(h.contains(".") || h.contains(":"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
