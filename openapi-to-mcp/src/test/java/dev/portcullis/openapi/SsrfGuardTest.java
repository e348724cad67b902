package dev.portcullis.openapi;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which backend addresses a registration may reach. */
class SsrfGuardTest {

    @ParameterizedTest
    @CsvSource({
            "169.254.169.254, metadata", "169.254.170.2, metadata", "fd00:ec2::254, metadata",
            "::ffff:169.254.169.254, metadata", "127.0.0.1, loopback", "::1, loopback", "10.1.2.3, private",
            "172.16.0.1, private", "192.168.1.1, private", "fc00::1, private", "169.254.1.1, link-local",
            "fe80::1, link-local", "0.0.0.0, unspecified", "100.64.0.1, carrier-grade", "::ffff:127.0.0.1, loopback",
            "64:ff9b::a00:1, private", "2002:7f00:1::, loopback", "224.0.0.1, multicast"})
    void refusesInternalAddressesByDefault(String address, String kind) throws Exception {
        assertThat(SsrfGuard.refusal(InetAddress.getByName(address), false)).hasValueSatisfying(r -> assertThat(r).contains(kind));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "192.168.0.10", "fe80::1", "::1"})
    void allowsPrivateAddressesWhenTheRegistrationAllowsThem(String address) throws Exception {
        assertThat(SsrfGuard.refusal(InetAddress.getByName(address), true)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"})
    void refusesMetadataEvenWhenPrivateNetworksAreAllowed(String address) throws Exception {
        assertThat(SsrfGuard.refusal(InetAddress.getByName(address), true)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "2606:4700::1111"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(SsrfGuard.refusal(InetAddress.getByName(address), false)).isEmpty();
    }
}
