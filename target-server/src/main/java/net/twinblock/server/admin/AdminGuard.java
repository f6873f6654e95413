package net.twinblock.server.admin;

import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call the admin endpoint, checked before any route runs:
 * <ul>
 *   <li>every request must name the endpoint itself in Host (its address, localhost when it
 *       listens on loopback, or one of admin.host-names), so a web page whose name an attacker
 *       points at 127.0.0.1 (DNS rebinding) gets 403;</li>
 *   <li>a request with an Origin header must come from the endpoint's own origin, so a browser
 *       on that host cannot be made to post to it from another site (403);</li>
 *   <li>every request other than GET and HEAD must carry the admin token as a bearer header
 *       (401): /metrics and /health stay open to Prometheus and load balancers.</li>
 * </ul>
 * Host names are compared as written, never looked up: nothing here may block an event loop.
 */
public final class AdminGuard {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    private final AdminToken token;
    private final Set<String> names = new HashSet<>();
    private final SslContext tls;
    private volatile Set<InetAddress> addresses = Set.of();
    private volatile int port = -1;

    /**
     * @param token     the bearer token of POSTs
     * @param hostNames admin.host-names (lower case), may be empty
     * @param tls       the server's TLS, or null for plain HTTP
     */
    public AdminGuard(AdminToken token, List<String> hostNames, SslContext tls) {
        this.token = token;
        this.names.addAll(hostNames);
        this.tls = tls;
    }

    /** HTTPS when set. */
    public SslContext tls() {
        return tls;
    }

    /**
     * The endpoint is bound at {@code bound}: what Host and Origin may name from now on. A
     * wildcard address stands for every address of this host's interfaces.
     */
    void listeningOn(InetSocketAddress bound) {
        Set<InetAddress> own = new HashSet<>();
        InetAddress a = bound.getAddress();
        own.add(a);
        if (a.isAnyLocalAddress()) {
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    own.addAll(Collections.list(nif.getInetAddresses()));
                }
            } catch (SocketException e) {
                // Then only the names and loopback: a caller must use one of those.
                own.add(InetAddress.getLoopbackAddress());
            }
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            names.add("localhost");
        }
        addresses = Set.copyOf(own);
        port = bound.getPort();
    }

    /** Why a request may not run, or null when it may. */
    AdminReply refusal(String method, String host, String origin, String authorization) {
        if (host == null || !isOwn(host)) {
            return AdminReply.error(403, "the Host header does not name this admin endpoint",
                    Map.of("host", String.valueOf(host), "hint", "call it by its address, or list the name in"
                            + " admin.host-names"));
        }
        if (origin != null && !isOwnOrigin(origin)) {
            return AdminReply.error(403, "requests from another origin are refused", Map.of("origin", origin));
        }
        if (!method.equals("GET") && !method.equals("HEAD") && !token.accepts(authorization)) {
            return AdminReply.error(401, "this command needs the admin token",
                    Map.of("hint", "twinblock reads it from admin.token-file (default <data.dir>/admin.token),"
                            + " or pass --token-file; over HTTP send 'Authorization: Bearer TOKEN'"));
        }
        return null;
    }

    /** {@code host[:port]} as a Host header writes it. */
    private boolean isOwn(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        String hostPart;
        String portPart;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            hostPart = h.substring(0, close + 1);
            portPart = h.substring(close + 1);
        } else {
            int colon = h.lastIndexOf(':');
            hostPart = colon < 0 ? h : h.substring(0, colon);
            portPart = colon < 0 ? "" : h.substring(colon);
        }
        int defaultPort = tls != null ? 443 : 80;
        int p;
        try {
            p = portPart.isEmpty() ? defaultPort : Integer.parseInt(portPart.substring(1));
        } catch (NumberFormatException e) {
            return false;
        }
        return p == port && isOwnHost(hostPart);
    }

    private boolean isOwnHost(String host) {
        InetAddress literal = literal(host);
        return literal != null ? addresses.contains(literal) : names.contains(host);
    }

    private boolean isOwnOrigin(String origin) {
        try {
            URI u = new URI(origin.strip());
            String scheme = tls != null ? "https" : "http";
            if (!scheme.equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                return false; // "null" (sandboxed pages, file:) included
            }
            return isOwn(u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The address a literal host (1.2.3.4, [::1]) names, or null for a name; never a DNS lookup. */
    private static InetAddress literal(String host) {
        try {
            if (host.startsWith("[") && host.endsWith("]")) {
                // Brackets make the JDK parse an IPv6 literal or fail; it never resolves one.
                return IPV6.matcher(host.substring(1, host.length() - 1)).matches() ? InetAddress.getByName(host) : null;
            }
            if (IPV4.matcher(host).matches()) {
                byte[] octets = new byte[4];
                String[] parts = host.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        return null;
                    }
                    octets[i] = (byte) v;
                }
                return InetAddress.getByAddress(octets);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
