package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import net.twinblock.iscsi.login.SessionParams;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;
import net.twinblock.iscsi.scsi.AdditionalSense;

/**
 * Gathers the Data-Out of one write (RFC 7143 §4.2.5.2): immediate data, then an unsolicited
 * sequence of at most FirstBurstLength, then solicited sequences, one per R2T, each at most
 * MaxBurstLength with MaxOutstandingR2T of them in flight. We negotiate DataPDUInOrder and
 * DataSequenceInOrder, so data must arrive at strictly increasing buffer offsets; anything else
 * is a protocol error we cannot recover from at ErrorRecoveryLevel 0.
 *
 * <p>The EDTL governs the protocol (offsets, sequences); what is kept is only the first
 * {@code needed} bytes, what the CDB will use (see {@code ScsiTaskExecutor.dataOutLength}).
 * R2Ts ask for no more, and immediate or unsolicited bytes past it are dropped on arrival, so
 * an EDTL far beyond the CDB, or a command that will be refused, costs no memory.
 *
 * <p>Payloads are kept as retained slices of the PDUs that carried them, in a CompositeByteBuf:
 * no copy. {@link #take()} hands that buffer over; {@link #release()} drops it.
 */
final class WriteTransfer {

    /** One R2T we sent and the Data-Out sequence that answers it. */
    record Solicitation(int ttt, int r2tSn, int offset, int length) {
    }

    private static final int NO_TTT = Pdu.RESERVED_TAG;

    private final int edtl;
    private final int needed;
    private final SessionParams params;
    private final CompositeByteBuf data;
    private final ArrayDeque<Solicitation> outstanding = new ArrayDeque<>();
    private final UnsolicitedBudget budget;
    /** Bytes of {@link #budget} held for the unsolicited data this command may keep. */
    private final long reserved;
    private final boolean starved;

    /** Bytes received so far; also the offset the next Data-Out must carry. */
    private int received;
    /** Unsolicited Data-Out still expected (the SCSI Command's F bit was 0). */
    private boolean unsolicitedOpen;
    private final int unsolicitedLimit;
    private int unsolicitedDataSn;
    /** DataSN the next PDU of the head solicitation must carry. */
    private int solicitedDataSn;
    private int nextR2tOffset;
    private int r2tSn;
    private boolean released;

    /**
     * @param needed   the bytes the command will use, at most {@code edtl}
     * @param command  the SCSI Command PDU; its data segment is immediate data (we take a
     *                 retained slice of what we keep)
     * @param finalBit the command PDU's F bit: no unsolicited Data-Out follows
     * @param budget   the connection's unsolicited allowance; when this command's share does not
     *                 fit, nothing is kept and {@link #starved()} says so
     */
    WriteTransfer(int edtl, long needed, SessionParams params, ByteBufAllocator alloc, Pdu command, boolean finalBit,
                  UnsolicitedBudget budget) throws DataOutException {
        this.edtl = edtl;
        this.params = params;
        this.budget = budget;
        this.unsolicitedLimit = params.initialR2T() ? 0 : Math.min(params.firstBurstLength(), edtl);
        int immediate = command.data().readableBytes();
        if (immediate > 0 && !params.immediateData()) {
            throw new DataOutException(RejectReason.PROTOCOL_ERROR, "immediate data sent although ImmediateData=No");
        }
        if (immediate > Math.min(params.firstBurstLength(), edtl)) {
            throw new DataOutException(RejectReason.PROTOCOL_ERROR, "immediate data of " + immediate
                    + " bytes exceeds FirstBurstLength/EDTL " + Math.min(params.firstBurstLength(), edtl));
        }
        unsolicitedOpen = !finalBit;
        if (unsolicitedOpen && (params.initialR2T() || immediate >= unsolicitedLimit)) {
            throw new DataOutException(RejectReason.PROTOCOL_ERROR,
                    "unsolicited Data-Out announced (F=0) but none is allowed");
        }
        long unsolicitedKept = Math.min(needed, unsolicitedOpen ? unsolicitedLimit : immediate);
        this.starved = !budget.tryReserve(unsolicitedKept);
        this.reserved = starved ? 0 : unsolicitedKept;
        this.needed = starved ? 0 : (int) Math.min(needed, edtl);
        this.data = alloc.compositeBuffer(Integer.MAX_VALUE);
        keep(command.data());
        received = immediate;
        nextR2tOffset = Math.min(received, this.needed);
    }

    /** The connection's unsolicited allowance was spent: nothing is kept, the command must not run. */
    boolean starved() {
        return starved;
    }

    /** All the data the command needs is here, and no unsolicited Data-Out is still to come. */
    boolean complete() {
        return received >= needed && !unsolicitedOpen;
    }

    int r2tCount() {
        return r2tSn;
    }

    boolean owns(int ttt) {
        for (Solicitation s : outstanding) {
            if (s.ttt() == ttt) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes one Data-Out. The caller still owns {@code pdu} and releases it; we retain the
     * payload slice we keep.
     *
     * @throws DataOutException when the PDU breaks the sequence rules
     */
    void onDataOut(Pdu pdu) throws DataOutException {
        int ttt = pdu.u32(Bhs.DataOut.TTT);
        int dataSn = pdu.u32(Bhs.DataOut.DATA_SN);
        int offset = pdu.u32(Bhs.DataOut.BUFFER_OFFSET);
        int length = pdu.data().readableBytes();
        boolean last = pdu.finalBit();
        int sequenceEnd;
        if (ttt == NO_TTT) {
            if (!unsolicitedOpen) {
                throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.TOO_MUCH_WRITE_DATA, "unsolicited Data-Out not expected");
            }
            if (dataSn != unsolicitedDataSn) {
                throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.DATA_PHASE_ERROR,
                        "unsolicited Data-Out DataSN " + Integer.toUnsignedString(dataSn) + ", expected "
                                + unsolicitedDataSn);
            }
            sequenceEnd = unsolicitedLimit;
        } else {
            Solicitation head = outstanding.peekFirst();
            if (head == null || head.ttt() != ttt) {
                // Sequences must come in order (DataSequenceInOrder=Yes).
                throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.DATA_PHASE_ERROR,
                        "Data-Out for TTT 0x" + Integer.toHexString(ttt) + " out of sequence order");
            }
            if (dataSn != solicitedDataSn) {
                throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.DATA_PHASE_ERROR,
                        "Data-Out DataSN " + Integer.toUnsignedString(dataSn) + ", expected " + solicitedDataSn);
            }
            sequenceEnd = head.offset() + head.length();
        }
        if (offset != received) {
            throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.DATA_OFFSET_ERROR, "Data-Out buffer offset "
                    + Integer.toUnsignedString(offset) + ", expected " + received + " (DataPDUInOrder=Yes)");
        }
        if ((long) offset + length > sequenceEnd) {
            throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.TOO_MUCH_WRITE_DATA, "Data-Out of " + length + " bytes at "
                    + offset + " runs past the end of its sequence at " + sequenceEnd + " (EDTL " + edtl + ")");
        }
        boolean ends = offset + length == sequenceEnd;
        // An unsolicited sequence may stop short of FirstBurstLength (the rest is solicited);
        // a solicited one must deliver exactly what its R2T asked for.
        boolean earlyEndAllowed = ttt == NO_TTT && last;
        if (last != ends && !earlyEndAllowed) {
            throw new DataOutException(RejectReason.PROTOCOL_ERROR, AdditionalSense.DATA_PHASE_ERROR, last
                    ? "Data-Out F bit set at " + (offset + length) + " before the sequence end at " + sequenceEnd
                    : "Data-Out fills its sequence without the F bit");
        }
        keep(pdu.data());
        received += length;
        if (ttt == NO_TTT) {
            unsolicitedDataSn++;
            if (last) {
                unsolicitedOpen = false;
                nextR2tOffset = Math.max(nextR2tOffset, Math.min(received, needed));
            }
        } else {
            solicitedDataSn++;
            if (last) {
                outstanding.removeFirst();
                solicitedDataSn = 0;
            }
        }
    }

    /**
     * The R2Ts to send now: as many as MaxOutstandingR2T allows for the data not yet solicited.
     * {@code tags} hands out target transfer tags.
     */
    List<Solicitation> solicit(java.util.function.IntSupplier tags) {
        if (unsolicitedOpen || released) {
            return List.of();
        }
        List<Solicitation> out = new ArrayList<>(1);
        while (nextR2tOffset < needed && outstanding.size() < params.maxOutstandingR2T()) {
            int length = Math.min(params.maxBurstLength(), needed - nextR2tOffset);
            Solicitation s = new Solicitation(tags.getAsInt(), r2tSn++, nextR2tOffset, length);
            outstanding.addLast(s);
            out.add(s);
            nextR2tOffset += length;
        }
        return out;
    }

    /**
     * Keeps the part of a payload that lies below {@link #needed}, as a retained slice the
     * composite owns; {@code payload} starts at offset {@link #received}.
     */
    private void keep(ByteBuf payload) {
        int n = (int) Math.min(payload.readableBytes(), Math.max(0L, (long) needed - received));
        if (n > 0) {
            data.addComponent(true, payload.retainedSlice(payload.readerIndex(), n));
        }
    }

    /** Hands the gathered data over; the caller now owns it. */
    ByteBuf take() {
        released = true;
        budget.release(reserved);
        return data;
    }

    /** Drops whatever was gathered (task aborted, session ended). Idempotent. */
    void release() {
        if (!released) {
            released = true;
            budget.release(reserved);
            data.release();
        }
    }
}
