package net.twinblock.iscsi.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.lun.AluaState;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.LunIdentity;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.iscsi.reservation.ReservationStore;

/**
 * Drives a {@link ScsiCommandDispatcher} the way the session layer does: real CDBs, pooled
 * Data-Out buffers, and checks after every command that the Data-Out was released exactly once.
 */
final class ScsiHarness implements AutoCloseable {

    static final Nexus NEXUS = new Nexus("iqn.2026-11.test:host", 0x23d000000001L, 1);
    static final byte[] NAA = {0x60, 0x01, 0x40, 0x50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    final ExecutorService io = Executors.newSingleThreadExecutor();
    final HeapBlockStorage storage;
    private final List<HeapBlockStorage> storages = new ArrayList<>();
    final LogicalUnit lu;
    final ScsiCommandDispatcher dispatcher;
    volatile AluaState state = AluaState.ACTIVE_OPTIMIZED;

    /** The other node of a pair: group 2, relative port 2, active/non-optimized. */
    static PortGroup peerGroup() {
        return new PortGroup() {
            @Override
            public int groupId() {
                return 2;
            }

            @Override
            public int relativePortId() {
                return 2;
            }

            @Override
            public AluaState state() {
                return AluaState.ACTIVE_NON_OPTIMIZED;
            }
        };
    }

    ScsiHarness(int blockSize, long blocks) {
        this(blockSize, blocks, true, null);
    }

    ScsiHarness(int blockSize, long blocks, boolean thin, PortGroup peer) {
        this(blockSize, blocks, thin, peer, ReservationStore.IN_MEMORY);
    }

    ScsiHarness(int blockSize, long blocks, boolean thin, PortGroup peer, ReservationStore reservations) {
        this(blockSize, blocks, thin, peer, reservations, 1);
    }

    /** A node whose one target port (and port group) is {@code port}: the other node of a pair is 2. */
    ScsiHarness(int blockSize, long blocks, boolean thin, PortGroup peer, ReservationStore reservations, int port) {
        this(blockSize, blocks, thin, peer, reservations, port, 1);
    }

    /** A standalone node with {@code lunCount} LUs of one geometry; LU n's NAA ends in n. */
    ScsiHarness(int blockSize, long blocks, int lunCount) {
        this(blockSize, blocks, true, null, ReservationStore.IN_MEMORY, 1, lunCount);
    }

    private ScsiHarness(int blockSize, long blocks, boolean thin, PortGroup peer, ReservationStore reservations,
            int port, int lunCount) {
        PortGroup group = new PortGroup() {
            @Override
            public int groupId() {
                return port;
            }

            @Override
            public int relativePortId() {
                return port;
            }

            @Override
            public AluaState state() {
                return state;
            }

            @Override
            public PortGroup peer() {
                return peer;
            }
        };
        Map<Integer, LogicalUnit> luns = new HashMap<>();
        for (int n = 0; n < lunCount; n++) {
            HeapBlockStorage disk = new HeapBlockStorage(blockSize, blocks, thin, io);
            byte[] naa = NAA.clone();
            naa[15] += n;
            luns.put(n, new LogicalUnit(n, new LunIdentity(naa, "TB000" + (n + 1)), disk, group));
            storages.add(disk);
        }
        storage = storages.get(0);
        lu = luns.get(0);
        dispatcher = new ScsiCommandDispatcher(luns, reservations);
    }

    int lunCount() {
        return storages.size();
    }

    /** The storage behind LU {@code lun}. */
    HeapBlockStorage storage(int lun) {
        return storages.get(lun);
    }

    /** What came back, copied out so the Data-In buffer can be released at once. */
    record Result(ScsiStatus status, byte[] sense, byte[] data, int residual, boolean overflow, boolean underflow) {
        /** Copies the response out and releases its Data-In. */
        static Result of(ScsiResponse response) {
            ByteBuf in = response.dataIn();
            byte[] data = ByteBufUtil.getBytes(in);
            in.release();
            return new Result(response.status(), response.sense(), data, response.residualCount(),
                    response.overflow(), response.underflow());
        }

        int senseKey() {
            assertNotNull(sense, "no sense data; status " + status);
            return sense[2] & 0x0f;
        }

        int asc() {
            return sense[12] & 0xff;
        }

        int ascq() {
            return sense[13] & 0xff;
        }

        Result assertGood() {
            assertEquals(ScsiStatus.GOOD, status, () -> "sense " + (sense == null ? "none" : ByteBufUtil.hexDump(sense)));
            assertNull(sense);
            return this;
        }

        Result assertCheck(SenseKey key, AdditionalSense as) {
            assertEquals(ScsiStatus.CHECK_CONDITION, status);
            assertEquals(0x70, sense[0] & 0x7f, "fixed format");
            assertEquals(key.code(), senseKey(), "sense key");
            assertEquals(as.asc() << 8 | as.ascq(), asc() << 8 | ascq(), "ASC/ASCQ");
            return this;
        }

        /** INVALID FIELD IN CDB with SKSV, C/D=1 and the field pointer at {@code byteIndex}. */
        Result assertInvalidField(int byteIndex) {
            assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INVALID_FIELD_IN_CDB);
            assertEquals(0xc0, sense[15] & 0xc0, "SKSV and C/D");
            assertEquals(byteIndex, (sense[16] & 0xff) << 8 | (sense[17] & 0xff), "field pointer");
            return this;
        }

        Result assertLbaOutOfRange() {
            return assertCheck(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
        }
    }

    Result run(byte[] cdb, int edtl) {
        return run(0, cdb, edtl, true, false, null);
    }

    Result write(byte[] cdb, byte[] dataOut) {
        return run(0, cdb, dataOut.length, false, true, dataOut);
    }

    Result run(int lun, byte[] cdb, int edtl, boolean read, boolean write, byte[] dataOut) {
        return run(NEXUS, lun, cdb, edtl, read, write, dataOut);
    }

    Result run(Nexus nexus, int lun, byte[] cdb, int edtl, boolean read, boolean write, byte[] dataOut) {
        return start(nexus, lun, cdb, edtl, read, write, dataOut).finish();
    }

    /** A command sent but not yet waited for, so a test can have several in flight at once. */
    record Pending(CompletableFuture<ScsiResponse> future, ByteBuf dataOut) {
        Result finish() {
            ScsiResponse response;
            try {
                response = future.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("command did not complete normally", e);
            }
            assertEquals(0, dataOut.refCnt(), "Data-Out must be released exactly once");
            return Result.of(response);
        }
    }

    /** Sends a command with Data-Out to LUN 0 without waiting for it. */
    Pending start(byte[] cdb, byte[] dataOut) {
        return start(NEXUS, 0, cdb, dataOut.length, false, true, dataOut);
    }

    Pending start(Nexus nexus, int lun, byte[] cdb, int edtl, boolean read, boolean write, byte[] dataOut) {
        byte[] full = new byte[16];
        System.arraycopy(cdb, 0, full, 0, cdb.length);
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(dataOut == null ? 0 : dataOut.length);
        if (dataOut != null) {
            out.writeBytes(dataOut);
        }
        ScsiRequest request = new ScsiRequest(nexus, lun, full, edtl, read, write, out,
                TaskAttribute.SIMPLE, PooledByteBufAllocator.DEFAULT);
        return new Pending(dispatcher.execute(request), out);
    }

    @Override
    public void close() {
        io.shutdownNow();
    }

    // ---- CDB builders -------------------------------------------------------------------

    static byte[] cdb(int... bytes) {
        byte[] c = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            c[i] = (byte) bytes[i];
        }
        return c;
    }

    static byte[] rw10(int opcode, int flags, long lba, int blocks) {
        byte[] c = new byte[10];
        c[0] = (byte) opcode;
        c[1] = (byte) flags;
        Cdb.putInt(c, 2, (int) lba);
        Cdb.putShort(c, 7, blocks);
        return c;
    }

    static byte[] rw12(int opcode, int flags, long lba, long blocks) {
        byte[] c = new byte[12];
        c[0] = (byte) opcode;
        c[1] = (byte) flags;
        Cdb.putInt(c, 2, (int) lba);
        Cdb.putInt(c, 6, (int) blocks);
        return c;
    }

    static byte[] rw16(int opcode, int flags, long lba, long blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) opcode;
        c[1] = (byte) flags;
        Cdb.putLong(c, 2, lba);
        Cdb.putInt(c, 10, (int) blocks);
        return c;
    }

    static byte[] rw6(int opcode, long lba, int blocks) {
        return cdb(opcode, (int) (lba >>> 16) & 0x1f, (int) (lba >>> 8) & 0xff, (int) lba & 0xff, blocks & 0xff, 0);
    }

    static byte[] inquiry(boolean evpd, int page, int allocationLength) {
        return cdb(0x12, evpd ? 1 : 0, page, allocationLength >>> 8, allocationLength & 0xff, 0);
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
