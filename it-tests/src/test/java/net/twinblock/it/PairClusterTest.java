package net.twinblock.it;

import static net.twinblock.it.ClusterCommands.RESERVATION_CONFLICT;
import static net.twinblock.it.ClusterCommands.assertHeldBy;
import static net.twinblock.it.ReservationTest.assertGood;
import static net.twinblock.it.ReservationTest.prout;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.RawPdu;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What cluster hosts (Pacemaker's fence_scsi, Windows failover clusters, VMware) rely on, from two
 * initiators on a real pair, one through each node: every reservation type fences as SPC-4 says
 * whichever node enforces it, PREEMPT AND ABORT through the secondary ends the preempted host's
 * commands at the primary, a LUN reset through one node is a unit attention through the other,
 * COMPARE AND WRITE racing through both nodes has one winner per round, and EXTENDED COPY between
 * the pair's two LUNs lands on both nodes, and a reservation change without the secondary is held
 * for it as a write is. One pair serves every test; the last stops it and compares the two
 * nodes' images.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PairClusterTest {

    private static final String HOST_A = "iqn.2026-01.net.twinblock.it:cluster-a";
    private static final String HOST_B = "iqn.2026-01.net.twinblock.it:cluster-b";
    private static final long KEY_A = 0xaaaa_0000_0000_000aL;
    private static final long KEY_B = 0xbbbb_0000_0000_000bL;
    private static final long KEY_CLEANUP = 0xcccc_0000_0000_000cL;
    private static final int BLOCK = 512;
    /** LUN 1 has 4 KiB blocks: a copy from LUN 0 crosses block sizes. */
    private static final int LUN1_BLOCK = 4096;
    private static final int UNIT_ATTENTION = 0x6;
    private static final int PREEMPT_AND_ABORT = 0x05;
    private static final int LOGICAL_UNIT_RESET = 5;

    /** How long the primary holds what its secondary must have (mirror.suspend-timeout), and the host waits. */
    private static final Duration HELD = Duration.ofSeconds(90);

    private PairProcesses pair;

    /** The reservation types and what SPC-4 (table 63) lets a host that does not hold one do. */
    enum Type {
        WRITE_EXCLUSIVE(0x1, true, false, true, false),
        EXCLUSIVE_ACCESS(0x3, false, false, false, false),
        WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, true, false, true, true),
        EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, false, false, true, true),
        WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, true, false, true, true),
        EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, false, false, true, true);

        final int code;
        final boolean othersRead;
        final boolean othersWrite;
        final boolean registrantsRead;
        final boolean registrantsWrite;

        Type(int code, boolean othersRead, boolean othersWrite, boolean registrantsRead, boolean registrantsWrite) {
            this.code = code;
            this.othersRead = othersRead;
            this.othersWrite = othersWrite;
            this.registrantsRead = registrantsRead;
            this.registrantsWrite = registrantsWrite;
        }

        /** An all-registrants reservation has no single holder: READ RESERVATION shows key 0. */
        long shownKey(long holderKey) {
            return this == WRITE_EXCLUSIVE_ALL_REGISTRANTS || this == EXCLUSIVE_ACCESS_ALL_REGISTRANTS ? 0 : holderKey;
        }
    }

    @BeforeAll
    void startPair() {
        // A long suspend timeout: the held reservation change must outlast a restart of the secondary on a busy machine.
        pair = PairProcesses.start("--lun.1.size=16M", "--lun.1.block-size=" + LUN1_BLOCK,
                "--mirror.suspend-timeout=" + HELD.toSeconds() + "s");
    }

    @AfterAll
    void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Whatever a test left (or failed to release): a fresh host takes a key and CLEARs everything. */
    @AfterEach
    void clearReservations() throws IOException {
        if (!pair.primary().isAlive()) {
            return;
        }
        try (IscsiConnection c = IscsiConnection.login(pair.primary().iscsiPort(), HOST_A, pair.primary().iqn())) {
            c.awaitUnitReady(0);
            assertGood(prout(c, 0x06, 0, 0, KEY_CLEANUP, 0)); // REGISTER AND IGNORE EXISTING KEY
            assertGood(prout(c, 0x03, 0, KEY_CLEANUP, 0, 0)); // CLEAR
        }
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    @Order(1)
    void aReservationThroughThePrimaryBarsAtTheSecondaryWhatItsTypeBars(Type type) throws IOException {
        try (IscsiConnection a = login(pair.primary(), HOST_A); IscsiConnection b = login(pair.secondary(), HOST_B)) {
            assertGood(prout(a, 0x00, 0, 0, KEY_A, 0)); // REGISTER
            assertGood(prout(a, 0x01, type.code, KEY_A, 0, 0)); // RESERVE
            assertHeldBy(b, type.shownKey(KEY_A), type.code); // the secondary knows it before A got GOOD

            assertAccess(b, type.othersRead, type.othersWrite, type + ", B not registered");
            assertGood(prout(b, 0x00, 0, 0, KEY_B, 0)); // REGISTER, through the secondary
            assertAccess(b, type.registrantsRead, type.registrantsWrite, type + ", B registered");
            assertGood(a.write16(0, 10, block(0xa1), BLOCK, false)); // the holder writes on
            assertGood(a.read16(0, 10, 1, BLOCK));
        }
    }

    private static void assertAccess(IscsiConnection c, boolean read, boolean write, String when) throws IOException {
        ScsiResult r = c.read16(0, 10, 1, BLOCK);
        if (read) {
            assertGood(r);
        } else {
            assertEquals(RESERVATION_CONFLICT, r.status(), when + ": READ " + r);
        }
        ScsiResult w = c.write16(0, 11, block(0xb1), BLOCK, false);
        if (write) {
            assertGood(w);
        } else {
            assertEquals(RESERVATION_CONFLICT, w.status(), when + ": WRITE " + w);
        }
    }

    @Test
    @Order(2)
    void preemptAndAbortThroughTheSecondaryEndsTheHoldersCommandsAtThePrimary() throws IOException {
        try (IscsiConnection a = login(pair.primary(), HOST_A); IscsiConnection b = login(pair.secondary(), HOST_B);
             IscsiConnection watcher = login(pair.primary(), HOST_B)) {
            assertGood(prout(a, 0x00, 0, 0, KEY_A, 0));
            assertGood(prout(a, 0x01, Type.WRITE_EXCLUSIVE.code, KEY_A, 0, 0));
            assertGood(prout(b, 0x00, 0, 0, KEY_B, 0));

            // Two writes of A outstanding at the primary: it asked for their data (R2T), A holds it back.
            List<Integer> outstanding = new ArrayList<>();
            for (long lba : new long[] {20, 21}) {
                RawPdu write = a.scsiCommand(0, rw16(0x8a, lba, 1), RawPdu.FINAL | 0x20, BLOCK, new byte[0]);
                a.send(write);
                RawPdu r2t = a.receive();
                assertEquals(RawPdu.R2T, r2t.opcode(), "the primary asks for the write's data: " + r2t);
                outstanding.add(write.itt());
            }

            assertEquals(2, inFlight(pair.primary(), a), "A's writes wait at the primary");
            assertGood(prout(b, PREEMPT_AND_ABORT, Type.EXCLUSIVE_ACCESS.code, KEY_B, KEY_A, 0));
            assertEquals(0, inFlight(pair.primary(), a), "PREEMPT AND ABORT ended A's writes before GOOD");

            assertHeldBy(b, KEY_B, Type.EXCLUSIVE_ACCESS.code);
            assertHeldBy(watcher, KEY_B, Type.EXCLUSIVE_ACCESS.code);
            assertArrayEquals(new long[] {KEY_B}, ClusterCommands.readKeys(watcher), "A's registration is gone");
            // A's next command: the unit attention, and no answer ever comes for the aborted writes
            // (the client fails on a response to another task than the one it waits for).
            ScsiResult next = a.testUnitReady(0);
            assertEquals(UNIT_ATTENTION, next.senseKey(), "A is told, its writes " + outstanding + " gone: " + next);
            assertEquals(0x2a05, next.ascq(), "REGISTRATIONS PREEMPTED: " + next);
            assertEquals(RESERVATION_CONFLICT, a.read16(0, 20, 1, BLOCK).status(), "A is fenced off (EA)");
            assertGood(b.write16(0, 20, block(0xb2), BLOCK, false)); // B writes, through the secondary
            assertArrayEquals(block(0xb2), b.read16(0, 20, 1, BLOCK).data());
        }
    }

    @Test
    @Order(3)
    void aLunResetThroughOneNodeIsAUnitAttentionThroughTheOther() throws IOException {
        for (boolean throughPrimary : new boolean[] {true, false}) {
            NodeProcess resetAt = throughPrimary ? pair.primary() : pair.secondary();
            NodeProcess other = throughPrimary ? pair.secondary() : pair.primary();
            try (IscsiConnection host = login(other, HOST_A); IscsiConnection admin = login(resetAt, HOST_B)) {
                host.awaitUnitReady(1);
                assertEquals(0, admin.taskManagement(LOGICAL_UNIT_RESET, 0), "FUNCTION COMPLETE");
                ScsiResult r = host.testUnitReady(0);
                assertEquals(UNIT_ATTENTION, r.senseKey(), "reset at " + (throughPrimary ? "primary" : "secondary")
                        + ", host at the other node: " + r);
                assertEquals(0x29, r.ascq() >>> 8, "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED family: " + r);
                assertGood(host.testUnitReady(0)); // reported once
                assertGood(host.testUnitReady(1)); // the other LU was not reset
            }
        }
    }

    @Test
    @Order(4)
    void compareAndWriteRacingThroughBothNodesHasOneWinnerPerRound() throws Exception {
        long lba = 40;
        int rounds = 60;
        try (IscsiConnection a = login(pair.primary(), HOST_A); IscsiConnection b = login(pair.secondary(), HOST_B)) {
            byte[] current = block(0);
            assertGood(a.write16(0, lba, current, BLOCK, false));
            ExecutorService racers = Executors.newFixedThreadPool(2);
            CyclicBarrier start = new CyclicBarrier(2);
            int[] wins = new int[2];
            try {
                for (int round = 0; round < rounds; round++) {
                    int offset = 7 + round * 8; // where this round's new data first differs from the old
                    byte[] expected = current;
                    byte[][] proposals = {stamped(current, offset, round, 'A'), stamped(current, offset, round, 'B')};
                    Future<ScsiResult> fromA = racers.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return ClusterCommands.compareAndWrite(a, 0, lba, expected, proposals[0]);
                    });
                    Future<ScsiResult> fromB = racers.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return ClusterCommands.compareAndWrite(b, 0, lba, expected, proposals[1]);
                    });
                    ScsiResult[] results = {fromA.get(30, TimeUnit.SECONDS), fromB.get(30, TimeUnit.SECONDS)};
                    int winner = results[0].good() ? 0 : 1;
                    assertTrue(results[winner].good(), "round " + round + ": nobody won: " + Arrays.toString(results));
                    ScsiResult loser = results[1 - winner];
                    assertEquals(0x0e, loser.senseKey(), "round " + round + ": the other gets MISCOMPARE: " + loser);
                    assertEquals(0x1d00, loser.ascq(), "MISCOMPARE DURING VERIFY OPERATION: " + loser);
                    assertEquals(offset, loser.information(), "round " + round + ": the first differing byte");
                    wins[winner]++;
                    current = proposals[winner];
                }
            } finally {
                racers.shutdownNow();
            }
            assertEquals(rounds, wins[0] + wins[1]);
            System.out.println("COMPARE AND WRITE race: through the primary " + wins[0] + " wins, through the secondary "
                    + wins[1]);
            assertArrayEquals(current, a.read16(0, lba, 1, BLOCK).data(), "the last winner's block, at the primary");
            assertArrayEquals(current, b.read16(0, lba, 1, BLOCK).data(), "the last winner's block, at the secondary");
        }
    }

    @Test
    @Order(5)
    void extendedCopyBetweenThePairsLunsLandsOnBothNodes() throws IOException {
        try (IscsiConnection a = login(pair.primary(), HOST_A); IscsiConnection b = login(pair.secondary(), HOST_B)) {
            a.awaitUnitReady(1);
            b.awaitUnitReady(1);
            byte[] lun0 = ClusterCommands.naa(a, 0);
            byte[] lun1 = ClusterCommands.naa(a, 1);
            assertArrayEquals(lun0, ClusterCommands.naa(b, 0), "one LU, one name, through either node");
            byte[] source = PairClient.pattern(2048, 17, 256 * 1024);
            assertGood(a.write16(0, 2048, source, BLOCK, false));

            // Through the primary: LUN 0 LBA 2048.. to LUN 1 LBA 64.. (512 source blocks, 64 destination blocks).
            assertGood(ClusterCommands.extendedCopy(a, 1, lun0, BLOCK, 2048, lun1, LUN1_BLOCK, 64, 512));
            assertArrayEquals(new long[] {1, 1, source.length}, ClusterCommands.copyStatus(a, 1),
                    "RECEIVE COPY RESULTS: completed, one segment, every byte");
            // Through the secondary: the same source to LUN 1 LBA 1024.., then back onto LUN 0 LBA 8192..
            assertGood(ClusterCommands.extendedCopy(b, 2, lun0, BLOCK, 2048, lun1, LUN1_BLOCK, 1024, 512));
            assertGood(ClusterCommands.extendedCopy(b, 3, lun1, LUN1_BLOCK, 1024, lun0, BLOCK, 8192, 64));
            assertArrayEquals(new long[] {1, 1, source.length}, ClusterCommands.copyStatus(b, 3));

            for (IscsiConnection c : new IscsiConnection[] {a, b}) {
                String node = c == a ? "primary" : "secondary";
                assertArrayEquals(source, c.read16(1, 64, 64, LUN1_BLOCK).data(), "copy via primary, read at " + node);
                assertArrayEquals(source, c.read16(1, 1024, 64, LUN1_BLOCK).data(), "copy via secondary, at " + node);
                assertArrayEquals(source, c.read16(0, 8192, 512, BLOCK).data(), "copy back to LUN 0, at " + node);
            }
        }
    }

    @Test
    @Order(6)
    void withoutItsSecondaryThePrimaryHoldsAReservationChangeAsAWriteUntilTheSecondaryIsBack() throws Exception {
        try (IscsiConnection a = login(pair.primary(), HOST_A)) {
            a.socket().setSoTimeout((int) HELD.toMillis());
            assertEquals(0, pair.secondary().stop());
            await("the primary sees its secondary gone").atMost(Duration.ofSeconds(30))
                    .until(() -> !"in_sync".equals(PairProcesses.mirrorState(pair.primary())));
            ExecutorService host = Executors.newSingleThreadExecutor();
            try {
                // mirror.on-peer-loss = suspend (the default): held like a write, not failed at once.
                Future<ScsiResult> register = host.submit(() -> prout(a, 0x00, 0, 0, KEY_A, 0));
                await("the REGISTER is held").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> !register.isDone());
                pair.restartSecondary();
                assertGood(register.get(HELD.toSeconds(), TimeUnit.SECONDS));
            } finally {
                host.shutdownNow();
            }
        }
        try (IscsiConnection b = login(pair.secondary(), HOST_B)) {
            assertArrayEquals(new long[] {KEY_A}, ClusterCommands.readKeys(b), "the secondary has the held change");
        }
    }

    /** Last: stops the pair cleanly and finds every LUN's two images identical, copies and races included. */
    @Test
    @Order(7)
    void afterACleanStopBothNodesHoldTheSameImages() throws IOException {
        assertEquals("in_sync", PairProcesses.mirrorState(pair.primary()));
        assertEquals(0, pair.primary().stop());
        assertEquals(0, pair.secondary().stop());
        for (int lun = 0; lun < 2; lun++) {
            Path p = pair.primary().dataDir().resolve("lun" + lun + ".img");
            Path s = pair.secondary().dataDir().resolve("lun" + lun + ".img");
            assertEquals(-1L, Files.mismatch(p, s), "LUN " + lun + ": the two nodes' images differ");
        }
    }

    /** Commands of {@code c}'s session the node has not answered, as its admin endpoint counts them. */
    private static int inFlight(NodeProcess node, IscsiConnection c) {
        String isid = HexFormat.of().formatHex(c.isid());
        for (String session : PairProcesses.admin(node, "/sessions").split("\\{")) {
            Matcher m = Pattern.compile("\"inFlight\": (\\d+)").matcher(session);
            if (session.contains("\"" + isid + "\"") && m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no session with ISID " + isid + " at node " + node.pid());
    }

    private static IscsiConnection login(NodeProcess node, String host) throws IOException {
        IscsiConnection c = IscsiConnection.login(node.iscsiPort(), host, node.iqn());
        c.awaitUnitReady(0);
        return c;
    }

    private static byte[] block(int fill) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    /** {@code old} with the round and the racer's letter written from {@code offset} on. */
    private static byte[] stamped(byte[] old, int offset, int round, char racer) {
        byte[] b = old.clone();
        b[offset] = (byte) (old[offset] + 1 + (racer == 'A' ? 0 : 1)); // differs from old, and between racers
        b[offset + 1] = (byte) round;
        b[offset + 2] = (byte) racer;
        return b;
    }

    private static byte[] rw16(int opcode, long lba, int blocks) {
        java.nio.ByteBuffer cdb = java.nio.ByteBuffer.allocate(16);
        cdb.put(0, (byte) opcode).putLong(2, lba).putInt(10, blocks);
        return cdb.array();
    }
}
