package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.iscsi.scsi.Nexus;
import net.twinblock.iscsi.scsi.ScsiRequest;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * A small SCSI layer of our own for session tests: READ(10) and WRITE(10) on a byte-array disk,
 * TEST UNIT READY, and CHECK CONDITION for anything else. Commands run on a storage thread and
 * can be held at a gate, so tests can catch them "in storage". Records what the session layer
 * told it (nexus added/removed, resets) in order.
 */
final class DiskExecutor implements ScsiTaskExecutor, AutoCloseable {

    static final int BLOCK = 512;
    static final int LUN = 0;
    private static final byte[] INVALID_OPCODE_SENSE = {
        0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0x00, 0, 0, 0, 0};

    final byte[] disk = new byte[BLOCK * 256];
    final List<String> events = new CopyOnWriteArrayList<>();
    /** CDB opcodes in the order the session layer handed them to us. */
    final List<Integer> executed = new CopyOnWriteArrayList<>();
    final AtomicInteger completed = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private final ExecutorService storage = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "disk-executor");
        t.setDaemon(true);
        return t;
    });

    /** Commands started from now on wait until {@link #open()}. */
    void hold() {
        gate = new CompletableFuture<>();
    }

    void open() {
        gate.complete(null);
    }

    @Override
    public CompletableFuture<ScsiResponse> execute(ScsiRequest request) {
        executed.add(request.opcode());
        ByteBuf dataOut = request.dataOut();
        // We own dataOut from here; copy its bytes out on the event loop and let it go at once.
        byte[] data = new byte[dataOut.readableBytes()];
        dataOut.getBytes(dataOut.readerIndex(), data);
        dataOut.release();
        return gate.thenApplyAsync(v -> run(request, data), storage)
                .whenComplete((r, e) -> completed.incrementAndGet());
    }

    private ScsiResponse run(ScsiRequest request, byte[] data) {
        byte[] cdb = request.cdb();
        int edtl = request.expectedDataTransferLength();
        switch (request.opcode()) {
            case 0x00: // TEST UNIT READY
                return ScsiResponse.good();
            case 0x28: { // READ(10)
                int lba = ((cdb[2] & 0xff) << 24) | ((cdb[3] & 0xff) << 16) | ((cdb[4] & 0xff) << 8) | (cdb[5] & 0xff);
                int length = (((cdb[7] & 0xff) << 8) | (cdb[8] & 0xff)) * BLOCK;
                int sent = Math.min(length, edtl);
                ByteBuf out = request.alloc().buffer(sent);
                synchronized (disk) {
                    out.writeBytes(disk, lba * BLOCK, sent);
                }
                return new ScsiResponse(ScsiStatus.GOOD, null, out, Math.abs(length - edtl), length > edtl,
                        length < edtl);
            }
            case 0x2a: { // WRITE(10)
                int lba = ((cdb[2] & 0xff) << 24) | ((cdb[3] & 0xff) << 16) | ((cdb[4] & 0xff) << 8) | (cdb[5] & 0xff);
                int length = (((cdb[7] & 0xff) << 8) | (cdb[8] & 0xff)) * BLOCK;
                synchronized (disk) {
                    System.arraycopy(data, 0, disk, lba * BLOCK, Math.min(length, data.length));
                }
                return new ScsiResponse(ScsiStatus.GOOD, null, null, Math.abs(length - edtl), length > edtl,
                        length < edtl);
            }
            default:
                return new ScsiResponse(ScsiStatus.CHECK_CONDITION, INVALID_OPCODE_SENSE.clone(), null, 0, false, false);
        }
    }

    byte[] blocks(int lba, int count) {
        synchronized (disk) {
            return java.util.Arrays.copyOfRange(disk, lba * BLOCK, (lba + count) * BLOCK);
        }
    }

    @Override
    public boolean lunExists(int lun) {
        return lun == LUN;
    }

    @Override
    public void nexusAdded(Nexus nexus) {
        events.add("added " + nexus.initiatorPortName());
    }

    @Override
    public void nexusRemoved(Nexus nexus) {
        events.add("removed " + nexus.initiatorPortName());
    }

    @Override
    public CompletableFuture<Void> lunReset(int lun, Nexus by) {
        events.add("lunReset " + lun);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> targetReset(Nexus by) {
        events.add("targetReset");
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        open();
        storage.shutdownNow();
    }
}
