package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Byte-exact PDUs as an initiator would send them, built by hand so the decoder is not its own oracle. */
final class WirePdus {
    private static final int WRITE_16 = 0x8a;
    private static final int BLOCK = 512;

    private WirePdus() {
    }

    /**
     * A SCSI Command PDU for WRITE(16) with all {@code dataLength} bytes as immediate data,
     * padded, with header and data digests when asked. The caller owns the returned buffer.
     */
    static ByteBuf scsiWriteCommand(ByteBufAllocator alloc, int dataLength, boolean digests) {
        ByteBuf out = alloc.directBuffer();
        int bhsStart = out.writerIndex();
        out.writeByte(IscsiOpcode.SCSI_COMMAND.code());
        out.writeByte(Bhs.FLAG_FINAL | Bhs.ScsiCommand.FLAG_WRITE | 0x01 /* SIMPLE */);
        out.writeShort(0);
        out.writeByte(0);                 // TotalAHSLength
        out.writeMedium(dataLength);      // DataSegmentLength
        out.writeLong(0);                 // LUN 0
        out.writeInt(0x1234);             // ITT
        out.writeInt(dataLength);         // Expected Data Transfer Length
        out.writeInt(1);                  // CmdSN
        out.writeInt(1);                  // ExpStatSN
        out.writeByte(WRITE_16);          // CDB
        out.writeByte(0);
        out.writeLong(2048);              // LBA
        out.writeInt(dataLength / BLOCK); // transfer length in blocks
        out.writeByte(0);
        out.writeByte(0);
        if (digests) {
            Crc32c.writeDigest(out, Crc32c.compute(out, bhsStart, Pdu.BHS_LENGTH));
        }
        int dataStart = out.writerIndex();
        for (int i = 0; i < dataLength; i++) {
            out.writeByte(i * 31);
        }
        out.writeZero(-dataLength & 3);
        if (digests) {
            Crc32c.writeDigest(out, Crc32c.compute(out, dataStart, out.writerIndex() - dataStart));
        }
        return out;
    }
}
