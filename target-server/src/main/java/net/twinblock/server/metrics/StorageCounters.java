package net.twinblock.server.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import net.twinblock.iscsi.lun.StorageException;

/**
 * What one LUN's storage did since start. LongAdders because storage threads bump them
 * concurrently and the admin endpoint reads them rarely.
 */
public final class StorageCounters {

    private final LongAdder reads = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder unmaps = new LongAdder();
    private final LongAdder bytesUnmapped = new LongAdder();
    private final Map<StorageException.Kind, LongAdder> errors = new EnumMap<>(StorageException.Kind.class);

    public StorageCounters() {
        for (StorageException.Kind k : StorageException.Kind.values()) {
            errors.put(k, new LongAdder());
        }
    }

    public void read(long bytes) {
        reads.increment();
        bytesRead.add(bytes);
    }

    public void written(long bytes) {
        writes.increment();
        bytesWritten.add(bytes);
    }

    public void flushed() {
        flushes.increment();
    }

    public void unmapped(long bytes) {
        unmaps.increment();
        bytesUnmapped.add(bytes);
    }

    public void failed(StorageException.Kind kind) {
        errors.get(kind).increment();
    }

    public long reads() {
        return reads.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long writes() {
        return writes.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long flushes() {
        return flushes.sum();
    }

    public long unmaps() {
        return unmaps.sum();
    }

    public long bytesUnmapped() {
        return bytesUnmapped.sum();
    }

    public long errors(StorageException.Kind kind) {
        return errors.get(kind).sum();
    }
}
