package net.twinblock.mirror.pair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairMetadataTest {

    private static final Executor SAME_THREAD = Runnable::run;

    @TempDir
    Path dir;

    @Test
    void aNewVolumeIsEmptyAndCleanAnExistingOneWithoutMetadataIsNeither() {
        PairMetadata.Meta fresh = PairMetadata.open(dir.resolve("new.img.meta"), true, SAME_THREAD).get();
        assertTrue(fresh.empty() && fresh.clean());
        assertFalse(fresh.paired());
        assertEquals(0, fresh.generation());
        PairMetadata.Meta unknown = PairMetadata.open(dir.resolve("old.img.meta"), false, SAME_THREAD).get();
        assertFalse(unknown.empty() || unknown.clean(), "data of unknown history must be copied, never trusted");
    }

    @Test
    void changesSurviveAReopen() {
        Path file = PairMetadata.fileFor(dir.resolve("v.img"));
        assertEquals(dir.resolve("v.img.meta"), file);
        PairMetadata m = PairMetadata.open(file, true, SAME_THREAD);
        m.update(x -> x.withPaired("pair-1").withGeneration(4).withWritten().withClean(false)).join();
        PairMetadata.Meta again = PairMetadata.open(file, true, SAME_THREAD).get();
        assertEquals(m.get(), again);
        assertEquals("pair-1", again.volumeId());
        assertTrue(again.paired());
        assertFalse(again.empty() || again.clean());
        assertEquals(4, again.generation());
    }

    @Test
    void aDamagedFileNamesTheMissingField() throws Exception {
        Path file = dir.resolve("v.img.meta");
        Files.writeString(file, "volume.id=x\nnode.id=n\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairMetadata.open(file, true, SAME_THREAD));
        assertTrue(e.getMessage().contains("has no generation"), e.getMessage());
    }

    @Test
    void anInconsistentCopyStaysSoAcrossAReopenWhateverThePrimaryIsCalled() {
        Path file = PairMetadata.fileFor(dir.resolve("v.img"));
        PairMetadata m = PairMetadata.open(file, true, SAME_THREAD);
        assertTrue(m.get().consistent());
        m.update(x -> x.withClean(false).withResync(new PairMetadata.Resync("be=ta: #1\\", 42))).join();
        PairMetadata.Meta again = PairMetadata.open(file, true, SAME_THREAD).get();
        assertFalse(again.consistent());
        assertEquals(new PairMetadata.Resync("be=ta: #1\\", 42), again.resync());
        m.update(x -> x.withClean(true).withResync(null)).join();
        assertTrue(PairMetadata.open(file, true, SAME_THREAD).get().consistent());
    }

    @Test
    void aDamagedProgressFigureLeavesTheCopyInconsistent() throws Exception {
        Path file = dir.resolve("v.img.meta");
        Files.writeString(file, "volume.id=x\nnode.id=n\ngeneration=1\npaired=true\nempty=false\nclean=false\n"
                + "inconsistent.from=alpha\ninconsistent.percent=lots\n");
        PairMetadata.Meta m = PairMetadata.open(file, true, SAME_THREAD).get();
        assertEquals(new PairMetadata.Resync("alpha", -1), m.resync());
    }
}
