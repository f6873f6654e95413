package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * Builds responses with residuals (RFC 7143 §11.4.5): the SCSI layer knows how many bytes the
 * command meant to move (SPDTL), the initiator said how many it expects (EDTL); the difference
 * is an overflow (command wanted more) or an underflow (command moved less).
 */
final class ScsiResponses {

    private ScsiResponses() {
    }

    static ScsiResponse good() {
        return ScsiResponse.good();
    }

    static CompletableFuture<ScsiResponse> goodNow() {
        return CompletableFuture.completedFuture(ScsiResponse.good());
    }

    /** GOOD with no data, but residuals for a command that meant to move {@code spdtl} bytes. */
    static ScsiResponse good(long spdtl, int edtl) {
        return withResidual(ScsiStatus.GOOD, null, null, spdtl, edtl);
    }

    /**
     * GOOD with small parameter data (INQUIRY, MODE SENSE, ...): {@code data} is what the
     * command produces in full; it is cut to the allocation length, which is also the SPDTL,
     * and copied into a buffer from the channel's allocator that the response owns.
     */
    static ScsiResponse dataIn(ScsiTask task, byte[] data, long allocationLength) {
        int n = (int) Math.min(data.length, allocationLength);
        ByteBuf buf = task.alloc().buffer(n);
        buf.writeBytes(data, 0, n);
        return withResidual(ScsiStatus.GOOD, null, buf, n, task.edtl());
    }

    /** CHECK CONDITION that still reports how the EDTL disagreed with the CDB (write residual tests). */
    static ScsiResponse checkCondition(SenseData sense, long spdtl, int edtl) {
        return withResidual(ScsiStatus.CHECK_CONDITION, sense.toFixed(), null, spdtl, edtl);
    }

    static ScsiResponse withResidual(ScsiStatus status, byte[] sense, ByteBuf data, long spdtl, int edtl) {
        long e = Integer.toUnsignedLong(edtl);
        if (spdtl > e) {
            return new ScsiResponse(status, sense, data, (int) Math.min(spdtl - e, 0xffffffffL), true, false);
        }
        if (spdtl < e) {
            return new ScsiResponse(status, sense, data, (int) (e - spdtl), false, true);
        }
        return new ScsiResponse(status, sense, data, 0, false, false);
    }
}
