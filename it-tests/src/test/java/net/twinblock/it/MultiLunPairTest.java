package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;

/**
 * A pair of real node processes mirroring three LUNs of different sizes and block sizes, its
 * link through a proxy the test cuts (a cut is a reset, not silence). Each LUN is mirrored,
 * resynced and shown on its own; a LUN configured on one node only is refused naming it while
 * the others mirror on, and a rolling restart adds it with its initial copy.
 */
class MultiLunPairTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    /** LUN n: size and block size. LUN 1 has 4 KiB blocks. */
    private static final String[] THREE_LUNS = {"--lun.0.size=48M", "--lun.1.size=32M", "--lun.1.block-size=4096",
            "--lun.2.size=16M"};
    private static final String[] TWO_LUNS = {"--lun.0.size=48M", "--lun.1.size=32M", "--lun.1.block-size=4096"};
    private static final int REGION = 64 * 1024;

    private static int blockSize(int lun) {
        return lun == 1 ? 4096 : 512;
    }

    /** Two nodes whose LUNs are given per node, the link through a proxy. */
    static final class Pair implements AutoCloseable {
        final Path dir = NodeProcess.newWorkDir("multilun");
        final Path key = dir.resolve("pair.key");
        final int linkPort = NodeProcess.freePort();
        final int rejoinPort = NodeProcess.freePort();
        final LinkProxy proxy;
        NodeProcess primary;
        NodeProcess secondary;

        Pair(String[] primaryLuns, String[] secondaryLuns) throws IOException {
            Files.writeString(key, "multi-LUN pair key " + System.nanoTime() + "\n", StandardCharsets.UTF_8);
            proxy = LinkProxy.start(linkPort);
            secondary = startSecondary(secondaryLuns);
            primary = startPrimary(primaryLuns);
        }

        NodeProcess startSecondary(String... luns) {
            return node("secondary", luns, "--mirror.role=secondary", "--mirror.listen=127.0.0.1:" + linkPort,
                    "--mirror.peer=127.0.0.1:" + rejoinPort, "--iscsi.port-group=2");
        }

        NodeProcess startPrimary(String... luns) {
            return node("primary", luns, "--mirror.role=primary", "--mirror.peer=127.0.0.1:" + proxy.port(),
                    "--mirror.listen=127.0.0.1:" + rejoinPort, "--iscsi.port-group=1");
        }

        private NodeProcess node(String name, String[] luns, String... args) {
            NodeProcess.Builder b = NodeProcess.builder().iqn(PairProcesses.PAIR_IQN).dataDir(dir.resolve(name))
                    .arg("--node.name=" + name).arg("--mirror.secret-file=" + key).arg("--mirror.on-peer-loss=continue")
                    .arg("--mirror.heartbeat=500ms").luns(luns);
            for (String a : args) {
                b.arg(a);
            }
            return b.start();
        }

        Path image(NodeProcess node, int lun) {
            return node.dataDir().resolve("lun" + lun + ".img");
        }

        @Override
        public void close() throws IOException {
            try {
                if (primary != null) {
                    primary.close();
                }
            } finally {
                try {
                    if (secondary != null) {
                        secondary.close();
                    }
                } finally {
                    proxy.close();
                }
            }
        }
    }

    /** Each LUN's state as the node's status shows it under mirror.luns, by LUN. */
    static Map<Integer, String> lunStates(NodeProcess node) {
        Map<Integer, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"lun\": (\\d+),\\s*\"state\": \"([a-z_]+)\"")
                .matcher(PairProcesses.admin(node, "/status"));
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        return out;
    }

    /** The refusal shown for {@code lun} in the node's status, or null. */
    static String refusal(NodeProcess node, int lun) {
        Matcher m = Pattern.compile("\"lun\": " + lun + ",\\s*\"state\": \"[a-z_]+\",\\s*\"peer\": [^,]+,\\s*"
                + "\"refusal\": (null|\"([^\"]*)\")").matcher(PairProcesses.admin(node, "/status"));
        return m.find() ? m.group(2) : null;
    }

    /**
     * The secondary's volume file of {@code lun} becomes the primary's. With consistency points on
     * (the default) the secondary holds the writes since the last point in its journal, and its
     * file takes them at the next point (every cp.interval), not at the acknowledgement.
     */
    private static void awaitSameImages(Pair pair, int lun) {
        await("LUN " + lun + ": the two nodes' images the same").atMost(WAIT).until(
                () -> Files.mismatch(pair.image(pair.primary, lun), pair.image(pair.secondary, lun)) == -1L);
    }

    private static void awaitLunsInSync(Pair pair, int... luns) {
        try {
            await("LUNs in sync").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<Integer, String> p = lunStates(pair.primary);
                Map<Integer, String> s = lunStates(pair.secondary);
                for (int lun : luns) {
                    if (!"in_sync".equals(p.get(lun)) || !"in_sync".equals(s.get(lun))) {
                        return false;
                    }
                }
                return true;
            });
        } catch (RuntimeException | Error e) {
            throw new AssertionError("not in sync: primary " + lunStates(pair.primary) + ", secondary "
                    + lunStates(pair.secondary) + "\nprimary log:\n" + pair.primary.logTail(30) + "\nsecondary log:\n"
                    + pair.secondary.logTail(30), e);
        }
    }

    private static long metric(NodeProcess node, String series) {
        return NodeMetrics.value(node, series);
    }

    private static IscsiConnection login(NodeProcess node, String initiator, int... luns) throws IOException {
        IscsiConnection c = IscsiConnection.login(node.iscsiPort(), initiator, node.iqn());
        for (int lun : luns) {
            c.awaitUnitReady(lun);
        }
        return c;
    }

    /** A command that a unit attention stopped is sent again, as a host's SCSI layer does. */
    private interface Command {
        ScsiResult run() throws IOException;
    }

    private static ScsiResult pastUnitAttentions(Command command) throws IOException {
        ScsiResult r = command.run();
        for (int i = 0; i < 4 && r.senseKey() == 0x06; i++) {
            r = command.run(); // e.g. ASYMMETRIC ACCESS STATE CHANGED while the partner restarts
        }
        return r;
    }

    private static void write(IscsiConnection c, int lun, long lba, byte[] data) throws IOException {
        ScsiResult r = pastUnitAttentions(() -> c.write16(lun, lba, data, blockSize(lun), false));
        assertTrue(r.good(), "WRITE(16) LUN " + lun + " LBA " + lba + ": " + r);
    }

    private static byte[] read(IscsiConnection c, int lun, long lba, int bytes) throws IOException {
        ScsiResult r = pastUnitAttentions(() -> c.read16(lun, lba, bytes / blockSize(lun), blockSize(lun)));
        assertTrue(r.good(), "READ(16) LUN " + lun + " LBA " + lba + ": " + r);
        return r.data();
    }

    private static void sync(IscsiConnection c, int lun) throws IOException {
        ScsiResult r = c.synchronizeCache16(lun);
        assertTrue(r.good(), "SYNCHRONIZE CACHE LUN " + lun + ": " + r);
    }

    /** The LBA of the start of 64 KiB region {@code region} of a LUN. */
    private static long lba(int lun, long region) {
        return region * REGION / blockSize(lun);
    }

    @Test
    void threeLunsMirrorThroughBothNodesResyncWhatEachMissedAndAllFailOverTogether() throws Exception {
        try (Pair pair = new Pair(THREE_LUNS, THREE_LUNS)) {
            awaitLunsInSync(pair, 0, 1, 2);
            assertEquals(List.of(0, 1, 2), List.copyOf(lunStates(pair.primary).keySet()));
            // lun -> lba -> content, every write acknowledged GOOD.
            Map<Integer, Map<Long, byte[]>> acked = new LinkedHashMap<>();
            try (IscsiConnection p = login(pair.primary, "iqn.2026-01.net.twinblock.it:multilun-a", 0, 1, 2);
                 IscsiConnection s = login(pair.secondary, "iqn.2026-01.net.twinblock.it:multilun-b", 0, 1, 2)) {
                for (int lun = 0; lun < 3; lun++) {
                    Map<Long, byte[]> m = acked.computeIfAbsent(lun, k -> new LinkedHashMap<>());
                    for (int i = 0; i < 8; i++) {
                        // Through both nodes: the secondary forwards its writes to the primary.
                        long a = lba(lun, 2L * i);
                        long b = lba(lun, 2L * i + 1);
                        byte[] da = PairClient.pattern(a, lun * 100 + i, 8192);
                        byte[] db = PairClient.pattern(b, lun * 100 + i + 50, 8192);
                        write(p, lun, a, da);
                        write(s, lun, b, db);
                        m.put(a, da);
                        m.put(b, db);
                    }
                    sync(p, lun); // what the secondary acknowledged is flushed: only the outage's regions get marked
                }

                pair.proxy.cut();
                // A reset ends every LUN's connection at once.
                await("every LUN's link down").atMost(WAIT).until(() -> lunStates(pair.primary).values().stream()
                        .noneMatch("in_sync"::equals));
                for (int lun = 0; lun < 3; lun++) {
                    // LUN n misses 3(n+1) regions, each a write of its own in a region of its own.
                    for (int i = 0; i < 3 * (lun + 1); i++) {
                        long at = lba(lun, 100 + 4L * i);
                        byte[] d = PairClient.pattern(at, lun * 1000 + i, 4096);
                        write(p, lun, at, d);
                        acked.get(lun).put(at, d);
                    }
                }
                pair.proxy.restore();
                awaitLunsInSync(pair, 0, 1, 2);
            }
            for (int lun = 0; lun < 3; lun++) {
                String l = "{lun=\"" + lun + "\"}";
                assertEquals(3L * (lun + 1), metric(pair.primary, "twinblock_resync_last_regions_marked" + l),
                        "LUN " + lun + " resyncs exactly the regions it missed");
                assertEquals(0, metric(pair.primary, "twinblock_mirror_full_copies_total" + l), "LUN " + lun);
                awaitSameImages(pair, lun);
            }

            // A scrub and a checksum resync of the pair cover every LUN.
            ToolResult verify = pair.primary.cli(WAIT, "verify", "--wait");
            assertTrue(verify.stdout().contains("\"mismatchedBlocks\": 0") && verify.stdout().contains("\"lun\": 2"),
                    verify.describe());
            ToolResult resync = pair.primary.cli(WAIT, "resync", "--checksum", "--wait");
            assertTrue(resync.stdout().contains("\"blocksDiffering\": 0") && resync.stdout().contains("\"lun\": 2"),
                    resync.describe());

            // The primary dies; promotion turns every LUN; every acknowledged write reads back.
            try (IscsiConnection before = login(pair.secondary, "iqn.2026-01.net.twinblock.it:multilun-d", 0, 1, 2)) {
                PairProcesses.kill(pair.primary);
                ToolResult promoted = PairProcesses.promote(pair.secondary);
                assertEquals(0, promoted.exitCode(), promoted.describe());
                // A session from before the promotion hears of the new ALUA state on every LUN.
                for (int lun = 0; lun < 3; lun++) {
                    ScsiResult ua = before.testUnitReady(lun);
                    assertEquals(0x6, ua.senseKey(), "LUN " + lun + " UNIT ATTENTION: " + ua);
                    assertEquals(0x2a06, ua.ascq(), "LUN " + lun + " ASYMMETRIC ACCESS STATE CHANGED: " + ua);
                }
            }
            try (IscsiConnection s = login(pair.secondary, "iqn.2026-01.net.twinblock.it:multilun-c", 0, 1, 2)) {
                for (var lun : acked.entrySet()) {
                    for (var w : lun.getValue().entrySet()) {
                        assertArrayEquals(w.getValue(), read(s, lun.getKey(), w.getKey(), w.getValue().length),
                                "LUN " + lun.getKey() + " LBA " + w.getKey());
                    }
                }
            }
        }
    }

    @Test
    void aLunOnOneNodeOnlyIsRefusedNamingItAndARollingRestartAddsItWithItsInitialCopy() throws Exception {
        try (Pair pair = new Pair(TWO_LUNS, TWO_LUNS)) {
            awaitLunsInSync(pair, 0, 1);
            byte[] before;
            try (IscsiConnection p = login(pair.primary, "iqn.2026-01.net.twinblock.it:rolling-a", 0, 1)) {
                before = PairClient.pattern(7, 7, 8192);
                write(p, 1, 7, before);
                sync(p, 1);
            }

            // Step 1: the primary restarts with LUN 2 added; the secondary does not have it yet.
            assertEquals(0, pair.primary.stop());
            pair.primary.close();
            pair.primary = pair.startPrimary(THREE_LUNS);
            awaitLunsInSync(pair, 0, 1);
            await("LUN 2 refused").atMost(WAIT).until(() -> refusal(pair.primary, 2) != null);
            String why = refusal(pair.primary, 2);
            assertTrue(why.contains("LUN 2") && why.contains("not configured on this node"), why);
            assertNull(refusal(pair.primary, 0));

            // Hosts use LUN 2 on the primary (written without the secondary, mirror.on-peer-loss = continue),
            // and LUN 0 all through the secondary's restart.
            byte[] onLun2 = PairClient.pattern(11, 2, 16384);
            Map<Long, byte[]> lun0 = new ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicLong lun0Acked = new java.util.concurrent.atomic.AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            try (IscsiConnection p = login(pair.primary, "iqn.2026-01.net.twinblock.it:rolling-b", 0, 2)) {
                write(p, 2, 11, onLun2);
                Thread writer = new Thread(() -> {
                    try (IscsiConnection w = login(pair.primary, "iqn.2026-01.net.twinblock.it:rolling-w", 0)) {
                        for (long i = 0; !stop.get(); i++) {
                            long at = lba(0, i % 200);
                            byte[] d = PairClient.pattern(at, i, 4096);
                            write(w, 0, at, d);
                            lun0.put(at, d);
                            lun0Acked.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                }, "rolling-writer");
                writer.start();
                try {
                    await("writes on LUN 0").atMost(WAIT).until(() -> {
                        assertNull(failed.get(), () -> "the LUN 0 writer failed: " + failed.get());
                        return lun0Acked.get() >= 20;
                    });
                    // Step 2: the secondary restarts with LUN 2 too.
                    assertEquals(0, pair.secondary.stop());
                    pair.secondary.close();
                    pair.secondary = pair.startSecondary(THREE_LUNS);
                    awaitLunsInSync(pair, 0, 1, 2);
                    long seen = lun0Acked.get();
                    await("writes on LUN 0 go on").atMost(WAIT).until(() -> {
                        assertNull(failed.get(), () -> "the LUN 0 writer failed: " + failed.get());
                        return lun0Acked.get() > seen;
                    });
                } finally {
                    stop.set(true);
                    writer.join(WAIT.toMillis());
                }
                assertNull(failed.get(), () -> "the LUN 0 writer failed: " + failed.get());
            }
            awaitLunsInSync(pair, 0, 1, 2);
            assertEquals(0, metric(pair.primary, "twinblock_mirror_full_copies_total{lun=\"0\"}"),
                    "LUN 0 was not copied again");
            assertTrue(metric(pair.primary, "twinblock_resync_copied_bytes_total{lun=\"2\"}")
                    + metric(pair.primary, "twinblock_mirror_full_copies_total{lun=\"2\"}") > 0,
                    "LUN 2 got its initial copy");
            for (int lun = 0; lun < 3; lun++) {
                awaitSameImages(pair, lun);
            }
            try (IscsiConnection s = login(pair.secondary, "iqn.2026-01.net.twinblock.it:rolling-c", 0, 1, 2)) {
                assertArrayEquals(onLun2, read(s, 2, 11, onLun2.length), "LUN 2's data reached the secondary");
                assertArrayEquals(before, read(s, 1, 7, before.length));
                List<Long> lbas = new ArrayList<>(lun0.keySet());
                for (long at : lbas) {
                    assertArrayEquals(lun0.get(at), read(s, 0, at, 4096), "LUN 0 LBA " + at);
                }
            }
        }
    }
}
