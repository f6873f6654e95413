package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A LUN whose image lives on a file system that fills up (a 4 MiB tmpfs under a 64 MiB sparse
 * image): the write that finds no room gets DATA PROTECT / SPACE ALLOCATION FAILED WRITE PROTECT
 * (27/07), not MEDIUM ERROR, reads of what is there go on, and /metrics counts it apart.
 * Mounting needs root (CI runs as root); elsewhere the test is skipped, saying why.
 */
class DiskFullTest {

    private static final int CHUNK = 256 * 1024;

    @Test
    void aFullFileSystemAnswersDataProtectAndReadsGoOn() throws Exception {
        Path mount = NodeProcess.newWorkDir("tmpfs");
        ToolResult mounted = ToolResult.run(Duration.ofSeconds(30),
                java.util.List.of("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()));
        Assumptions.assumeTrue(mounted.exitCode() == 0, () -> "cannot mount a tmpfs here: " + mounted.describe());
        try {
            try (NodeProcess node = NodeProcess.builder()
                    .luns("--lun.0.size=64M", "--lun.0.path=" + mount.resolve("lun0.img")).start()) {
                fillUntilFull(node);
                assertTrue(NodeMetrics.value(node, "twinblock_lun_errors_total{lun=\"0\",kind=\"space_exhausted\"}") >= 1);
                assertEquals(0, NodeMetrics.value(node, "twinblock_lun_errors_total{lun=\"0\",kind=\"medium_error\"}"));
            }
        } finally {
            ToolResult.run(Duration.ofSeconds(30), java.util.List.of("umount", mount.toString()));
        }
    }

    private static void fillUntilFull(NodeProcess node) throws IOException {
        try (IscsiConnection c = IscsiConnection.login(node.iscsiPort(), "iqn.2026-01.net.twinblock.it:filler",
                node.iqn())) {
            c.awaitUnitReady(0);
            byte[] first = new byte[CHUNK];
            Arrays.fill(first, (byte) 0x5a);
            assertTrue(c.write16(0, 0, first, 512, false).good());
            ScsiResult refused = null;
            // 4 MiB of room: the write that needs the 17th quarter-MiB cannot get it.
            for (int i = 1; i < 64 && refused == null; i++) {
                byte[] data = new byte[CHUNK];
                Arrays.fill(data, (byte) i);
                ScsiResult r = c.write16(0, (long) i * CHUNK / 512, data, 512, false);
                if (!r.good()) {
                    refused = r;
                }
            }
            assertTrue(refused != null, "the 4 MiB file system never filled");
            assertEquals(0x07, refused.senseKey(), refused::toString);
            assertEquals(0x2707, refused.ascq(), refused::toString);
            assertArrayEquals(first, c.read16(0, 0, CHUNK / 512, 512).data(), "reads go on");
            assertTrue(c.testUnitReady(0).good(), "the LU is still there");
        }
        assertTrue(Files.exists(node.dataDir()));
    }
}
