package net.twinblock.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A witness and two nodes, three real processes: node a configured primary in port group 1,
 * b secondary in group 2, each listening for the other; the link from a to b runs through a
 * proxy (a cut is a reset, not silence).
 */
final class WitnessTrio implements AutoCloseable {
    final Path dir = NodeProcess.newWorkDir("trio");
    final Path key = dir.resolve("pair.key");
    final String keyText = "witness failover pair key " + System.nanoTime();
    final int aLink = NodeProcess.freePort();
    final int bLink = NodeProcess.freePort();
    final LinkProxy toB;
    final WitnessProcess witness;
    final Duration lease;
    NodeProcess a;
    NodeProcess b;

    WitnessTrio(Duration lease) throws IOException {
        this.lease = lease;
        Files.writeString(key, keyText + "\n", StandardCharsets.US_ASCII);
        witness = WitnessProcess.start(List.of(keyText), lease);
        toB = LinkProxy.start(bLink);
        b = node("b", "secondary");
        a = node("a", "primary");
    }

    /** Node a is configured primary and b secondary; each listens for the other and connects to it. */
    NodeProcess node(String name, String role) {
        boolean isA = name.equals("a");
        return NodeProcess.builder().iqn(PairProcesses.PAIR_IQN).dataDir(dir.resolve(name))
                .arg("--node.name=" + name).arg("--mirror.role=" + role)
                .arg("--mirror.listen=127.0.0.1:" + (isA ? aLink : bLink))
                .arg("--mirror.peer=127.0.0.1:" + (isA ? toB.port() : aLink))
                .arg("--iscsi.port-group=" + (isA ? 1 : 2)).arg("--mirror.secret-file=" + key)
                .arg("--mirror.witness=127.0.0.1:" + witness.port()).arg("--mirror.lease=" + lease.toMillis() + "ms")
                .arg("--mirror.heartbeat=500ms").start();
    }

    @Override
    public void close() throws IOException {
        try {
            for (NodeProcess n : new NodeProcess[] {a, b}) {
                if (n != null) {
                    n.close();
                }
            }
        } finally {
            try {
                toB.close();
            } finally {
                witness.close();
            }
        }
    }
}
