package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * DESIGN section 7 with real processes and a link a test can cut: after an outage only the
 * regions written meanwhile are copied, a rejoining old primary takes only what it lacks, and
 * a split brain is refused, shown, and healed only by an administrator's choice.
 */
class ResyncTest {

    private static final int BLOCK = PairClient.BLOCK;
    private static final int REGION = 64 * 1024;
    private static final int BLOCKS_PER_REGION = REGION / BLOCK;
    /** The writer touches every 4th of the first 512 regions: at most 128 of the LUN's 1024. */
    private static final int WRITTEN_REGIONS = 128;
    private static final Duration LINK_TIMEOUT = Duration.ofSeconds(120);

    /** Two nodes whose mirror link runs through a proxy the test can cut. */
    static final class Pair implements AutoCloseable {
        final Path dir = NodeProcess.newWorkDir("resync");
        final Path key = dir.resolve("pair.key");
        final int linkPort = NodeProcess.freePort();
        /** Where the first primary listens once it rejoins as a secondary (the promoted node connects there). */
        final int rejoinPort = NodeProcess.freePort();
        final LinkProxy proxy;
        final String[] extra;
        NodeProcess primary;
        NodeProcess secondary;

        /** {@code extra} args go to both nodes, e.g. "--scrub.repair=true". */
        Pair(String... extra) throws IOException {
            this.extra = extra;
            Files.writeString(key, "resync test pair key " + System.nanoTime() + "\n", StandardCharsets.UTF_8);
            proxy = LinkProxy.start(linkPort);
            secondary = node("secondary", "--mirror.role=secondary", "--mirror.listen=127.0.0.1:" + linkPort,
                    "--mirror.peer=127.0.0.1:" + rejoinPort, "--iscsi.port-group=2");
            primary = node("primary", "--mirror.role=primary", "--mirror.peer=127.0.0.1:" + proxy.port(),
                    "--mirror.listen=127.0.0.1:" + rejoinPort, "--iscsi.port-group=1");
            awaitInSync(primary, secondary);
        }

        NodeProcess node(String name, String... args) {
            // Named after their data dirs: on one machine the default (host name) would not tell them apart.
            NodeProcess.Builder b = NodeProcess.builder().iqn(PairProcesses.PAIR_IQN).dataDir(dir.resolve(name))
                    .arg("--node.name=" + name).arg("--mirror.secret-file=" + key).arg("--mirror.on-peer-loss=continue")
                    .arg("--mirror.heartbeat=500ms");
            for (String a : args) {
                b.arg(a);
            }
            for (String a : extra) {
                if (a.startsWith("--lun.")) {
                    b.luns(a); // replaces the default 64 MiB LUN 0
                } else {
                    b.arg(a);
                }
            }
            return b.start();
        }

        /** SIGKILLs the secondary and starts it again on its data, as the secondary. */
        void killAndRestartSecondary() {
            PairProcesses.kill(secondary);
            secondary.close();
            secondary = node("secondary", "--mirror.role=secondary", "--mirror.listen=127.0.0.1:" + linkPort,
                    "--mirror.peer=127.0.0.1:" + rejoinPort, "--iscsi.port-group=2");
        }

        /** Stops the primary (SIGTERM) and starts it again on its data, as the primary. */
        void restartPrimary() {
            assertEquals(0, primary.stop());
            primary.close();
            primary = node("primary", "--mirror.role=primary", "--mirror.peer=127.0.0.1:" + proxy.port(),
                    "--mirror.listen=127.0.0.1:" + rejoinPort, "--iscsi.port-group=1");
        }

        /** Restarts the stopped first primary on its data as the secondary of the promoted node. */
        NodeProcess restartFirstPrimaryAsSecondary() {
            primary.close();
            primary = node("primary", "--mirror.role=secondary", "--mirror.listen=127.0.0.1:" + rejoinPort,
                    "--iscsi.port-group=1");
            return primary;
        }

        @Override
        public void close() throws IOException {
            try {
                if (primary != null) {
                    primary.close();
                }
            } finally {
                try {
                    secondary.close();
                } finally {
                    proxy.close();
                }
            }
        }
    }

    static void awaitInSync(NodeProcess a, NodeProcess b) {
        try {
            await("pair in sync").atMost(LINK_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> "in_sync".equals(PairProcesses.mirrorState(a))
                            && "in_sync".equals(PairProcesses.mirrorState(b)));
        } catch (RuntimeException | Error e) {
            throw new AssertionError("not in sync within " + LINK_TIMEOUT + "\nlog a:\n" + a.logTail(30)
                    + "\nlog b:\n" + b.logTail(30), e);
        }
    }

    /**
     * Reads from a secondary, which serves reads only while linked and in sync: a read that meets
     * a link blip (NOT READY, retryable, as multipath would retry it) is retried once the pair is
     * in sync again.
     */
    static byte[] readInSync(NodeProcess secondary, NodeProcess primary, long lba, int length) {
        java.util.concurrent.atomic.AtomicReference<byte[]> out = new java.util.concurrent.atomic.AtomicReference<>();
        await("read " + length + " bytes at LBA " + lba).atMost(LINK_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                    awaitInSync(primary, secondary);
                    try (PairClient reader = PairClient.login(secondary, "iqn.2026-01.net.twinblock.it:in-sync-reader")) {
                        out.set(reader.read(lba, length));
                    }
                    return true;
                });
        return out.get();
    }

    static long metric(NodeProcess node, String name) {
        return PairProcesses.metric(node, name).map(Double::longValue)
                .orElseThrow(() -> new AssertionError("no metric " + name + " on node " + node.pid()));
    }

    /** Writes 4 KiB at the start of every 4th region of the first 512, round and round, remembering the last. */
    private static final class Writer implements AutoCloseable {
        final Map<Long, Long> lastSeq = new ConcurrentHashMap<>();
        final AtomicLong written = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread;

        Writer(NodeProcess node) {
            thread = new Thread(() -> {
                try (PairClient host = PairClient.login(node, "iqn.2026-01.net.twinblock.it:resync-writer")) {
                    long seq = 0;
                    while (!stop.get()) {
                        seq++;
                        long lba = (seq % WRITTEN_REGIONS) * 4 * BLOCKS_PER_REGION;
                        host.write(lba, PairClient.pattern(lba, seq, 4096), false);
                        lastSeq.put(lba, seq);
                        written.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            }, "resync-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void awaitWrites(long more) {
            long target = written.get() + more;
            await("writer progress").atMost(Duration.ofSeconds(60))
                    .until(() -> written.get() >= target || failure.get() != null);
            if (failure.get() != null) {
                throw new AssertionError("the writer failed", failure.get());
            }
        }

        /** Every write the host got GOOD for reads back from the secondary {@code node}. */
        void verifyInSync(NodeProcess node, NodeProcess primary) {
            for (Map.Entry<Long, Long> e : lastSeq.entrySet()) {
                assertArrayEquals(PairClient.pattern(e.getKey(), e.getValue(), 4096),
                        readInSync(node, primary, e.getKey(), 4096), "acknowledged write #" + e.getValue());
            }
        }

        /** Every write the host got GOOD for reads back from {@code node}. */
        void verify(NodeProcess node) throws IOException {
            try (PairClient host = PairClient.login(node, "iqn.2026-01.net.twinblock.it:resync-reader")) {
                for (Map.Entry<Long, Long> e : lastSeq.entrySet()) {
                    assertArrayEquals(PairClient.pattern(e.getKey(), e.getValue(), 4096), host.read(e.getKey(), 4096),
                            "acknowledged write #" + e.getValue() + " at LBA " + e.getKey());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(Duration.ofSeconds(30).toMillis());
            if (failure.get() != null) {
                throw new AssertionError("the writer failed", failure.get());
            }
        }
    }

    private static void assertSameImages(Path a, Path b) throws IOException {
        assertEquals(-1L, Files.mismatch(a, b), "the two nodes' volumes differ");
    }

    @Test
    void afterALinkOutageOnlyTheMarkedRegionsAreCopiedWhileWritesGoOn() throws Exception {
        Path primaryImage;
        Path secondaryImage;
        try (Pair pair = new Pair()) {
            Writer writer = new Writer(pair.primary);
            try {
                writer.awaitWrites(200);
                pair.proxy.cut();
                await("primary degraded").atMost(Duration.ofSeconds(30))
                        .until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
                writer.awaitWrites(500);
                assertTrue(metric(pair.primary, "twinblock_resync_regions_marked") > 0, "nothing marked");
                pair.proxy.restore();
                // Writes keep coming while the marked regions are copied.
                awaitInSync(pair.primary, pair.secondary);
                writer.awaitWrites(200);
            } finally {
                writer.close();
            }
            long marked = metric(pair.primary, "twinblock_resync_last_regions_marked");
            long copied = metric(pair.primary, "twinblock_resync_copied_bytes_total");
            System.out.println("bitmap resync: " + marked + " regions marked, " + copied + " bytes copied");
            assertTrue(marked > 0 && marked <= WRITTEN_REGIONS, marked + " regions marked");
            assertEquals(marked * REGION, copied, "bytes copied must be the marked regions, no more");
            assertEquals(0, metric(pair.primary, "twinblock_mirror_full_copies_total"), "a full copy ran");
            assertEquals(1, metric(pair.primary, "twinblock_resync_bitmap_resyncs_total"));
            writer.verify(pair.primary);
            primaryImage = PairProcesses.image(pair.primary);
            secondaryImage = PairProcesses.image(pair.secondary);
            assertEquals(0, pair.primary.stop());
            assertEquals(0, pair.secondary.stop());
        }
        assertSameImages(primaryImage, secondaryImage);
    }

    /**
     * A bitmap resync cut short by a lost link, both processes still running, continues from the
     * bitmap on the next link: the regions not yet copied and flushed, and no checksum scan or
     * full copy. The link is throttled so that the cut lands mid-resync.
     */
    @Test
    void anInterruptedBitmapResyncCopiesOnlyTheRemainingRegionsOnTheNextLink() throws Exception {
        try (Pair pair = new Pair("--lun.0.size=256M")) {
            long marked = outageThenAThrottledResync(pair);
            pair.proxy.cut();
            // What it flushed is counted once it has stopped (and put the rest back on the bitmap).
            await("the first resync stopped").atMost(Duration.ofSeconds(30))
                    .until(() -> metric(pair.primary, "twinblock_resync_copied_bytes_total") > 0);
            long firstCopied = metric(pair.primary, "twinblock_resync_copied_bytes_total");
            assertTrue(firstCopied > 0 && firstCopied < marked * REGION, firstCopied + " bytes copied by the first run");

            pair.proxy.throttle(0);
            pair.proxy.restore();
            awaitInSync(pair.primary, pair.secondary);
            long second = metric(pair.primary, "twinblock_resync_last_regions_marked");
            System.out.println("interrupted bitmap resync: " + marked + " regions marked, " + firstCopied / REGION
                    + " copied before the cut, " + second + " after");
            assertEquals(marked - firstCopied / REGION, second, "the second link copies what the first did not flush");
            assertEquals(marked * REGION, metric(pair.primary, "twinblock_resync_copied_bytes_total"),
                    "bytes copied over both links must be the marked regions, once");
            assertEquals(1, metric(pair.primary, "twinblock_resync_bitmap_resyncs_total"));
            assertEquals(0, metric(pair.primary, "twinblock_mirror_full_copies_total"), "a full copy ran");
            assertEquals(0, metric(pair.primary, "twinblock_resync_checksum_scanned_regions_total"), "a checksum scan ran");
            assertTrue(pair.primary.logText().contains("continuing from the bitmap"), pair.primary.logTail(30));
            stopBothAndCompare(pair);
        }
    }

    /**
     * The same cut short resync, but the secondary is killed and restarted meanwhile: it may have
     * lost what it acknowledged, so it must not continue from the bitmap alone (it gets the record
     * or checksum path as any crashed secondary), and the copies still end identical.
     */
    @Test
    void aSecondaryKilledDuringABitmapResyncDoesNotContinueFromTheBitmapAlone() throws Exception {
        try (Pair pair = new Pair("--lun.0.size=256M")) {
            outageThenAThrottledResync(pair);
            pair.killAndRestartSecondary();
            pair.proxy.throttle(0);
            awaitInSync(pair.primary, pair.secondary);
            String log = pair.primary.logText();
            assertTrue(!log.contains("continuing from the bitmap"), pair.primary.logTail(30));
            System.out.println("bitmap resync, secondary killed: the next link "
                    + (log.contains("the secondary's record adds") ? "adds its record to the bitmap" : "compares checksums"));
            stopBothAndCompare(pair);
        }
    }

    /** Stops both nodes cleanly, then their volume files must be identical. */
    private static void stopBothAndCompare(Pair pair) throws IOException {
        Path primaryImage = PairProcesses.image(pair.primary);
        Path secondaryImage = PairProcesses.image(pair.secondary);
        assertEquals(0, pair.primary.stop());
        assertEquals(0, pair.secondary.stop());
        assertSameImages(primaryImage, secondaryImage);
    }

    /**
     * Cuts the link, writes {@link #writeDuringOutage}, and restores the link throttled so that the
     * bitmap resync has flushed some regions (a flush per 16 MiB) with most still to go.
     *
     * @return the regions marked during the outage
     */
    private static long outageThenAThrottledResync(Pair pair) throws IOException {
        pair.proxy.cut();
        await("primary degraded").atMost(Duration.ofSeconds(30))
                .until(() -> "degraded".equals(PairProcesses.mirrorState(pair.primary)));
        long marked = writeDuringOutage(pair.primary);
        assertEquals(marked, metric(pair.primary, "twinblock_resync_regions_marked"));
        pair.proxy.throttle(8 << 20);
        pair.proxy.restore();
        await("first flushed regions").atMost(LINK_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> metric(pair.primary, "twinblock_resync_regions_done") >= 256);
        return marked;
    }

    /**
     * Marks 1536 of the 4096 regions of a 256 MiB LUN: runs of 16 adjacent regions (1 MiB) in
     * the first 128 MiB, every other region in the next 64 MiB.
     */
    private static long writeDuringOutage(NodeProcess primary) throws IOException {
        long regions = 0;
        try (PairClient host = PairClient.login(primary, "iqn.2026-01.net.twinblock.it:outage-writer")) {
            for (long mib = 0; mib < 128; mib += 2) {
                for (int part = 0; part < 4; part++) {
                    long lba = (mib << 20) / BLOCK + part * (256 * 1024 / BLOCK);
                    host.write(lba, PairClient.pattern(lba, mib, 256 * 1024), false);
                }
                regions += 16;
            }
            for (long region = 128 * 16; region < 192 * 16; region += 2) {
                long lba = region * BLOCKS_PER_REGION;
                host.write(lba, PairClient.pattern(lba, region, 4096), false);
                regions++;
            }
            host.synchronizeCache();
        }
        return regions;
    }

    @Test
    void aCleanlyStoppedPrimaryRejoinsTheNodePromotedMeanwhileWithOnlyTheRegionsWrittenSince() throws Exception {
        Path newPrimaryImage;
        Path rejoinedImage;
        byte[] before = PairClient.pattern(100, 1, 64 * 1024);
        byte[] after = PairClient.pattern(4000, 2, 8192);
        try (Pair pair = new Pair()) {
            try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:rejoin")) {
                host.write(100, before, true);
            }
            assertEquals(0, pair.primary.stop());
            await("secondary sees its primary gone").atMost(Duration.ofSeconds(30))
                    .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary)));
            ToolResult promoted = PairProcesses.promote(pair.secondary);
            assertEquals(0, promoted.exitCode(), promoted.describe());
            try (PairClient host = PairClient.login(pair.secondary, "iqn.2026-01.net.twinblock.it:rejoin")) {
                host.write(4000, after, true); // 16 blocks, all in one 64 KiB region
            }
            NodeProcess rejoined = pair.restartFirstPrimaryAsSecondary();
            awaitInSync(pair.secondary, rejoined);
            assertEquals(1, metric(pair.secondary, "twinblock_resync_last_regions_marked"));
            assertEquals(REGION, metric(pair.secondary, "twinblock_resync_copied_bytes_total"));
            assertEquals(0, metric(pair.secondary, "twinblock_mirror_full_copies_total"), "a full copy ran");
            assertArrayEquals(before, readInSync(rejoined, pair.secondary, 100, before.length));
            assertArrayEquals(after, readInSync(rejoined, pair.secondary, 4000, after.length));
            newPrimaryImage = PairProcesses.image(pair.secondary);
            rejoinedImage = PairProcesses.image(rejoined);
            assertEquals(0, pair.secondary.stop());
            assertEquals(0, rejoined.stop());
        }
        assertSameImages(newPrimaryImage, rejoinedImage);
    }

    @Test
    void aPrimaryKilledUnderLoadRejoinsThePromotedNodeCopyingOnlyItsRecordAndTheBitmap() throws Exception {
        Path newPrimaryImage;
        Path rejoinedImage;
        try (Pair pair = new Pair()) {
            Writer before = new Writer(pair.primary);
            try {
                before.awaitWrites(300);
                PairProcesses.kill(pair.primary); // writes in flight: maybe on its disk, never acknowledged
                before.thread.join(Duration.ofSeconds(60).toMillis());
            } finally {
                before.stop.set(true);
            }
            await("secondary sees its primary gone").atMost(Duration.ofSeconds(30))
                    .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary)));
            ToolResult promoted = PairProcesses.promote(pair.secondary);
            assertEquals(0, promoted.exitCode(), promoted.describe());
            Writer after = new Writer(pair.secondary);
            try {
                after.awaitWrites(300);
                NodeProcess rejoined = pair.restartFirstPrimaryAsSecondary();
                awaitInSync(pair.secondary, rejoined);
                after.awaitWrites(100);
            } finally {
                after.close();
            }
            NodeProcess rejoined = pair.primary;
            long marked = metric(pair.secondary, "twinblock_resync_last_regions_marked");
            System.out.println("rejoin after failover: " + marked + " regions copied (bitmap plus the record's extents)");
            assertEquals(0, metric(pair.secondary, "twinblock_mirror_full_copies_total"), "a full copy ran");
            assertEquals(0, metric(pair.secondary, "twinblock_resync_checksum_scanned_regions_total"), "a full scan ran");
            assertEquals(1, metric(pair.secondary, "twinblock_resync_bitmap_resyncs_total"));
            assertTrue(marked > 0 && marked < 1024, marked + " regions copied: the whole volume");
            after.verify(pair.secondary);
            after.verifyInSync(rejoined, pair.secondary);
            newPrimaryImage = PairProcesses.image(pair.secondary);
            rejoinedImage = PairProcesses.image(rejoined);
            assertEquals(0, pair.secondary.stop());
            assertEquals(0, rejoined.stop());
        }
        assertSameImages(newPrimaryImage, rejoinedImage);
    }

    /** What the split-brain tests write: the survivor's block, the loser's block at the same LBA, and one only the loser wrote. */
    private static final byte[] WINNER = PairClient.pattern(2000, 7, 4096);
    private static final byte[] LOSER = PairClient.pattern(2000, 8, 4096);
    private static final byte[] LOSER_ONLY = PairClient.pattern(6000, 9, 4096);

    /**
     * Cuts the link, promotes the secondary, lets both sides write while apart, and restarts the
     * first primary as the secondary: the pair refuses, and both nodes show it with both
     * generations. Returns the restarted first primary (node "primary"); the promoted survivor
     * is pair.secondary (node "secondary").
     */
    private static NodeProcess splitBrain(Pair pair) throws Exception {
        pair.proxy.cut();
        await("secondary sees its primary gone").atMost(Duration.ofSeconds(30))
                .until(() -> "connecting".equals(PairProcesses.mirrorState(pair.secondary)));
        ToolResult promoted = PairProcesses.promote(pair.secondary);
        assertEquals(0, promoted.exitCode(), promoted.describe());
        // Both nodes now take writes while apart.
        try (PairClient host = PairClient.login(pair.primary, "iqn.2026-01.net.twinblock.it:old-side")) {
            host.write(2000, LOSER, true);
            host.write(6000, LOSER_ONLY, true);
        }
        try (PairClient host = PairClient.login(pair.secondary, "iqn.2026-01.net.twinblock.it:new-side")) {
            host.write(2000, WINNER, true);
        }
        assertEquals(0, pair.primary.stop());
        NodeProcess old = pair.restartFirstPrimaryAsSecondary();

        await("split brain reported").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "split_brain".equals(PairProcesses.mirrorState(pair.secondary))
                        && "split_brain".equals(PairProcesses.mirrorState(old)));
        assertTrue(pair.secondary.logText().contains("split brain: both nodes took writes while apart"),
                pair.secondary.logTail(20));
        assertTrue(old.logText().contains("split brain"), old.logTail(20));
        assertEquals(1, metric(old, "twinblock_pair_split_brain"));
        assertEquals(0, metric(pair.secondary, "twinblock_mirror_full_copies_total"), "data was copied anyway");

        // Each node shows both sides: its own name and generations, and the other's as it sent them.
        String[] survivor = splitBrainSides(PairProcesses.admin(pair.secondary, "/status"));
        String[] loser = splitBrainSides(PairProcesses.admin(old, "/status"));
        assertEquals("secondary", survivor[0]);
        assertEquals("primary", survivor[2]);
        assertEquals("primary", loser[0]);
        assertEquals("secondary", loser[2]);
        assertEquals(survivor[1], loser[3], "the survivor's generations as both nodes show them");
        assertEquals(loser[1], survivor[3], "the loser's generations as both nodes show them");
        assertTrue(!survivor[1].equals(loser[1]) && survivor[1].startsWith("current "), survivor[1] + " / " + loser[1]);
        assertTrue(PairProcesses.admin(old, "/status").contains("resolve --discard NAME (NAME: primary or secondary"));
        return old;
    }

    /** {local name, local generations, peer name, peer generations} of the status' splitBrain object. */
    private static String[] splitBrainSides(String status) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"splitBrain\": \\{.*?\"local\": \\{\\s*"
                + "\"name\": \"([^\"]+)\",\\s*\"generations\": \"([^\"]+)\"\\s*},\\s*\"peer\": \\{\\s*"
                + "\"name\": \"([^\"]+)\",\\s*\"generations\": \"([^\"]+)\"", java.util.regex.Pattern.DOTALL)
                .matcher(status);
        assertTrue(m.find(), status);
        return new String[] {m.group(1), m.group(2), m.group(3), m.group(4)};
    }

    /** After resolve: a full copy from the survivor, its write on both, the loser's own write gone, identical images. */
    private static void assertHealed(Pair pair, NodeProcess old) throws IOException {
        awaitInSync(pair.secondary, old);
        assertEquals(1, metric(pair.secondary, "twinblock_mirror_full_copies_total"));
        assertEquals(0, metric(old, "twinblock_pair_split_brain"));
        assertArrayEquals(WINNER, readInSync(old, pair.secondary, 2000, 4096), "the winner's write must be on both");
        assertArrayEquals(new byte[4096], readInSync(old, pair.secondary, 6000, 4096),
                "the loser's own write must be gone");
        Path winnerImage = PairProcesses.image(pair.secondary);
        Path loserImage = PairProcesses.image(old);
        assertEquals(0, pair.secondary.stop());
        assertEquals(0, old.stop());
        assertSameImages(winnerImage, loserImage);
    }

    @Test
    void aSplitBrainIsRefusedAndShownUntilAnAdministratorDiscardsOneSide() throws Exception {
        try (Pair pair = new Pair()) {
            NodeProcess old = splitBrain(pair);
            ToolResult unknown = old.cli(Duration.ofSeconds(60), "resolve", "--discard", "gamma");
            assertEquals(2, unknown.exitCode(), unknown.describe());
            assertTrue(unknown.stderr().contains("no node of this pair is named gamma: this node is primary and its"
                    + " partner is secondary"), unknown.describe());
            assertEquals("split_brain", PairProcesses.mirrorState(old), "a wrong name changed nothing");

            // Against the loser, naming itself.
            ToolResult resolved = old.cli(Duration.ofSeconds(60), "resolve", "--discard", "primary");
            assertEquals(0, resolved.exitCode(), resolved.describe());
            assertTrue(resolved.stdout().contains("\"result\": \"discarded\""), resolved.describe());
            assertHealed(pair, old);
        }
    }

    @Test
    void aSplitBrainIsResolvedFromTheSurvivorNamingTheLoser() throws Exception {
        try (Pair pair = new Pair()) {
            NodeProcess old = splitBrain(pair);
            // Naming the primary's data as the loser is refused: it is the source of the pair.
            ToolResult backwards = old.cli(Duration.ofSeconds(60), "resolve", "--discard", "secondary");
            assertEquals(1, backwards.exitCode(), backwards.describe());
            assertTrue(backwards.stderr().contains("secondary is this node's primary")
                    && backwards.stderr().contains("Restart secondary with mirror.role = secondary"), backwards.describe());

            // Against the survivor (the primary), naming the loser: the order reaches it at its next connection.
            ToolResult resolved = pair.secondary.cli(Duration.ofSeconds(60), "resolve", "--discard", "primary");
            assertEquals(0, resolved.exitCode(), resolved.describe());
            assertTrue(resolved.stdout().contains("\"result\": \"pending\""), resolved.describe());
            assertHealed(pair, old);
            assertTrue(old.logText().contains("discarded on the order of the primary secondary"), old.logTail(20));
        }
    }

    @Test
    void resolveWithoutSayingWhichSideLosesIsAUsageError() {
        ToolResult r = NodeProcess.runJar(Duration.ofSeconds(30), "resolve", "--admin", "127.0.0.1:1");
        assertEquals(2, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("--discard NAME"), r.describe());
    }
}
