package dev.portcullis.server.auth;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Client address resolution and per-route CIDR rules. */
class NetworkGuardTest {
    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    static final NetworkGuard GUARD = new NetworkGuard(new AuthConfig.Network(
            List.of(Cidr.parse("10.0.0.0/8")), Optional.empty(),
            List.of(new AuthConfig.Rule("/admin/*", List.of(Cidr.parse("192.168.1.0/24")), List.of(Cidr.parse("192.168.1.66"))),
                    new AuthConfig.Rule("/mcp/*", List.of(), List.of(Cidr.parse("203.0.113.0/24"))))));

    @Test
    void ignoresForwardedForFromAnUntrustedPeer() throws Exception {
        assertThat(GUARD.clientAddress(ip("198.51.100.7"), List.of("192.168.1.5"))).contains(ip("198.51.100.7"));
    }

    @Test
    void takesTheFirstUntrustedHopFromTheRightBehindTrustedProxies() throws Exception {
        // the client forged "192.168.1.5"; proxy 10.1.1.1 appended the real client, 10.2.2.2 forwarded it
        assertThat(GUARD.clientAddress(ip("10.2.2.2"), List.of("192.168.1.5, 198.51.100.7", "10.1.1.1")))
                .contains(ip("198.51.100.7"));
    }

    @Test
    void treatsAnUnparseableForwardedAddressAsUnknownAndDeniesRuledRoutes() throws Exception {
        Optional<InetAddress> client = GUARD.clientAddress(ip("10.2.2.2"), List.of("evil.example.com"));
        assertThat(client).isEmpty();
        assertThat(GUARD.allowed("/admin/x", client)).isFalse();
        assertThat(GUARD.allowed("/observe/health", client)).isTrue();
    }

    @Test
    void allowsOnlyTheAllowListAndDenyWins() throws Exception {
        assertThat(GUARD.allowed("/admin/users", Optional.of(ip("192.168.1.5")))).isTrue();
        assertThat(GUARD.allowed("/admin/users", Optional.of(ip("192.168.1.66")))).isFalse();
        assertThat(GUARD.allowed("/admin/users", Optional.of(ip("198.51.100.7")))).isFalse();
        assertThat(GUARD.allowed("/admin", Optional.of(ip("198.51.100.7")))).isFalse();
    }

    @Test
    void deniesTheDenyListWhereThereIsNoAllowList() throws Exception {
        assertThat(GUARD.allowed("/mcp/github", Optional.of(ip("203.0.113.9")))).isFalse();
        assertThat(GUARD.allowed("/mcp/github", Optional.of(ip("198.51.100.7")))).isTrue();
    }

    @Test
    void matchesIpv4MappedIpv6AndIpv6Ranges() throws Exception {
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:1::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::1"))).isFalse();
    }
}
