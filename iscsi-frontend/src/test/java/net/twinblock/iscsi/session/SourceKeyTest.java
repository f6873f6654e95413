package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.twinblock.iscsi.config.ConnectionLimits;
import org.junit.jupiter.api.Test;

/**
 * What a per-address limit counts: one IPv6 host owns a /64 and may connect from any address in
 * it, so IPv6 sources are keyed by their prefix; IPv4 ones, mapped or not, by their address.
 */
class SourceKeyTest {

    @Test
    void anIpv4SourceIsItsAddress() throws Exception {
        assertEquals("192.0.2.7", SourceKey.of(at("192.0.2.7"), 64));
    }

    @Test
    void anIpv4MappedIpv6SourceIsItsIpv4Address() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        // Inet6Address.getByAddress keeps the IPv6 form (InetAddress.getByAddress would turn it into IPv4).
        InetSocketAddress remote = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, null), 40000);
        assertTrue(remote.getAddress() instanceof Inet6Address, "the mapped form, as a dual-stack socket may report it");
        assertEquals("192.0.2.7", SourceKey.of(remote, 64));
    }

    @Test
    void everyAddressOfOneIpv6Slash64IsOneSource() throws Exception {
        String key = SourceKey.of(at("2001:db8:1:2::1"), 64);
        assertEquals("2001:db8:1:2:0:0:0:0/64", key);
        assertEquals(key, SourceKey.of(at("2001:db8:1:2:a1b2:c3d4:e5f6:789"), 64));
        assertNotEquals(key, SourceKey.of(at("2001:db8:1:3::1"), 64));
    }

    @Test
    void thePrefixLengthIsTheOperatorsChoice() throws Exception {
        assertEquals(SourceKey.of(at("2001:db8:1:200::1"), 56), SourceKey.of(at("2001:db8:1:2ff::9"), 56));
        assertNotEquals(SourceKey.of(at("2001:db8:1:2::1"), 128), SourceKey.of(at("2001:db8:1:2::2"), 128));
        assertEquals("2001:db8:1:2:0:0:0:1", SourceKey.of(at("2001:db8:1:2::1"), 128));
    }

    @Test
    void aLinkLocalPrefixIsOneSourcePerLink() throws Exception {
        byte[] ll = InetAddress.getByName("fe80::1").getAddress();
        byte[] other = InetAddress.getByName("fe80::2").getAddress();
        InetSocketAddress onLink1 = new InetSocketAddress(Inet6Address.getByAddress(null, ll, 1), 1);
        InetSocketAddress alsoLink1 = new InetSocketAddress(Inet6Address.getByAddress(null, other, 1), 1);
        InetSocketAddress onLink2 = new InetSocketAddress(Inet6Address.getByAddress(null, ll, 2), 1);
        assertEquals(SourceKey.of(onLink1, 64), SourceKey.of(alsoLink1, 64));
        assertNotEquals(SourceKey.of(onLink1, 64), SourceKey.of(onLink2, 64));
    }

    @Test
    void aHostRotatingItsIpv6AddressesHitsThePerAddressLimit() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(new ConnectionLimits(100, 2, 16));
        assertEquals(ConnectionLimiter.Verdict.ADMITTED, limiter.admit(limiter.sourceOf(at("2001:db8::a"))));
        assertEquals(ConnectionLimiter.Verdict.ADMITTED, limiter.admit(limiter.sourceOf(at("2001:db8::b"))));
        assertEquals(ConnectionLimiter.Verdict.TOO_MANY_FROM_ADDRESS, limiter.admit(limiter.sourceOf(at("2001:db8::c"))));
        assertEquals(ConnectionLimiter.Verdict.ADMITTED, limiter.admit(limiter.sourceOf(at("2001:db8:0:1::c"))),
                "another /64 is another host");
        limiter.release(limiter.sourceOf(at("2001:db8::a")));
        assertEquals(ConnectionLimiter.Verdict.ADMITTED, limiter.admit(limiter.sourceOf(at("2001:db8::d"))));
    }

    private static InetSocketAddress at(String literal) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), 3260);
    }
}
