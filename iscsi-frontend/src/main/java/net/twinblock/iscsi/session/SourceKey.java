package net.twinblock.iscsi.session;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The source a connection is counted by (iscsi.max-connections-per-address) and a failed login
 * remembered by ({@link LoginBackoff}): an IPv4 address as it is, an IPv4-mapped IPv6 address as
 * its IPv4 address, and an IPv6 address by its first {@code iscsi.ipv6-source-prefix} bits (64 by
 * default), written {@code 2001:db8:0:1::/64}. One IPv6 host commonly owns a whole /64 (SLAAC,
 * privacy addresses) and may speak from any address in it, so a count per exact address would
 * count nothing. The price: hosts that share a /64 (one LAN segment) share one count too.
 */
public final class SourceKey {

    private static final int IPV6_BITS = 128;

    private SourceKey() {
    }

    /** The key of {@code remote}'s source, IPv6 addresses cut to {@code ipv6Prefix} bits (1..128). */
    public static String of(SocketAddress remote, int ipv6Prefix) {
        if (!(remote instanceof InetSocketAddress s) || s.getAddress() == null) {
            return String.valueOf(remote);
        }
        InetAddress a = s.getAddress();
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] bytes = a.getAddress();
        if (isIpv4Mapped(bytes)) {
            return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
        }
        String address = a.getHostAddress();
        if (ipv6Prefix >= IPV6_BITS) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(bytes, bytes.length);
        for (int bit = ipv6Prefix; bit < IPV6_BITS; bit++) {
            prefix[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return Inet6Address.getByAddress(null, prefix).getHostAddress() + "/" + ipv6Prefix + scopeOf(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** The exact host address of {@code remote}, for identities and logs. */
    public static String addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress s && s.getAddress() != null
                ? s.getAddress().getHostAddress() : String.valueOf(remote);
    }

    /** {@code ::ffff:a.b.c.d}: an IPv4 host on a dual-stack socket. */
    private static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A link-local address's "%eth0": the same prefix on another link is other hosts. */
    private static String scopeOf(String address) {
        int scope = address.indexOf('%');
        return scope < 0 ? "" : address.substring(scope);
    }
}
