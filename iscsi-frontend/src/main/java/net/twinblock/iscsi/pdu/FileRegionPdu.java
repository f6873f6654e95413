package net.twinblock.iscsi.pdu;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;

/**
 * A Data-In (or any PDU) whose data segment is a {@link FileRegion}, so a read can go from the
 * file to the socket with sendfile and never enter the JVM heap (DESIGN §4).
 *
 * <p>Only valid while DataDigest is None: a CRC32C over the payload would need its bytes, so
 * with a data digest the caller must read into a ByteBuf and send a plain {@link Pdu}.
 * {@link PduEncoder} fails the write if it meets one with the digest on.
 *
 * <p>Ownership: takes one reference to the header Pdu (whose data segment must be empty) and
 * to the region; releasing this releases both. The encoder releases it after writing.
 */
public final class FileRegionPdu extends AbstractReferenceCounted {
    private final Pdu header;
    private final FileRegion region;
    private final int length;

    public FileRegionPdu(Pdu header, FileRegion region) {
        if (header.data().isReadable()) {
            throw new IllegalArgumentException("header Pdu must not carry a data segment of its own");
        }
        long count = region.count() - region.transferred();
        if (count <= 0 || count > PduDecoder.MAX_MAX_RECV_DATA_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("FileRegion length must be 1.." + PduDecoder.MAX_MAX_RECV_DATA_SEGMENT_LENGTH
                    + ", got " + count);
        }
        this.header = header;
        this.region = region;
        this.length = (int) count;
    }

    public Pdu header() {
        return header;
    }

    public FileRegion region() {
        return region;
    }

    /** The DataSegmentLength the encoder writes. */
    public int length() {
        return length;
    }

    @Override
    protected void deallocate() {
        try {
            header.release();
        } finally {
            region.release();
        }
    }

    @Override
    public FileRegionPdu retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegionPdu touch(Object hint) {
        header.touch(hint);
        region.touch(hint);
        return this;
    }

    @Override
    public FileRegionPdu touch() {
        return touch(null);
    }

    @Override
    public String toString() {
        return "FileRegionPdu[" + header + " region=" + length + "]";
    }
}
