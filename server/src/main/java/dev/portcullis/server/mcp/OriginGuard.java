package dev.portcullis.server.mcp;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DNS-rebinding protection for the MCP endpoint: the {@code Host} header must name this gateway and a
 * browser {@code Origin}, when present, must be allowed. A page on an attacker's domain that resolves to
 * the gateway's address can then neither read nor drive it.
 */
final class OriginGuard {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> hosts;
    private final Set<String> origins;
    private final boolean loopbackOrigins;

    private OriginGuard(Set<String> hosts, Set<String> origins, boolean loopbackOrigins) {
        this.hosts = hosts;
        this.origins = origins;
        this.loopbackOrigins = loopbackOrigins;
    }

    static OriginGuard create(McpSettings settings, String bindHost) {
        if (settings.allowedHosts().isEmpty() && ("0.0.0.0".equals(bindHost) || "::".equals(bindHost)
                || "[::]".equals(bindHost))) {
            System.getLogger(OriginGuard.class.getName()).log(System.Logger.Level.WARNING, "Listening on all "
                    + "interfaces without mcp.allowed-hosts: MCP requests are refused (403) until it lists the host "
                    + "names clients use to reach the gateway (DNS-rebinding protection)");
        }
        boolean loopbackBind = LOOPBACK.contains(bindHost) || bindHost.startsWith("127.");
        Set<String> hosts = settings.allowedHosts().isEmpty()
                ? (loopbackBind ? new java.util.HashSet<>(List.of("localhost", "127.0.0.1", "[::1]", bindHost.toLowerCase(Locale.ROOT)))
                        : Set.of(bindHost.toLowerCase(Locale.ROOT)))
                : settings.allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> origins = settings.allowedOrigins().stream()
                .map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return new OriginGuard(hosts, origins, loopbackBind && settings.allowedOrigins().isEmpty());
    }

    /**
     * @param host   the Host header (may include a port), or empty
     * @param origin the Origin header, or empty
     * @return empty when allowed, else the reason
     */
    Optional<String> check(Optional<String> host, Optional<String> origin) {
        if (host.isPresent() && !hosts.contains(hostName(host.get()))) {
            return Optional.of("Host not allowed");
        }
        if (origin.isPresent() && !originAllowed(origin.get().trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("Origin not allowed");
        }
        return Optional.empty();
    }

    private boolean originAllowed(String origin) {
        if (origins.contains(origin)) {
            return true;
        }
        if (!loopbackOrigins || "null".equals(origin)) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && LOOPBACK.contains(uri.getHost()) && (uri.getPath() == null || uri.getPath().isEmpty());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    List<String> hosts() {
        return List.copyOf(hosts);
    }
}
