package net.twinblock.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Separate hosts on this machine, each in its own network namespace, so that a partition is
 * silence (packets dropped, no reset), as when a cable or a switch fails. Needs root and
 * iproute2; {@link #unavailable()} says why not, for a test to skip with.
 *
 * <p>Every host is on the cluster network, a bridge in the root namespace without an address
 * (the mirror links and the witness): {@link #clusterAddress}. A host given a host link also has
 * a veth pair straight to the root namespace, where the test itself plays the iSCSI host:
 * {@link #hostAddress}. {@link #isolate} takes a host's cluster port down (it hears nothing and
 * is heard by nobody on the cluster network, while the test still reaches it); {@link #cutApart}
 * makes two cluster ports isolated bridge ports, which may not talk to each other but still to
 * every other host.
 */
final class NetnsLab implements AutoCloseable {

    private final String id = String.format("tb%04x", ThreadLocalRandom.current().nextInt(0x10000));
    private final int net = 100 + ThreadLocalRandom.current().nextInt(100);
    private final String bridge = id + "br";
    private final Map<String, Integer> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private boolean bridgeMade;

    /** Why namespaces cannot be made here (not root, no ip command, refused); null if they can. */
    static String unavailable() {
        try {
            ToolResult r = ToolResult.run(Duration.ofSeconds(10), List.of("ip", "netns", "add", "tbprobe"));
            if (r.exitCode() != 0) {
                return "cannot make a network namespace (needs root and iproute2): " + r.stderr().strip();
            }
            ToolResult.run(Duration.ofSeconds(10), List.of("ip", "netns", "del", "tbprobe"));
            return null;
        } catch (RuntimeException e) {
            return "cannot run ip: " + e.getMessage();
        }
    }

    /**
     * @param hostLinked the hosts the test talks to directly (the nodes); the others (the
     *                   witness) are only on the cluster network
     */
    NetnsLab(List<String> names, List<String> hostLinked) {
        try {
            ip("link", "add", bridge, "type", "bridge");
            bridgeMade = true;
            ip("link", "set", bridge, "up");
            int n = 0;
            for (String name : names) {
                n++;
                hosts.put(name, n);
                String ns = ns(name);
                ip("netns", "add", ns);
                namespaces.add(ns);
                ip("-n", ns, "link", "set", "lo", "up");
                // Cluster port: ns side c0, bridge side <id>c<n>.
                ip("link", "add", clusterPort(name), "type", "veth", "peer", "name", "c0", "netns", ns);
                ip("link", "set", clusterPort(name), "master", bridge);
                ip("link", "set", clusterPort(name), "up");
                ip("-n", ns, "addr", "add", clusterAddress(name) + "/24", "dev", "c0");
                ip("-n", ns, "link", "set", "c0", "up");
                if (hostLinked.contains(name)) {
                    String root = id + "h" + n;
                    ip("link", "add", root, "type", "veth", "peer", "name", "h0", "netns", ns);
                    ip("addr", "add", "10." + net + "." + (10 + n) + ".1/24", "dev", root);
                    ip("link", "set", root, "up");
                    ip("-n", ns, "addr", "add", hostAddress(name) + "/24", "dev", "h0");
                    ip("-n", ns, "link", "set", "h0", "up");
                }
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The network namespace of host {@code name}. */
    String ns(String name) {
        return id + name;
    }

    String clusterAddress(String name) {
        return "10." + net + ".1." + hosts.get(name);
    }

    /** Where the test reaches host {@code name} (its iSCSI portal). */
    String hostAddress(String name) {
        return "10." + net + "." + (10 + hosts.get(name)) + ".2";
    }

    /** Host {@code name} loses the cluster network in silence; the test still reaches it. */
    void isolate(String name) {
        ip("link", "set", clusterPort(name), "down");
    }

    void rejoin(String name) {
        ip("link", "set", clusterPort(name), "up");
    }

    /** {@code x} and {@code y} no longer hear each other (silence); each still reaches every other host. */
    void cutApart(String x, String y) {
        ip("link", "set", "dev", clusterPort(x), "type", "bridge_slave", "isolated", "on");
        ip("link", "set", "dev", clusterPort(y), "type", "bridge_slave", "isolated", "on");
    }

    void heal(String x, String y) {
        ip("link", "set", "dev", clusterPort(x), "type", "bridge_slave", "isolated", "off");
        ip("link", "set", "dev", clusterPort(y), "type", "bridge_slave", "isolated", "off");
    }

    /** The command prefix that runs a program in host {@code name}'s namespace. */
    List<String> exec(String name) {
        return List.of("ip", "netns", "exec", ns(name));
    }

    private String clusterPort(String name) {
        return id + "c" + hosts.get(name);
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        ToolResult r = ToolResult.run(Duration.ofSeconds(10), cmd);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.describe());
        }
    }

    /** Deletes the namespaces (and with them every veth end in them) and the bridge. */
    @Override
    public void close() {
        for (String ns : namespaces) {
            ToolResult.run(Duration.ofSeconds(10), List.of("ip", "netns", "del", ns));
        }
        namespaces.clear();
        if (bridgeMade) {
            ToolResult.run(Duration.ofSeconds(10), List.of("ip", "link", "del", bridge));
            bridgeMade = false;
        }
    }
}
