package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.ProvisioningRun;
import net.twinblock.iscsi.lun.StorageException;

/**
 * A real {@link BlockStorage} over a heap array, completing every call on its own executor
 * thread like the file-backed one does. Records FUA writes, flushes and unmaps so tests can
 * see what reached the storage, and can be told to fail the next call.
 */
final class HeapBlockStorage implements BlockStorage {

    record WriteCall(long lba, int blocks, boolean fua) {
    }

    private final int blockSize;
    private final long blockCount;
    private final byte[] disk;
    /** Blocks written since their last unmap: like a sparse file, a new LU is all holes. */
    private final BitSet mapped = new BitSet();
    private final boolean thin;
    private final ExecutorService io;
    final List<WriteCall> writes = new ArrayList<>();
    final List<long[]> unmaps = new ArrayList<>();
    volatile int flushes;
    volatile StorageException nextFailure;

    HeapBlockStorage(int blockSize, long blockCount, boolean thin, ExecutorService io) {
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.disk = new byte[Math.toIntExact(blockSize * blockCount)];
        this.thin = thin;
        this.io = io;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public boolean thinProvisioned() {
        return thin;
    }

    private StorageException takeFailure() {
        StorageException f = nextFailure;
        nextFailure = null;
        return f;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks, ByteBufAllocator alloc) {
        check(lba, blocks);
        return CompletableFuture.supplyAsync(() -> {
            StorageException f = takeFailure();
            if (f != null) {
                throw f;
            }
            ByteBuf buf = alloc.buffer(blocks * blockSize);
            synchronized (disk) {
                buf.writeBytes(disk, (int) (lba * blockSize), blocks * blockSize);
            }
            return buf;
        }, io);
    }

    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        return CompletableFuture.runAsync(() -> {
            try {
                StorageException f = takeFailure();
                if (f != null) {
                    throw f;
                }
                if (data.readableBytes() % blockSize != 0) {
                    throw new IllegalArgumentException("not whole blocks: " + data.readableBytes());
                }
                int blocks = data.readableBytes() / blockSize;
                check(lba, blocks);
                synchronized (disk) {
                    data.getBytes(data.readerIndex(), disk, (int) (lba * blockSize), data.readableBytes());
                    mapped.set((int) lba, (int) lba + blocks);
                    writes.add(new WriteCall(lba, blocks, fua));
                }
            } finally {
                data.release(); // the contract: storage releases what it was given, also on failure
            }
        }, io);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.runAsync(() -> {
            StorageException f = takeFailure();
            if (f != null) {
                throw f;
            }
            flushes++;
        }, io);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return CompletableFuture.runAsync(() -> {
            check(lba, blocks);
            synchronized (disk) {
                Arrays.fill(disk, (int) (lba * blockSize), (int) ((lba + blocks) * blockSize), (byte) 0);
                mapped.clear((int) lba, (int) (lba + blocks));
                unmaps.add(new long[] {lba, blocks});
            }
        }, io);
    }

    @Override
    public CompletableFuture<List<ProvisioningRun>> provisioning(long lba, int maxRuns) {
        return CompletableFuture.supplyAsync(() -> {
            check(lba, 0);
            List<ProvisioningRun> runs = new ArrayList<>();
            synchronized (disk) {
                int pos = (int) lba;
                while (pos < blockCount && runs.size() < maxRuns) {
                    boolean m = mapped.get(pos);
                    int next = m ? mapped.nextClearBit(pos) : mapped.nextSetBit(pos);
                    int end = next < 0 ? (int) blockCount : (int) Math.min(next, blockCount);
                    runs.add(new ProvisioningRun(pos, end - pos, m));
                    pos = end;
                }
            }
            return runs;
        }, io);
    }

    private void check(long lba, long blocks) {
        if (lba < 0 || blocks < 0 || lba + blocks > blockCount) {
            throw new AssertionError("storage called out of range: " + lba + "+" + blocks);
        }
    }

    byte[] contents(long lba, int blocks) {
        synchronized (disk) {
            return Arrays.copyOfRange(disk, (int) (lba * blockSize), (int) ((lba + blocks) * blockSize));
        }
    }

    void fill(long lba, int blocks, byte value) {
        synchronized (disk) {
            Arrays.fill(disk, (int) (lba * blockSize), (int) ((lba + blocks) * blockSize), value);
        }
    }
}
