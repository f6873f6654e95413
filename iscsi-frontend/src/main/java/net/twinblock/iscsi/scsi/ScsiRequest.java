package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * A SCSI command as the session layer hands it to the SCSI layer, after all Data-Out for it
 * has arrived (immediate, unsolicited and solicited data gathered, in buffer-offset order,
 * without copying: usually a CompositeByteBuf of PDU payload slices).
 *
 * <p>Ownership: the request owns {@code dataOut}; {@link ScsiTaskExecutor#execute} takes it
 * over and releases it exactly once, on every path.
 *
 * @param nexus      who sent it
 * @param lun        the LUN number decoded from the PDU's 8-byte LUN field
 * @param cdb        the CDB, 16 bytes (shorter CDBs zero-padded; extended CDBs from the AHS appended)
 * @param expectedDataTransferLength the EDTL field of the SCSI Command PDU
 * @param read       the R bit
 * @param write      the W bit
 * @param dataOut    the Data-Out buffer, at most EDTL bytes; empty for non-writes
 * @param attribute  task attribute
 * @param alloc      allocator for Data-In buffers (the channel's, so buffers are pooled direct)
 */
public record ScsiRequest(Nexus nexus, int lun, byte[] cdb, int expectedDataTransferLength,
                          boolean read, boolean write, ByteBuf dataOut, TaskAttribute attribute,
                          ByteBufAllocator alloc) {
    public ScsiRequest {
        Objects.requireNonNull(nexus, "nexus");
        Objects.requireNonNull(cdb, "cdb");
        dataOut = dataOut == null ? Unpooled.EMPTY_BUFFER : dataOut;
        attribute = attribute == null ? TaskAttribute.SIMPLE : attribute;
        alloc = alloc == null ? ByteBufAllocator.DEFAULT : alloc;
    }

    public int opcode() {
        return cdb[0] & 0xff;
    }
}
