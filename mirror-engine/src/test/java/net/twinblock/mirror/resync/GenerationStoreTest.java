package net.twinblock.mirror.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationStoreTest {

    @TempDir
    Path dir;

    @Test
    void aNewNodeHoldsNoGeneration() {
        GenerationStore store = GenerationStore.open(dir.resolve("generations"));
        assertTrue(store.get().isNone());
        assertFalse(Files.exists(store.file()), "nothing written until something changes");
    }

    @Test
    void everyChangeIsOnDiskBeforeUpdateReturns() throws Exception {
        Path file = dir.resolve("node/generations");
        GenerationStore store = GenerationStore.open(file);
        GenerationHistory first = store.update(GenerationHistory::firstGeneration);
        GenerationHistory outage = store.update(h -> h.startOutage().newCurrent());
        assertEquals(first.current(), outage.bitmap());

        GenerationStore reopened = GenerationStore.open(file);
        assertEquals(outage.current(), reopened.get().current());
        assertEquals(outage.bitmap(), reopened.get().bitmap());
        assertFalse(Files.exists(dir.resolve("node/generations.tmp")));
    }

    /** The outage bitmap lives in memory only: after a restart the verdict must ask for a full scan. */
    @Test
    void aRestartedPrimaryNeedsAFullScan() throws Exception {
        Path file = dir.resolve("generations");
        GenerationStore primary = GenerationStore.open(file);
        GenerationHistory secondary = GenerationHistory.none().adopt(primary.update(GenerationHistory::firstGeneration));
        primary.update(h -> h.startOutage().newCurrent());
        assertEquals(GenerationHistory.Verdict.LOCAL_NEWER_BITMAP, GenerationHistory.compare(primary.get(), secondary));

        GenerationStore restarted = GenerationStore.open(file);
        assertFalse(restarted.get().bitmapInMemory());
        assertEquals(GenerationHistory.Verdict.LOCAL_NEWER_FULL, GenerationHistory.compare(restarted.get(), secondary));
        // Still tracking against the same baseline; a new outage after the restart does not move it.
        assertEquals(restarted.get(), restarted.update(GenerationHistory::startOutage));
    }

    @Test
    void aDamagedFileStopsTheNodeInsteadOfGuessing() throws Exception {
        Path file = dir.resolve("generations");
        GenerationStore.open(file).update(GenerationHistory::firstGeneration);
        byte[] bytes = Files.readAllBytes(file);
        bytes[10] ^= 1;
        Files.write(file, bytes);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> GenerationStore.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());

        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThrows(UncheckedIOException.class, () -> GenerationStore.open(file));
    }
}
