package net.twinblock.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * disk.on-error=detach (the default) with a real fault under a running node: {@code prlimit
 * --fsize} on the node's process, set while a host writes, makes every write past that offset of
 * its files fail with EFBIG ("File too large"), an I/O error that is no full disk. The primary
 * whose disk fails detaches it and goes on through its secondary: no write is refused, reads on
 * it answer NOT READY / ASYMMETRIC ACCESS STATE TRANSITION so multipath moves, the secondary
 * serves every acknowledged write, and status, the CLI and /metrics show disk_failed. A secondary
 * whose disk fails ends the link with DISK_FAILED and serves nothing; the primary goes on alone.
 * A node without a partner answers MEDIUM ERROR, also for reads of the detached image.
 */
class DiskFailureTest {

    private static final int BLOCK = PairClient.BLOCK;
    /** The primary's files may grow to 32 MiB once the fault is on: the LUN's upper half fails. */
    private static final long LIMIT = 32L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    @Test
    void aPrimaryWhoseDiskFailsServesThroughItsSecondary() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            NodeProcess primary = pair.primary();
            byte[] model = new byte[(int) PairClient.LUN_BYTES];
            long seq = detachUnderWrites(primary, model);
            NodeProcess secondary = pair.secondary();
            try (IscsiConnection other = IscsiConnection.login(secondary.iscsiPort(),
                    "iqn.2026-01.net.twinblock.it:disk-2", secondary.iqn())) {
                other.awaitUnitReady(0);
                // A write through the secondary is forwarded, mirrored to it alone, acknowledged.
                seq = write(other, model, 40_000, ++seq);
                assertServes(other, model);
            }
            String status = PairProcesses.admin(primary, "/status");
            assertTrue(status.contains("\"disk_failed\": true") && status.contains("\"disk_detached\": true"), status);
            assertTrue(status.contains("File too large"), "the first failure is shown: " + status);
            assertTrue(PairProcesses.admin(secondary, "/status").contains("\"disk_failed\": false"));
            assertEquals(1, NodeMetrics.value(primary, "twinblock_lun_disk_failed{lun=\"0\"}"));
            assertEquals(0, NodeMetrics.value(secondary, "twinblock_lun_disk_failed{lun=\"0\"}"));
            ToolResult human = primary.cli(Duration.ofSeconds(30), "status");
            assertTrue(human.stdout().contains("disk FAILED (detached)"), human::describe);
        }
    }

    /**
     * The detached primary's copy is never a resync's source: restarted as primary, after a crash
     * (SIGKILL) or a stop that could not flush its image (SIGTERM), it keeps the image detached,
     * links to its secondary without any copy (the secondary's copy is the current one) and goes
     * on through it, as before its restart.
     */
    @Test
    void aDetachedPrimaryRestartedAsPrimaryGoesOnThroughItsSecondary() throws Exception {
        try (PairProcesses pair = PairProcesses.start()) {
            NodeProcess primary = pair.primary();
            byte[] model = new byte[(int) PairClient.LUN_BYTES];
            long seq = detachUnderWrites(primary, model);
            PairProcesses.kill(primary);
            primary = pair.restartPrimary(); // in sync, or the test fails here
            seq = writeThroughRestarted(primary, model, seq, 50_000);
            primary.stop(); // its image cannot be flushed: not a clean stop either
            primary = pair.restartPrimary();
            seq = writeThroughRestarted(primary, model, seq, 70_000);

            NodeProcess restarted = primary;
            String status = PairProcesses.admin(restarted, "/status");
            assertTrue(status.contains("\"disk_detached\": true"), status);
            assertEquals("in_sync", PairProcesses.mirrorState(restarted));
            assertTrue(restarted.logText().contains("holds the current copy, so nothing is copied"),
                    () -> restarted.logTail(40));
            assertFalse(restarted.logText().contains("crash resync"), () -> restarted.logTail(40));
            NodeProcess secondary = pair.secondary();
            try (IscsiConnection other = IscsiConnection.login(secondary.iscsiPort(),
                    "iqn.2026-01.net.twinblock.it:disk-2", secondary.iqn())) {
                other.awaitUnitReady(0);
                assertServes(other, model);
            }
        }
    }

    /** Writes through a restarted detached primary: acknowledged; its reads still send hosts elsewhere. */
    private static long writeThroughRestarted(NodeProcess primary, byte[] model, long seq, long lba) throws IOException {
        long s = seq;
        try (IscsiConnection host = login(primary)) {
            for (int i = 0; i < 4; i++) {
                s = write(host, model, lba + i * 2L * CHUNK / BLOCK, ++s);
            }
            assertServesThroughItsSecondary(host);
        }
        return s;
    }

    /**
     * Writes through the primary, then its disk fails under the writer, who goes on: into the
     * failing half (the first write there detaches the disk and is sent again to the secondary
     * alone), then anywhere, FUA or not. Every write is acknowledged.
     */
    private static long detachUnderWrites(NodeProcess primary, byte[] model) throws IOException {
        try (IscsiConnection host = login(primary)) {
            host.awaitUnitReady(0);
            long seq = 0;
            for (int i = 0; i < 8; i++) {
                seq = write(host, model, (long) i * 2 * CHUNK / BLOCK, ++seq);
            }
            limitFileSize(primary);
            seq = writeAcrossTheLimit(host, model, seq);
            assertServesThroughItsSecondary(host);
            return seq;
        }
    }

    /** A detached primary's flush goes to its secondary; its reads send the host elsewhere (multipath moves). */
    private static void assertServesThroughItsSecondary(IscsiConnection host) throws IOException {
        assertTrue(untilSettled(() -> host.synchronizeCache16(0)).good(), "a flush goes to the secondary");
        ScsiResult read = untilSettled(() -> host.read16(0, 0, CHUNK / BLOCK, BLOCK));
        assertEquals(0x02, read.senseKey(), () -> "a read on the detached primary: " + read);
        assertEquals(0x040a, read.ascq(), () -> "ALUA transition, so multipath moves: " + read);
    }

    private static IscsiConnection login(NodeProcess node) throws IOException {
        return IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:disk", node.iqn());
    }

    @Test
    void aSecondaryWhoseDiskFailsLeavesThePairAndSaysWhy() throws Exception {
        try (PairProcesses pair = PairProcesses.start("--mirror.on-peer-loss=continue")) {
            NodeProcess primary = pair.primary();
            NodeProcess secondary = pair.secondary();
            byte[] model = new byte[(int) PairClient.LUN_BYTES];
            long seq = 0;
            try (IscsiConnection host = login(primary)) {
                host.awaitUnitReady(0);
                seq = write(host, model, 0, ++seq);
                limitFileSize(secondary);
                // The secondary journals each write, then fails to apply those in the upper half: it
                // detaches, ends the link, and the primary goes on alone (on-peer-loss continue).
                seq = writeAcrossTheLimit(host, model, seq);
                await().atMost(Duration.ofSeconds(30)).until(() -> PairProcesses.admin(secondary, "/status")
                        .contains("\"disk_detached\": true"));
                for (int i = 0; i < 4; i++) {
                    seq = write(host, model, 60_000 + i * 256L, ++seq);
                }
                assertTrue(untilSettled(() -> host.synchronizeCache16(0)).good());
                assertServes(host, model);
            }
            try (IscsiConnection other = IscsiConnection.login(secondary.iscsiPort(),
                    "iqn.2026-01.net.twinblock.it:disk-2", secondary.iqn())) {
                ScsiResult read = untilSettled(() -> other.read16(0, 0, CHUNK / BLOCK, BLOCK));
                assertEquals(0x02, read.senseKey(), () -> "the detached secondary serves nothing: " + read);
            }
            assertEquals(1, NodeMetrics.value(secondary, "twinblock_lun_disk_failed{lun=\"0\"}"));
            assertTrue(NodeMetrics.value(secondary, "twinblock_mirror_failures_reported_total{lun=\"0\"}") >= 1);
            assertTrue(secondary.logText().contains("detached after a disk failure: ending the mirror link with DISK_FAILED"),
                    () -> secondary.logTail(40));
            await().atMost(Duration.ofSeconds(30)).until(() -> PairProcesses.admin(primary, "/status")
                    .contains("the secondary's copy is detached after a disk failure"));
        }
    }

    @Test
    void aNodeWithoutAPartnerAnswersMediumErrorOnceItsDiskFailed() throws Exception {
        try (NodeProcess node = NodeProcess.builder().luns("--lun.0.size=64M").start();
                IscsiConnection host = login(node)) {
            host.awaitUnitReady(0);
            byte[] model = new byte[(int) PairClient.LUN_BYTES];
            write(host, model, 0, 1);
            limitFileSize(node);
            ScsiResult failed = host.write16(0, LIMIT / BLOCK, new byte[CHUNK], BLOCK, false);
            assertEquals(0x03, failed.senseKey(), () -> "the write the disk failed: " + failed);
            ScsiResult read = host.read16(0, 0, CHUNK / BLOCK, BLOCK);
            assertEquals(0x03, read.senseKey(), () -> "the detached image is not read again: " + read);
            assertTrue(PairProcesses.admin(node, "/status").contains("\"disk_detached\": true"));
            assertEquals(1, NodeMetrics.value(node, "twinblock_lun_disk_failed{lun=\"0\"}"));
            assertTrue(NodeMetrics.value(node, "twinblock_lun_errors_total{lun=\"0\",kind=\"medium_error\"}") >= 2);
        }
    }

    /** From now on the node's writes past {@link #LIMIT} of any file fail with EFBIG. */
    private static void limitFileSize(NodeProcess node) {
        ToolResult limited = ToolResult.run(Duration.ofSeconds(10), List.of("prlimit", "--pid",
                Long.toString(node.pid()), "--fsize=" + LIMIT));
        Assumptions.assumeTrue(limited.exitCode() == 0, () -> "prlimit unavailable: " + limited.describe());
    }

    /** 24 writes, every other one past {@link #LIMIT}; each must be acknowledged GOOD. */
    private static long writeAcrossTheLimit(IscsiConnection host, byte[] model, long seq) throws IOException {
        long s = seq;
        for (int i = 0; i < 24; i++) {
            long lba = (i % 2 == 0 ? LIMIT + (long) i * CHUNK : (long) i * 3 * CHUNK) / BLOCK;
            s = write(host, model, lba, ++s);
        }
        return s;
    }

    /** Reads the whole LUN through {@code c}: every acknowledged write is there. */
    private static void assertServes(IscsiConnection c, byte[] model) throws IOException {
        for (long at = 0; at < model.length; at += 16 * CHUNK) {
            int lba = (int) (at / BLOCK);
            ScsiResult r = untilSettled(() -> c.read16(0, lba, 16 * CHUNK / BLOCK, BLOCK));
            assertArrayEquals(java.util.Arrays.copyOfRange(model, (int) at, (int) at + 16 * CHUNK), r.data(),
                    "every acknowledged write is served, at byte " + at);
        }
    }

    /** Writes a 64 KiB pattern at {@code lba}; it must be acknowledged GOOD. */
    private static long write(IscsiConnection c, byte[] model, long lba, long seq) throws IOException {
        byte[] data = PairClient.pattern(lba, seq, CHUNK);
        ScsiResult r = untilSettled(() -> c.write16(0, lba, data, BLOCK, seq % 3 == 0));
        assertTrue(r.good(), () -> "write at LBA " + lba + ": " + r);
        System.arraycopy(data, 0, model, (int) (lba * BLOCK), CHUNK);
        return seq;
    }

    private interface Command {
        ScsiResult run() throws IOException;
    }

    /** Past unit attentions (role and ALUA changes raise them): the command's own answer. */
    private static ScsiResult untilSettled(Command command) throws IOException {
        ScsiResult r = command.run();
        for (int i = 0; i < 5 && !r.good() && r.senseKey() == 0x06; i++) {
            r = command.run();
        }
        return r;
    }
}
