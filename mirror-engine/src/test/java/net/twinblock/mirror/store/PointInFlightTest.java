package net.twinblock.mirror.store;

import static net.twinblock.mirror.store.HeldJournalTest.BLOCK;
import static net.twinblock.mirror.store.HeldJournalTest.point;
import static net.twinblock.mirror.store.JournalTest.bytes;
import static net.twinblock.mirror.store.JournalTest.filled;
import static net.twinblock.mirror.store.JournalTest.read;
import static net.twinblock.mirror.store.JournalTest.reading;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.twinblock.mirror.LeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consistency point is applied off the journal's appending thread: while the volume takes a
 * point (its writes, its fdatasync), later writes are appended and acknowledged, reads wait for
 * what they need, the volume takes held entries in journal order, and a failed point poisons the
 * journal. The journal runs on its own threads here, the volume's calls held by the test.
 */
@ExtendWith(LeakGuard.class)
class PointInFlightTest extends JournalFixture {

    private static final long WAIT = 30;

    private final HoldingFiles holding = new HoldingFiles(files, "lun0.img");

    private Journal held(FileVolume v) {
        return Journal.open(v, Journal.MIN_MAX_SIZE, holding, null, true);
    }

    private static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT, TimeUnit.SECONDS);
    }

    /** Point 1 of one write ('a' in block 0, transfer 1), its fdatasync of the volume held. */
    private CompletableFuture<Void> pointOfBlockAHeldAtItsFdatasync(Journal j) throws Exception {
        done(j.write(1, 0, filled(BLOCK, 'a'), false));
        holding.holdNext(HoldingFiles.Call.FORCE);
        CompletableFuture<Void> p1 = j.point(point(1, new long[] {0, 1, 1}, new long[0], new byte[0]));
        holding.awaitHeld();
        return p1;
    }

    @Test
    void writesAreAcknowledgedWhileAPointWaitsForTheVolumesFdatasync() throws Exception {
        try (FileVolume v = volume(holding)) {
            Journal j = held(v);
            CompletableFuture<Void> p1 = pointOfBlockAHeldAtItsFdatasync(j);

            done(j.write(2, 0, filled(BLOCK, 'b'), false)); // the primary's acknowledgements go on
            done(j.write(3, BLOCK, filled(BLOCK, 'c'), true)); // FUA: durable in the journal
            done(j.flush());
            assertFalse(p1.isDone(), "the point waits for the volume");

            holding.release();
            done(p1);
            assertEquals(1, j.pointCounters().points());
            assertEquals(new PointRecord(1, 1), PointRecordFile.read(v.file(), StorageFiles.CHANNELS),
                    "point 1 covers entry 0 only");
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK), "the volume is point 1's image");
            assertArrayEquals(new byte[BLOCK], image(BLOCK, BLOCK), "without the writes held after it");
            assertArrayEquals(bytes(BLOCK, 'b'), read(v, 0, BLOCK), "a read sees them");
            assertArrayEquals(bytes(BLOCK, 'c'), read(v, BLOCK, BLOCK));
            j.close();
        }
    }

    @Test
    void writesAreAcknowledgedWhileThePointThreadMakesItsEntriesDurableInTheJournal() throws Exception {
        HoldingFiles segment = new HoldingFiles(files, "lun0.img.journal." + "0".repeat(20)); // the first one
        try (FileVolume v = volume(files)) {
            Journal j = Journal.open(v, Journal.MIN_MAX_SIZE, segment, null, true);
            done(j.write(1, 0, filled(BLOCK, 'a'), false)); // in the page cache only
            segment.holdNext(HoldingFiles.Call.FORCE);
            CompletableFuture<Void> p1 = j.point(point(1, new long[] {0, 1, 1}, new long[0], new byte[0]));
            segment.awaitHeld(); // the point's fdatasync of the journal, before the volume takes anything

            done(j.write(2, BLOCK, filled(BLOCK, 'b'), false)); // appended and acknowledged meanwhile
            assertFalse(p1.isDone());
            assertArrayEquals(new byte[BLOCK], image(0, BLOCK), "nothing reaches the volume before the journal holds it");

            segment.release();
            done(p1);
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK), "the volume is point 1's image");
            assertArrayEquals(new byte[BLOCK], image(BLOCK, BLOCK));
            j.close();
        }
    }

    @Test
    void readsWaitForThePointInFlightAndTheVolumeTakesLaterEntriesAfterIt() throws Exception {
        try (FileVolume v = volume(holding)) {
            Journal j = held(v);
            done(j.write(1, 0, filled(2 * BLOCK, 'a'), false));
            holding.holdNext(HoldingFiles.Call.WRITE); // the point's first write: block 0 of transfer 1
            CompletableFuture<Void> p1 = j.point(point(1, new long[] {0, 2, 1}, new long[0], new byte[0]));
            holding.awaitHeld();

            CompletableFuture<byte[]> ofThePoint = reading(v, 0, BLOCK);
            done(j.write(2, BLOCK, filled(BLOCK, 'c'), false)); // rewrites the point's block 1
            done(j.write(3, 2 * BLOCK, filled(BLOCK, 'd'), false));
            CompletableFuture<byte[]> ofALaterEntry = reading(v, 2 * BLOCK, BLOCK);
            // Neither read completes while the point is held (a journal thread that wrote the later
            // entries to the volume at once would answer the second one within this time).
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(WAIT))
                    .until(() -> !ofThePoint.isDone() && !ofALaterEntry.isDone());

            holding.release();
            assertArrayEquals(bytes(BLOCK, 'a'), done(ofThePoint));
            assertArrayEquals(bytes(BLOCK, 'd'), done(ofALaterEntry));
            done(p1);
            // Had the later entries gone to the volume while the point was held, the point's
            // block 1 would have landed over the newer write.
            assertArrayEquals(bytes(BLOCK, 'c'), read(v, BLOCK, BLOCK), "journal order on the volume");
            j.close();
            assertArrayEquals(bytes(BLOCK, 'c'), image(BLOCK, BLOCK));
        }
    }

    @Test
    void aPointArrivingWhileOneIsAppliedWaitsForItAndBothAreRecordedInOrder() throws Exception {
        try (FileVolume v = volume(holding)) {
            Journal j = held(v);
            CompletableFuture<Void> p1 = pointOfBlockAHeldAtItsFdatasync(j);
            done(j.write(2, BLOCK, filled(BLOCK, 'b'), false));
            CompletableFuture<Boolean> firstDoneBefore = j.point(point(2, new long[] {1, 1, 2}, new long[0],
                    new byte[0])).thenApply(ok -> p1.isDone());
            assertFalse(p1.isDone());
            assertFalse(firstDoneBefore.isDone(), "one point in flight at a time");

            holding.release();
            assertTrue(done(firstDoneBefore), "point 1 was recorded before point 2");
            assertEquals(new PointRecord(2, 2), PointRecordFile.read(v.file(), StorageFiles.CHANNELS));
            assertEquals(new PointCounters(2, 2, 0, 0), j.pointCounters(), "counted across both");
            assertArrayEquals(bytes(BLOCK, 'a'), image(0, BLOCK));
            assertArrayEquals(bytes(BLOCK, 'b'), image(BLOCK, BLOCK));
            j.close();
        }
    }

    @Test
    void aPointWhoseFdatasyncFailsPoisonsTheJournalAndLetsEveryHeldBufferGo() throws Exception {
        try (FileVolume v = volume(holding)) {
            Journal j = held(v);
            CompletableFuture<Void> p1 = pointOfBlockAHeldAtItsFdatasync(j);
            done(j.write(2, BLOCK, filled(BLOCK, 'b'), false)); // held after the point: released at close

            holding.fail("Input/output error");
            ExecutionException e = assertThrows(ExecutionException.class, () -> done(p1));
            assertTrue(e.getCause() instanceof VolumeException, e.toString());
            assertTrue(e.getCause().getMessage().contains("durable to record point 1"), e.getCause().getMessage());
            assertThrows(ExecutionException.class, () -> done(j.write(3, 2 * BLOCK, filled(BLOCK, 'c'), false)));
            assertThrows(ExecutionException.class, () -> done(j.flush()));
            assertThrows(ExecutionException.class,
                    () -> done(j.point(point(2, new long[] {1, 1, 2}, new long[0], new byte[0]))));
            assertThrows(ExecutionException.class, () -> read(v, BLOCK, BLOCK), "a copy not to be trusted");
            assertEquals(PointRecord.NONE, PointRecordFile.read(v.file(), StorageFiles.CHANNELS), "no point recorded");
            assertEquals(0, j.pointCounters().points());
            j.close();
        }
    }
}
