package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.twinblock.iscsi.lun.BlockStorage;

/** A disk in a byte array whose I/O completes on its own thread, as real storage does. */
final class MemoryStorage implements BlockStorage, AutoCloseable {

    private final int blockSize;
    private final byte[] disk;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "memory-storage");
        t.setDaemon(true);
        return t;
    });

    MemoryStorage(int blockSize, int blocks) {
        this.blockSize = blockSize;
        this.disk = new byte[blockSize * blocks];
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return disk.length / blockSize;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long lba, int blocks, ByteBufAllocator alloc) {
        return CompletableFuture.supplyAsync(() -> {
            ByteBuf out = alloc.buffer(blocks * blockSize);
            synchronized (disk) {
                out.writeBytes(disk, (int) lba * blockSize, blocks * blockSize);
            }
            return out;
        }, io);
    }

    @Override
    public CompletableFuture<Void> write(long lba, ByteBuf data, boolean fua) {
        return CompletableFuture.runAsync(() -> {
            try {
                synchronized (disk) {
                    data.getBytes(data.readerIndex(), disk, (int) lba * blockSize, data.readableBytes());
                }
            } finally {
                data.release();
            }
        }, io);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.runAsync(() -> { }, io);
    }

    @Override
    public CompletableFuture<Void> unmap(long lba, long blocks) {
        return CompletableFuture.runAsync(() -> {
            synchronized (disk) {
                java.util.Arrays.fill(disk, (int) lba * blockSize, (int) (lba + blocks) * blockSize, (byte) 0);
            }
        }, io);
    }

    byte[] snapshot(long lba, int blocks) {
        synchronized (disk) {
            return java.util.Arrays.copyOfRange(disk, (int) lba * blockSize, (int) (lba + blocks) * blockSize);
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
    }
}
