package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.RejectReason;
import net.twinblock.iscsi.scsi.ScsiResponse;

/**
 * Builds the PDUs a target sends in the full feature phase. StatSN, ExpCmdSN and MaxCmdSN are
 * left zero: {@link Connection#send} stamps them at the moment the PDU goes out.
 */
final class TargetPdus {
    private TargetPdus() {
    }

    /** Response byte of a SCSI Response: "command completed at target" (RFC 7143 §11.4.3). */
    static final int COMMAND_COMPLETED = 0x00;

    static Pdu scsiResponse(ByteBufAllocator alloc, int itt, ScsiResponse r, int expDataSn) {
        byte[] sense = r.sense();
        ByteBuf data = null;
        if (sense != null && sense.length > 0) {
            // Sense data travels as a 2-byte SenseLength followed by the sense bytes (§11.4.7).
            data = alloc.buffer(2 + sense.length).writeShort(sense.length).writeBytes(sense);
        }
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.SCSI_RESPONSE, data);
        int flags = Bhs.FLAG_FINAL;
        if (r.overflow()) {
            flags |= Bhs.ScsiResponse.FLAG_OVERFLOW;
        } else if (r.underflow()) {
            flags |= Bhs.ScsiResponse.FLAG_UNDERFLOW;
        }
        pdu.setFlags(flags);
        pdu.u8(Bhs.ScsiResponse.RESPONSE, COMMAND_COMPLETED);
        pdu.u8(Bhs.ScsiResponse.STATUS, r.status().code());
        pdu.setItt(itt);
        pdu.u32(Bhs.ScsiResponse.EXP_DATA_SN, expDataSn);
        pdu.u32(Bhs.ScsiResponse.RESIDUAL_COUNT, r.overflow() || r.underflow() ? r.residualCount() : 0);
        return pdu;
    }

    /** One Data-In PDU; {@code payload} ownership passes to the PDU. */
    static Pdu dataIn(ByteBufAllocator alloc, int itt, ByteBuf payload, int dataSn, int offset, boolean last) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.SCSI_DATA_IN, payload);
        pdu.setFlags(last ? Bhs.FLAG_FINAL : 0);
        pdu.setItt(itt);
        pdu.u32(Bhs.DataIn.TTT, Pdu.RESERVED_TAG);
        pdu.u32(Bhs.DataIn.DATA_SN, dataSn);
        pdu.u32(Bhs.DataIn.BUFFER_OFFSET, offset);
        return pdu;
    }

    /** Turns the last Data-In into the status-bearing one (phase collapse, §11.7.4). */
    static void collapseStatus(Pdu dataIn, ScsiResponse r) {
        int flags = dataIn.flags() | Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS;
        if (r.overflow()) {
            flags |= Bhs.DataIn.FLAG_OVERFLOW;
        } else if (r.underflow()) {
            flags |= Bhs.DataIn.FLAG_UNDERFLOW;
        }
        dataIn.setFlags(flags);
        dataIn.u8(Bhs.DataIn.STATUS, r.status().code());
        dataIn.u32(Bhs.DataIn.RESIDUAL_COUNT, r.overflow() || r.underflow() ? r.residualCount() : 0);
    }

    static Pdu r2t(ByteBufAllocator alloc, int itt, long lunField, WriteTransfer.Solicitation s) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.R2T);
        pdu.setFlags(Bhs.FLAG_FINAL);
        pdu.setLun(lunField);
        pdu.setItt(itt);
        pdu.u32(Bhs.R2t.TTT, s.ttt());
        pdu.u32(Bhs.R2t.R2T_SN, s.r2tSn());
        pdu.u32(Bhs.R2t.BUFFER_OFFSET, s.offset());
        pdu.u32(Bhs.R2t.DESIRED_DATA_TRANSFER_LENGTH, s.length());
        return pdu;
    }

    /** NOP-In; {@code data} (ownership passes) is the echoed ping data or null. */
    static Pdu nopIn(ByteBufAllocator alloc, int itt, int ttt, long lunField, ByteBuf data) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.NOP_IN, data);
        pdu.setFlags(Bhs.FLAG_FINAL);
        pdu.setLun(lunField);
        pdu.setItt(itt);
        pdu.u32(Bhs.NopIn.TTT, ttt);
        return pdu;
    }

    /** Reject carrying the offending BHS (§11.17); {@code header} is copied and padded to 48 bytes. */
    static Pdu reject(ByteBufAllocator alloc, RejectReason reason, ByteBuf header) {
        ByteBuf data = alloc.buffer(Pdu.BHS_LENGTH);
        int n = Math.min(Pdu.BHS_LENGTH, header.readableBytes());
        data.writeBytes(header, header.readerIndex(), n).writeZero(Pdu.BHS_LENGTH - n);
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.REJECT, data);
        pdu.setFlags(Bhs.FLAG_FINAL);
        pdu.u8(Bhs.Reject.REASON, reason.code());
        pdu.setItt(Pdu.RESERVED_TAG);
        return pdu;
    }

    static Pdu tmfResponse(ByteBufAllocator alloc, int itt, int response) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.TASK_MGMT_RESPONSE);
        pdu.setFlags(Bhs.FLAG_FINAL);
        pdu.u8(Bhs.TmfResponse.RESPONSE, response);
        pdu.setItt(itt);
        return pdu;
    }

    /** Text Response; {@code data} ownership passes. */
    static Pdu textResponse(ByteBufAllocator alloc, int itt, int ttt, int flags, ByteBuf data) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.TEXT_RESPONSE, data);
        pdu.setFlags(flags);
        pdu.setItt(itt);
        pdu.u32(Bhs.Text.TTT, ttt);
        return pdu;
    }

    static Pdu logoutResponse(ByteBufAllocator alloc, int itt, int response) {
        Pdu pdu = Pdu.create(alloc, IscsiOpcode.LOGOUT_RESPONSE);
        pdu.setFlags(Bhs.FLAG_FINAL);
        pdu.u8(Bhs.Logout.RESPONSE, response);
        pdu.setItt(itt);
        // Time2Wait/Time2Retain 0: at ErrorRecoveryLevel 0 nothing of the session is kept.
        pdu.u16(Bhs.Logout.TIME2WAIT, 0);
        pdu.u16(Bhs.Logout.TIME2RETAIN, 0);
        return pdu;
    }
}
