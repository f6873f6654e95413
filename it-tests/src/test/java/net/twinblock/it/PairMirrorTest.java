package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import net.twinblock.it.client.ScsiResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Synchronous mirroring seen from outside: writes sent through either node of a real pair end up
 * byte for byte identical in both nodes' image files, and both nodes present one LU through two
 * ALUA port groups.
 */
class PairMirrorTest {

    private static final int BLOCK = PairClient.BLOCK;

    /**
     * With the mirror links on the host loops (the default) and on loops of their own, with two
     * host loops (so a host's connection and its LUN's link may be on different threads).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"links on the host loop,0,0,and the mirror links", "links on loops of their own,2,2,2 for the mirror links"})
    void writesThroughEitherNodeLeaveTwoIdenticalImages(String how, int hostLoops, int mirrorLoops, String logged)
            throws Exception {
        byte[] model = new byte[(int) PairClient.LUN_BYTES];
        Path primaryImage;
        Path secondaryImage;
        try (PairProcesses pair = PairProcesses.start("--iscsi.loops=" + hostLoops, "--mirror.loops=" + mirrorLoops)) {
            assertTrue(pair.primary().logText().contains(logged), pair.primary().logTail(20));
            Random random = new Random(7143);
            long seq = 0;
            try (PairClient host = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:mirror-host")) {
                // Small writes (one frame each on the link), large ones (several frames, R2Ts on
                // the iSCSI side), FUA or not, some overwriting earlier ones, the last block included.
                int[] sizes = {BLOCK, 8 * BLOCK, 32 * 1024, 32 * 1024 + BLOCK, 128 * 1024, 1024 * 1024};
                for (int i = 0; i < 120; i++) {
                    int length = sizes[i % sizes.length];
                    long blocks = PairClient.LUN_BYTES / BLOCK;
                    long lba = i % 10 == 9 ? blocks - length / BLOCK : random.nextLong(blocks - length / BLOCK);
                    if (i % 7 == 3 && i > 10) {
                        lba = (i - 7) % 4 * 64; // overwrite a range written before
                    }
                    byte[] data = PairClient.pattern(lba, ++seq, length);
                    host.write(lba, data, i % 5 == 0);
                    System.arraycopy(data, 0, model, (int) (lba * BLOCK), length);
                }
                host.synchronizeCache();
            }
            // A write sent to the secondary is forwarded to the primary, mirrored back, and only
            // then acknowledged: afterwards both nodes have it.
            try (PairClient other = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:second-path")) {
                for (int i = 0; i < 8; i++) {
                    long lba = 4096 + i * 300L;
                    byte[] data = PairClient.pattern(lba, ++seq, (1 + i) * 4 * BLOCK);
                    other.write(lba, data, i == 7);
                    System.arraycopy(data, 0, model, (int) (lba * BLOCK), data.length);
                }
                other.synchronizeCache();
                // Reads on the secondary are local: they see what the primary wrote.
                for (long lba : new long[] {0, 64, 4096, 4396, PairClient.LUN_BYTES / BLOCK - 2048}) {
                    int from = (int) (lba * BLOCK);
                    int length = Math.min(65536, model.length - from);
                    assertArrayEquals(Arrays.copyOfRange(model, from, from + length), other.read(lba, length),
                            "secondary read at LBA " + lba);
                }
            }
            primaryImage = PairProcesses.image(pair.primary());
            secondaryImage = PairProcesses.image(pair.secondary());
            // SIGTERM both, primary first; the images are complete once the processes exited.
            assertEquals(0, pair.primary().stop());
            assertEquals(0, pair.secondary().stop());
        }
        assertEquals(-1L, Files.mismatch(primaryImage, secondaryImage),
                "the two nodes' images differ; first differing byte shown");
        byte[] onDisk = Files.readAllBytes(primaryImage);
        int at = Arrays.mismatch(model, onDisk);
        if (at >= 0) {
            fail("the images hold something other than what was written, first at byte " + at + " (LBA "
                    + at / BLOCK + ")");
        }
    }

    @Test
    void bothNodesPresentOneLuThroughTwoAluaPortGroups() throws Exception {
        try (PairProcesses pair = PairProcesses.start();
             PairClient viaPrimary = PairClient.login(pair.primary(), "iqn.2026-01.net.twinblock.it:alua-a");
             PairClient viaSecondary = PairClient.login(pair.secondary(), "iqn.2026-01.net.twinblock.it:alua-b")) {
            // Same NAA designator: multipath sees one disk.
            assertEquals(naa(viaPrimary), naa(viaSecondary));
            // Each node lists both groups: 1 (primary) active/optimized, 2 (secondary) active/non-optimized.
            String expected = "group 1 state 0 port 1; group 2 state 1 port 2";
            assertEquals(expected, Alua.groups(viaPrimary.connection()));
            assertEquals(expected, Alua.groups(viaSecondary.connection()));
        }
    }

    /** The NAA designator from VPD 0x83, as hex. */
    private static String naa(PairClient c) throws IOException {
        ScsiResult r = c.connection().inquiry(0, true, 0x83, 255);
        assertTrue(r.good(), r.toString());
        byte[] d = r.data();
        for (int p = 4; p + 4 <= d.length; p += 4 + (d[p + 3] & 0xff)) {
            if ((d[p + 1] & 0x0f) == 0x03 && (d[p + 1] & 0x30) == 0) { // NAA, associated with the LU
                return HexFormat.of().formatHex(d, p + 4, p + 4 + (d[p + 3] & 0xff));
            }
        }
        throw new AssertionError("no NAA designator in VPD 0x83: " + HexFormat.of().formatHex(d));
    }
}
