package net.twinblock.iscsi.session;

import io.netty.buffer.ByteBuf;
import net.twinblock.iscsi.login.SessionParams;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.scsi.ScsiResponse;
import net.twinblock.iscsi.scsi.ScsiStatus;

/**
 * Sends the outcome of a SCSI command (RFC 7143 §11.4, §11.7): the read data as Data-In PDUs no
 * longer than the initiator's MaxRecvDataSegmentLength, with the F bit closing each
 * MaxBurstLength sequence, then the status — folded into the last Data-In when it is GOOD
 * (phase collapse), in a SCSI Response otherwise.
 *
 * <p>The payload goes out as retained slices of the response buffer: no copy.
 */
final class StatusSender {

    private final Connection connection;
    private final SessionParams params;

    StatusSender(Connection connection, SessionParams params) {
        this.connection = connection;
        this.params = params;
    }

    /** Sends {@code r} for {@code task}; releases {@code r.dataIn()}. */
    void send(Task task, ScsiResponse r) {
        ByteBuf data = r.dataIn();
        try {
            int length = task.read ? Math.min(data.readableBytes(), task.edtl) : 0;
            // The SCSI layer computes residuals; when it says nothing and moved less than the
            // EDTL, the bytes we did not send are still residual, and the initiator must know.
            ScsiResponse status = r;
            if (task.read && !task.write && !r.overflow() && !r.underflow() && length < task.edtl
                    && r.status() == ScsiStatus.GOOD) {
                status = new ScsiResponse(r.status(), r.sense(), null, task.edtl - length, false, true);
            }
            int dataInCount = 0;
            if (length > 0) {
                dataInCount = sendDataIn(task, data, length, status);
            }
            if (length == 0 || status.status() != ScsiStatus.GOOD) {
                int expDataSn = task.transfer != null ? task.transfer.r2tCount() : dataInCount;
                connection.send(TargetPdus.scsiResponse(connection.alloc(), task.itt, status, expDataSn), true);
            }
        } finally {
            data.release(); // the slices sent hold their own references
        }
    }

    private int sendDataIn(Task task, ByteBuf data, int length, ScsiResponse status) {
        int segment = connection.maxXmitDataSegmentLength();
        int burst = params.maxBurstLength();
        boolean collapse = status.status() == ScsiStatus.GOOD;
        int base = data.readerIndex();
        int offset = 0;
        int dataSn = 0;
        int burstLeft = burst;
        while (offset < length) {
            int n = Math.min(Math.min(segment, burstLeft), length - offset);
            boolean last = offset + n == length;
            boolean endOfBurst = last || n == burstLeft;
            Pdu pdu = TargetPdus.dataIn(connection.alloc(), task.itt, data.retainedSlice(base + offset, n), dataSn++,
                    offset, endOfBurst);
            offset += n;
            burstLeft = endOfBurst ? burst : burstLeft - n;
            if (last && collapse) {
                TargetPdus.collapseStatus(pdu, status);
                connection.send(pdu, true);
            } else {
                connection.send(pdu, false);
            }
        }
        return dataSn;
    }
}
