package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pair of several volumes (LUNs of different sizes and block sizes) over real loopback TCP:
 * each volume is mirrored on its own connection, and a LUN configured on one node only (or with
 * another size) is refused alone, naming it, while the others mirror on.
 */
@ExtendWith(LeakGuard.class)
class MultiVolumePairTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private PairHarness h;

    @BeforeEach
    void setUp() {
        h = new PairHarness(dir);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** LUN n of node {@code side}: 8, 16, 24 MiB; LUN 1 with 4 KiB blocks. */
    private Map<Integer, FileVolume> volumes(String side, int... luns) {
        Map<Integer, FileVolume> m = new LinkedHashMap<>();
        for (int n : luns) {
            m.put(n, h.volume(side + n + ".img", (n + 1) * 8L << 20, n == 1 ? 4096 : 512));
        }
        return m;
    }

    private static boolean inSync(PairNode node, int lun) {
        return node.volume(lun).status().state() == PairState.IN_SYNC;
    }

    @Test
    void everyVolumeIsMirroredOnItsOwnAndWritesReachBothFilesByteIdentical() throws Exception {
        Map<Integer, FileVolume> b = volumes("b", 0, 1, 2);
        Map<Integer, FileVolume> a = volumes("a", 0, 1, 2);
        PairNode secondary = h.start(secondaryConfig(), b, true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, true);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC && secondary.state() == PairState.IN_SYNC);
        assertEquals(List.of(0, 1, 2), primary.volumeNumbers());

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int lun = 0; lun < 3; lun++) {
            PairVolume v = primary.volume(lun);
            int block = a.get(lun).blockSize();
            for (int i = 0; i < 16; i++) {
                int length = block * (1 + (i * 7) % 40); // both framings
                writes.add(v.volume().write((long) i * 256 * 1024, data(random(length, lun * 100 + i)), i % 4 == 0));
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int lun = 0; lun < 3; lun++) {
            assertEquals(16, secondary.volume(lun).metrics().get("mirror.received_applied"), "LUN " + lun);
            assertEquals(16, primary.volume(lun).metrics().get("mirror.writes_mirrored"), "LUN " + lun);
        }
        String id0 = primary.volume(0).metadata().volumeId();
        assertNotEquals(id0, primary.volume(1).metadata().volumeId(), "each volume has its own id");
        primary.close();
        secondary.close();
        for (int lun = 0; lun < 3; lun++) {
            assertArrayEquals(PairHarness.file(a.get(lun).file()), PairHarness.file(b.get(lun).file()), "LUN " + lun);
            assertEquals(primary.volume(lun).metadata().volumeId(), secondary.volume(lun).metadata().volumeId());
        }
    }

    @Test
    void aLunOnOneNodeOnlyIsRefusedNamingItWhileTheOthersMirror() throws Exception {
        PairNode secondary = h.start(secondaryConfig(), volumes("b", 0, 1, 3), true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), volumes("a", 0, 1, 2), true);
        await().atMost(WAIT).until(() -> inSync(primary, 0) && inSync(primary, 1) && inSync(secondary, 1));
        await().atMost(WAIT).until(() -> primary.volume(2).refusal() != null && secondary.volume(3).refusal() != null);
        String onPrimary = primary.volume(2).refusal();
        assertTrue(onPrimary.contains("LUN 2") && onPrimary.contains("not configured on this node"), onPrimary);
        String onSecondary = secondary.volume(3).refusal();
        assertTrue(onSecondary.contains("LUN 3") && onSecondary.contains("not on the primary"), onSecondary);
        assertNull(primary.volume(0).refusal());
        assertEquals(PairState.CONNECTING, secondary.volume(3).status().state());
        assertTrue(primary.volume(2).status().peer() == null, "LUN 2 has no link");

        // The refused LUN does not hold up the others' writes.
        primary.volume(0).volume().write(0, data(random(4096, 1)), true).get(10, TimeUnit.SECONDS);
        assertEquals(1, secondary.volume(0).metrics().get("mirror.received_applied"));
    }

    /** A volume number given twice is refused before any volume opens its metadata or starts threads. */
    @Test
    void aVolumeNumberGivenTwiceIsRefusedBeforeAnythingOpens() {
        FileVolume a = h.volume("twice-a.img", 8L << 20, 512); // names no other test's threads carry
        FileVolume b = h.volume("twice-b.img", 8L << 20, 512);
        List<PairNode.VolumeSetup> twice = List.of(new PairNode.VolumeSetup(0, a, PairOptions.defaults()),
                new PairNode.VolumeSetup(0, b, PairOptions.defaults()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairNode.start(
                secondaryConfig(), twice, h.group, NioServerSocketChannel.class, NioSocketChannel.class));
        assertEquals("volume 0 given twice", e.getMessage());
        assertTrue(java.nio.file.Files.notExists(PairMetadata.fileFor(a.file())), "no metadata opened");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("twice-a.img")),
                "no thread of the first volume left running");
    }

    @Test
    void aLunWhoseSizeDiffersIsRefusedNamingIt() {
        Map<Integer, FileVolume> b = new LinkedHashMap<>();
        b.put(0, h.volume("b0.img", 8L << 20, 512));
        b.put(1, h.volume("b1.img", 32L << 20, 4096));
        PairNode secondary = h.start(secondaryConfig(), b, true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), volumes("a", 0, 1), true);
        await().atMost(WAIT).until(() -> inSync(primary, 0) && primary.volume(1).refusal() != null);
        String why = primary.volume(1).refusal();
        assertTrue(why.startsWith("LUN 1: volume sizes differ"), why);
    }

    @Test
    void promotionTurnsEveryVolumeAtOnceWithANewGenerationEach() throws Exception {
        PairNode secondary = h.start(secondaryConfig(), volumes("b", 0, 1, 2), true);
        PairNode primary = h.start(primaryConfig(secondary.listenAddress()), volumes("a", 0, 1, 2), true);
        await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC && secondary.state() == PairState.IN_SYNC);
        long[] before = new long[3];
        for (int lun = 0; lun < 3; lun++) {
            before[lun] = secondary.volume(lun).metadata().generation();
        }
        primary.close();
        await().atMost(WAIT).until(() -> secondary.status().peer() == null);
        secondary.promote();
        assertEquals(Role.PRIMARY, secondary.role());
        for (int lun = 0; lun < 3; lun++) {
            assertEquals(before[lun] + 1, secondary.volume(lun).metadata().generation(), "LUN " + lun);
            assertEquals(Role.PRIMARY, secondary.volume(lun).status().role());
            // Writes go on, alone (the promoted node tracks what its old primary lacks).
            secondary.volume(lun).volume().write(0, data(random(4096, lun)), false).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void resolvingOnTheLosingNodeDiscardsEveryVolumesData() {
        PairNode alone = h.start(secondaryConfig().withNodeName("beta"), volumes("b", 0, 1, 2), false);
        PairNode.Resolution r = alone.resolve("beta");
        assertTrue(r.local());
        assertEquals(List.of(0, 1, 2), List.copyOf(r.generations().keySet()));
        for (int lun = 0; lun < 3; lun++) {
            assertTrue(r.generations().get(lun).isNone(), "LUN " + lun);
            assertTrue(alone.volume(lun).metadata().generations().isNone(), "LUN " + lun + " counts for nothing now");
        }
    }
}
