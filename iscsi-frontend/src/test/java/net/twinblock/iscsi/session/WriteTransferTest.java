package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.twinblock.iscsi.login.SessionParams;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data-Out gathering rules without a network: what is solicited, what is refused, no copy. */
class WriteTransferTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    /** FirstBurstLength 1024, MaxBurstLength 2048, InitialR2T=No, MaxOutstandingR2T=2. */
    private static final SessionParams PARAMS = new SessionParams(262144, 1024, 1024, 2048, false, true, 2,
            false, false, true, true, 0, 0, 0);
    private final AtomicInteger tags = new AtomicInteger(10);
    private Pdu command;
    private final UnsolicitedBudget budget = new UnsolicitedBudget(UnsolicitedBudget.DEFAULT_LIMIT);

    @AfterEach
    void release() {
        if (command != null) {
            command.release();
        }
    }

    @Test
    void unsolicitedDataMayStopShortAndTheRestIsSolicitedInBursts() throws Exception {
        byte[] data = TargetHarness.pattern(6000, 5);
        command = command(slice(data, 0, 512));
        WriteTransfer t = transfer(6000, PARAMS, command, false);
        assertEquals(List.of(), t.solicit(tags::getAndIncrement), "no R2T before the unsolicited sequence ends");
        dataOut(t, Pdu.RESERVED_TAG, 0, 512, slice(data, 512, 256), true); // stops at 768 < FirstBurstLength
        List<WriteTransfer.Solicitation> r2ts = t.solicit(tags::getAndIncrement);
        assertEquals(List.of(new WriteTransfer.Solicitation(10, 0, 768, 2048),
                new WriteTransfer.Solicitation(11, 1, 2816, 2048)), r2ts, "two outstanding, MaxBurstLength each");
        dataOut(t, 10, 0, 768, slice(data, 768, 1024), false);
        dataOut(t, 10, 1, 1792, slice(data, 1792, 1024), true);
        assertEquals(List.of(new WriteTransfer.Solicitation(12, 2, 4864, 1136)), t.solicit(tags::getAndIncrement));
        dataOut(t, 11, 0, 2816, slice(data, 2816, 2048), true);
        dataOut(t, 12, 0, 4864, slice(data, 4864, 1136), true);
        assertTrue(t.complete());
        assertEquals(3, t.r2tCount());
        ByteBuf all = t.take();
        try {
            assertArrayEquals(data, ByteBufUtil.getBytes(all));
        } finally {
            all.release();
        }
    }

    @Test
    void sequenceErrorsAreRefusedAndNothingLeaks() throws Exception {
        command = command(null);
        WriteTransfer t = transfer(2048, PARAMS, command, false);
        DataOutException gap = assertThrows(DataOutException.class,
                () -> dataOut(t, Pdu.RESERVED_TAG, 1, 0, new byte[512], false));
        assertTrue(gap.fatal());
        assertEquals(0x00, gap.sense().ascq());
        DataOutException offset = assertThrows(DataOutException.class,
                () -> dataOut(t, Pdu.RESERVED_TAG, 0, 512, new byte[512], false));
        assertEquals(0x05, offset.sense().ascq());
        DataOutException beyond = assertThrows(DataOutException.class,
                () -> dataOut(t, Pdu.RESERVED_TAG, 0, 0, new byte[1536], true));
        assertEquals(0x02, beyond.sense().ascq(), "unsolicited data beyond FirstBurstLength");
        DataOutException early = assertThrows(DataOutException.class,
                () -> dataOut(t, 77, 0, 0, new byte[512], false));
        assertEquals(0x00, early.sense().ascq(), "no R2T with that tag is outstanding");
        t.release();
        t.release(); // idempotent
        assertFalse(t.complete());
    }

    @Test
    void immediateDataBreakingTheNegotiationIsRefusedUpFront() {
        command = command(new byte[2048]);
        assertThrows(DataOutException.class, () -> transfer(4096, PARAMS, command, true),
                "more immediate data than FirstBurstLength");
        SessionParams noImmediate = new SessionParams(262144, 1024, 1024, 2048, false, false, 2,
                false, false, true, true, 0, 0, 0);
        Pdu small = command(new byte[512]);
        try {
            assertThrows(DataOutException.class, () -> transfer(4096, noImmediate, small, true));
        } finally {
            small.release();
        }
    }

    @Test
    void onlyWhatTheCdbNeedsIsSolicitedAndKept() throws Exception {
        byte[] data = TargetHarness.pattern(1024, 3);
        command = command(slice(data, 0, 768)); // immediate data past the 512 bytes the CDB needs
        WriteTransfer t = new WriteTransfer(1 << 25, 512, PARAMS, ALLOC, command, false, budget);
        assertEquals(512, budget.held(), "only the needed part of the unsolicited data is reserved");
        dataOut(t, Pdu.RESERVED_TAG, 0, 768, slice(data, 768, 256), true);
        assertTrue(t.complete(), "a 32 MiB EDTL needs no R2T for a 512-byte write");
        assertEquals(List.of(), t.solicit(tags::getAndIncrement));
        ByteBuf kept = t.take();
        try {
            assertArrayEquals(slice(data, 0, 512), ByteBufUtil.getBytes(kept));
        } finally {
            kept.release();
        }
        assertEquals(0, budget.held());
    }

    @Test
    void aRefusedCommandTakesNoData() throws Exception {
        command = command(null);
        WriteTransfer t = new WriteTransfer(1 << 25, 0, PARAMS, ALLOC, command, true, budget);
        assertTrue(t.complete());
        assertEquals(List.of(), t.solicit(tags::getAndIncrement), "no R2T for a command that will be refused");
        t.take().release();
    }

    @Test
    void unsolicitedDataPastTheConnectionsAllowanceIsDropped() throws Exception {
        UnsolicitedBudget small = new UnsolicitedBudget(1200);
        command = command(new byte[512]);
        WriteTransfer first = new WriteTransfer(4096, 4096, PARAMS, ALLOC, command, false, small);
        assertFalse(first.starved());
        assertEquals(1024, small.held(), "the whole unsolicited burst is reserved up front");
        Pdu second = command(new byte[512]);
        try {
            WriteTransfer starved = new WriteTransfer(4096, 4096, PARAMS, ALLOC, second, true, small);
            assertTrue(starved.starved());
            assertTrue(starved.complete(), "nothing is kept or solicited for it");
            assertEquals(List.of(), starved.solicit(tags::getAndIncrement));
            starved.release();
        } finally {
            second.release();
        }
        first.release();
        assertEquals(0, small.held());
    }

    private WriteTransfer transfer(int edtl, SessionParams params, Pdu cmd, boolean finalBit) throws DataOutException {
        return new WriteTransfer(edtl, edtl, params, ALLOC, cmd, finalBit, budget);
    }

    private static Pdu command(byte[] immediate) {
        Pdu pdu = Pdu.create(ALLOC, IscsiOpcode.SCSI_COMMAND, immediate == null ? null : Unpooled.wrappedBuffer(immediate));
        pdu.setFlags(Bhs.ScsiCommand.FLAG_WRITE);
        return pdu;
    }

    private static void dataOut(WriteTransfer t, int ttt, int dataSn, int offset, byte[] payload, boolean last)
            throws DataOutException {
        Pdu pdu = Pdu.create(ALLOC, IscsiOpcode.SCSI_DATA_OUT, Unpooled.wrappedBuffer(payload));
        try {
            pdu.setFlags(last ? Bhs.FLAG_FINAL : 0);
            pdu.u32(Bhs.DataOut.TTT, ttt);
            pdu.u32(Bhs.DataOut.DATA_SN, dataSn);
            pdu.u32(Bhs.DataOut.BUFFER_OFFSET, offset);
            t.onDataOut(pdu);
        } finally {
            pdu.release(); // the transfer keeps its own retained slice
        }
    }

    private static byte[] slice(byte[] data, int offset, int length) {
        return java.util.Arrays.copyOfRange(data, offset, offset + length);
    }
}
