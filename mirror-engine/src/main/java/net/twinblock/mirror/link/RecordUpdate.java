package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;

/**
 * The predictive record on the wire (DESIGN section 5): the snapshot bytes of the record's
 * wire form, opaque to the link. RECORD_UPDATE goes primary to secondary and is answered by
 * RECORD_ACK once the secondary's copy is durable; RECORD_REPORT goes secondary to primary right
 * after a link comes up, listing the extents a crashed secondary found in its own record file.
 * A byte array rather than a buffer: a record is small (8 bytes per extent) and is parsed whole.
 */
public record RecordUpdate(boolean report, int sequence, byte[] snapshot) implements PeerMessage {

    public RecordUpdate {
        if (snapshot.length == 0 || snapshot.length > FrameHeader.MAX_PAYLOAD) {
            throw new IllegalArgumentException("a record snapshot of " + snapshot.length
                    + " bytes does not fit one frame");
        }
    }

    @Override
    public FrameType opcode() {
        return report ? FrameType.RECORD_REPORT : FrameType.RECORD_UPDATE;
    }

    @Override
    public FrameHeader header() {
        return new FrameHeader(opcode().code(), 0, snapshot.length, sequence, 0);
    }

    @Override
    public void writeBody(ByteBuf out) {
        out.writeBytes(snapshot);
    }
}
