package net.twinblock.iscsi.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.twinblock.iscsi.lun.StorageException;
import org.junit.jupiter.api.Test;

/** A node refusing every command the same way logs it once, then a count, not a line per command. */
class FailureLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final FailureLog log = new FailureLog(new Recorder(lines), now::get);

    @Test
    void aRepeatedFailureIsLoggedOnceThenSummedUpWhenItChanges() {
        StorageException notInSync = new StorageException(StorageException.Kind.NOT_READY_RETRYABLE, "not in sync");
        for (int i = 0; i < 10_000; i++) {
            log.failed(ScsiOpcode.READ_16, notInSync);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("not in sync"), lines.toString());
        log.failed(ScsiOpcode.WRITE_16, new StorageException(StorageException.Kind.MEDIUM_ERROR, "disk"));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(1).contains("9999 more time(s)"), lines.toString());
        assertTrue(lines.get(2).contains("disk"), lines.toString());
    }

    @Test
    void aLastingFailureIsSummedUpOnceAMinute() {
        StorageException gone = new StorageException(StorageException.Kind.NOT_READY_RETRYABLE, "no primary");
        log.failed(ScsiOpcode.READ_16, gone);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(FailureLog.SUMMARY_NANOS / 50);
            log.failed(ScsiOpcode.READ_16, gone);
        }
        // the first line, then one summary per minute: 100 commands over two minutes
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("still failing") && lines.get(1).contains("50 command(s)"), lines.toString());
    }

    /** A System.Logger that keeps what it is given. */
    private record Recorder(List<String> lines) implements System.Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }
}
