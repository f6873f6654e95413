package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data generations as the pair uses them: kept in the pair metadata, a new one on the first write
 * without the partner, and the handshake's verdict (split brain and a newer secondary refused).
 */
class GenerationsTest {

    private static final PeerIdentity PRIMARY = new PeerIdentity("a", "vol", 1 << 20, 512, 1, PeerIdentity.FLAG_PAIRED);
    private static final PeerIdentity SECONDARY = new PeerIdentity("b", "vol", 1 << 20, 512, 1,
            PeerIdentity.FLAG_PAIRED | PeerIdentity.FLAG_CLEAN);

    @TempDir
    Path dir;
    private final ExecutorService io = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    @Test
    void theHistoryIsDurableInTheMetadataAndABitmapNeverOutlivesItsProcess() throws Exception {
        Path file = dir.resolve("lun0.img.meta");
        PairMetadata meta = PairMetadata.open(file, true, io);
        assertTrue(meta.get().generations().isNone());
        meta.update(m -> m.withGenerations(m.generations().firstGeneration())).join();
        meta.update(PairMetadata.Meta::diverged).join();
        GenerationHistory h = meta.get().generations();
        assertTrue(h.bitmapInMemory());
        assertFalse(meta.get().clean());

        GenerationHistory reloaded = PairMetadata.open(file, false, io).get().generations();
        assertEquals(h.withoutBitmapInMemory(), reloaded);
        assertFalse(reloaded.bitmapInMemory());
    }

    @Test
    void onlyTheFirstWriteWithoutThePartnerStartsANewGeneration() throws Exception {
        PairMetadata meta = PairMetadata.open(dir.resolve("m.meta"), true, io);
        meta.update(m -> m.withGenerations(m.generations().firstGeneration())).join();
        GenerationHistory shared = meta.get().generations();
        meta.update(PairMetadata.Meta::diverged).join();
        GenerationHistory first = meta.get().generations();
        meta.update(PairMetadata.Meta::diverged).join();
        assertNotEquals(shared.current(), first.current());
        assertEquals(shared.current(), first.bitmap(), "the outage baseline is what the partner holds");
        assertEquals(first, meta.get().generations(), "a second write of the same outage changes nothing");
    }

    @Test
    void aSplitBrainIsRefusedNamingBothGenerations() {
        GenerationHistory common = GenerationHistory.none().firstGeneration();
        GenerationHistory primary = common.newCurrent();
        GenerationHistory promoted = common.newCurrent();
        Refusal r = Refusal.check(PRIMARY, SECONDARY, primary.encode(), promoted.encode());
        assertEquals(PeerErrorCode.GENERATION_CONFLICT, r.code());
        assertTrue(r.reason().startsWith("LUN 0: split brain: both nodes took writes while apart"), r.reason());
        assertTrue(r.reason().contains(primary.current().toString()) && r.reason().contains(promoted.current().toString()),
                r.reason());
    }

    @Test
    void aSecondaryNewerThanItsPrimaryIsNeverOverwritten() {
        GenerationHistory old = GenerationHistory.none().firstGeneration();
        GenerationHistory promoted = old.newCurrent();
        Refusal r = Refusal.check(PRIMARY, SECONDARY, old.encode(), promoted.encode());
        assertEquals(PeerErrorCode.GENERATION_CONFLICT, r.code());
        assertTrue(r.reason().contains("newer data"), r.reason());
    }

    @Test
    void aPrimaryAheadOfItsSecondaryOrADiscardedSecondaryMayConnect() {
        GenerationHistory base = GenerationHistory.none().firstGeneration();
        GenerationHistory ahead = base.newCurrent();
        assertNull(Refusal.check(PRIMARY, SECONDARY, ahead.encode(), base.encode()));
        assertNull(Refusal.check(PRIMARY, SECONDARY, base.encode(), base.encode()));
        GenerationHistory loser = base.newCurrent().discard(ahead);
        assertNull(Refusal.check(PRIMARY, SECONDARY, ahead.encode(), loser.encode()));
        assertEquals(GenerationHistory.Verdict.LOCAL_NEWER_FULL, GenerationHistory.compare(ahead, loser));
    }

    @Test
    void withoutTheSecondarysHistoryThePlainGenerationNumbersDecide() {
        PeerIdentity newer = new PeerIdentity("b", "vol", 1 << 20, 512, 2, PeerIdentity.FLAG_PAIRED);
        assertEquals(PeerErrorCode.GENERATION_CONFLICT,
                Refusal.check(PRIMARY, newer, GenerationHistory.none().firstGeneration().encode(), null).code());
    }
}
