package net.twinblock.mirror.pair;

import static net.twinblock.mirror.pair.PairHarness.data;
import static net.twinblock.mirror.pair.PairHarness.primaryConfig;
import static net.twinblock.mirror.pair.PairHarness.random;
import static net.twinblock.mirror.pair.PairHarness.read;
import static net.twinblock.mirror.pair.PairHarness.secondaryConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import net.twinblock.mirror.store.FileVolume;
import net.twinblock.mirror.store.SelectedFiles;
import net.twinblock.mirror.store.VolatileFiles;
import net.twinblock.mirror.store.VolumeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host write whose local half fails while the secondary took it (disk.on-error=continue, the
 * default: the disk stays attached). The host must hear of the failure, and the pair must stop
 * calling itself identical: the secondary may hold bytes the primary does not, so the range goes
 * on the divergence tracker and the metadata takes a new generation. Models a failing local disk
 * (every call on the primary's image file fails), not a crash.
 */
@ExtendWith(LeakGuard.class)
class LocalWriteFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;
    @Test
    void aWriteThatFailsLocallyButReachedTheSecondaryFailsAndDiverges() throws Exception {
        try (SelectedFiles selected = SelectedFiles.volatileFiles(); PairHarness h = new PairHarness(dir)) {
            VolatileFiles files = selected.files();
            FileVolume b = h.volume("b.img");
            PairNode secondary = h.start(secondaryConfig(), b, true);
            FileVolume a = h.volume("a.img");
            PairNode primary = h.start(primaryConfig(secondary.listenAddress()), a, true);
            await().atMost(WAIT).until(() -> primary.state() == PairState.IN_SYNC);
            byte[] first = random(CHUNK, 1);
            primary.volume().write(0, data(first), false).get(30, TimeUnit.SECONDS);
            UUID before = primary.metadata().generations().current();

            files.powerCut(dir.resolve("a.img")); // from now on every call on the primary's image fails
            byte[] second = random(CHUNK, 2);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> primary.volume().write(CHUNK, data(second), false).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof VolumeException, e.toString());

            assertArrayEquals(second, read(b, CHUNK, CHUNK), "the secondary took the write");
            await("a new generation: the copies are not identical").atMost(WAIT)
                    .until(() -> !before.equals(primary.metadata().generations().current()));
            assertFalse(primary.metadata().clean());
        }
    }
}
