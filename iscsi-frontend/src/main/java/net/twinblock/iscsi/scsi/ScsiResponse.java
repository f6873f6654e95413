package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The result of a SCSI command.
 *
 * <p>Ownership: the response owns {@code dataIn}; the session layer sends it (truncated to the
 * EDTL) and releases it.
 *
 * <p>Residuals (RFC 7143 §11.4.5) are computed by the SCSI layer, which alone knows how many
 * bytes the CDB asked to move: {@code residualCount} with {@code overflow} or {@code underflow}
 * set copies straight into the SCSI Response / final Data-In PDU.
 *
 * @param status    SCSI status
 * @param sense     fixed-format sense data (18+ bytes) for CHECK CONDITION, else null
 * @param dataIn    Data-In buffer (empty when none)
 * @param residualCount residual count, 0 when neither flag is set
 * @param overflow  the O bit: the command wanted more than the EDTL
 * @param underflow the U bit: the command moved less than the EDTL
 */
public record ScsiResponse(ScsiStatus status, byte[] sense, ByteBuf dataIn, int residualCount,
                           boolean overflow, boolean underflow) {
    public ScsiResponse {
        dataIn = dataIn == null ? Unpooled.EMPTY_BUFFER : dataIn;
    }

    public static ScsiResponse good() {
        return new ScsiResponse(ScsiStatus.GOOD, null, null, 0, false, false);
    }

    /** CHECK CONDITION with {@code sense} in fixed format, no data and no residual. */
    public static ScsiResponse checkCondition(SenseData sense) {
        return new ScsiResponse(ScsiStatus.CHECK_CONDITION, sense.toFixed(), null, 0, false, false);
    }
}
