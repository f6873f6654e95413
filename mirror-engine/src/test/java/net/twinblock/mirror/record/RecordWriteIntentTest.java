package net.twinblock.mirror.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordWriteIntentTest {

    @TempDir
    Path dir;

    @Test
    void theHookAdmitsAndEndsWritesInTheRecord() {
        PersistHold hold = new PersistHold();
        try (PredictiveRecord record = PredictiveRecord.open(dir.resolve("record"),
                new RecordSettings(1 << 20, 0, 0, 16), 1L << 30, RecordReplicator.LOCAL_ONLY, () -> CompletableFuture.completedFuture(null), Runnable::run, hold)) {
            WriteIntent intent = new RecordWriteIntent(record);
            hold.hold();
            CompletableFuture<Void> before = intent.beforeWrite(3 << 20, 4096);
            assertFalse(before.isDone(), "a miss waits for the record");
            hold.release();
            assertTrue(before.isDone());
            assertTrue(record.snapshot().contains(new Extent(3)), "in flight: recorded");

            intent.afterWrite(3 << 20, 4096);
            assertFalse(record.snapshot().contains(new Extent(3)), "capacity 0: gone once written");
            assertEquals(1, record.metrics().misses());
        }
    }
}
