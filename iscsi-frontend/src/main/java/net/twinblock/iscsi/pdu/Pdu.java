package net.twinblock.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One iSCSI PDU: the 48-byte Basic Header Segment read in place (a flyweight over the
 * ByteBuf the decoder sliced off the socket), the optional AHS, and the data segment without
 * padding or digests.
 *
 * <p>Ownership: a Pdu owns one reference to each of its three buffers and releases them when
 * its own count drops to zero. The decoder hands a Pdu with refCnt 1 to the next handler, which
 * must release it (or pass it on). {@link #retainData()} gives a payload slice a life of its own
 * so a write can outlive the PDU that carried it without copying.
 *
 * <p>The DataSegmentLength field in the BHS is not trusted on the way out: the encoder writes
 * it from {@link #data()}'s readable bytes.
 */
public final class Pdu extends AbstractReferenceCounted {

    public static final int BHS_LENGTH = 48;

    // Offsets shared by every PDU (RFC 7143 §11.2.1).
    public static final int OFF_OPCODE = 0;
    public static final int OFF_FLAGS = 1;
    public static final int OFF_TOTAL_AHS_LENGTH = 4;
    public static final int OFF_DATA_SEGMENT_LENGTH = 5;
    public static final int OFF_LUN = 8;
    public static final int OFF_ITT = 16;
    /** Initiator Task Tag value that means "no task" (unsolicited NOP-In, etc.). */
    public static final int RESERVED_TAG = 0xffffffff;

    private final ByteBuf bhs;
    private final ByteBuf ahs;
    private final ByteBuf data;

    /** Takes ownership of all three buffers. {@code bhs} must hold exactly 48 readable bytes. */
    public Pdu(ByteBuf bhs, ByteBuf ahs, ByteBuf data) {
        if (bhs.readableBytes() != BHS_LENGTH) {
            throw new IllegalArgumentException("BHS must be 48 bytes, got " + bhs.readableBytes());
        }
        this.bhs = bhs;
        this.ahs = ahs == null ? Unpooled.EMPTY_BUFFER : ahs;
        this.data = data == null ? Unpooled.EMPTY_BUFFER : data;
    }

    /** A zeroed PDU of the given opcode with the data segment given (ownership passes to the PDU). */
    public static Pdu create(ByteBufAllocator alloc, IscsiOpcode opcode, ByteBuf data) {
        ByteBuf bhs = alloc.buffer(BHS_LENGTH, BHS_LENGTH).writeZero(BHS_LENGTH);
        Pdu pdu = new Pdu(bhs, null, data);
        pdu.setOpcode(opcode);
        return pdu;
    }

    public static Pdu create(ByteBufAllocator alloc, IscsiOpcode opcode) {
        return create(alloc, opcode, null);
    }

    // ---- raw access --------------------------------------------------------------------

    public ByteBuf bhs() {
        return bhs;
    }

    public ByteBuf ahs() {
        return ahs;
    }

    public ByteBuf data() {
        return data;
    }

    /** A retained slice of the data segment whose lifetime is independent of this PDU. */
    public ByteBuf retainData() {
        return data.retainedSlice();
    }

    public int u8(int offset) {
        return bhs.getUnsignedByte(bhs.readerIndex() + offset);
    }

    public Pdu u8(int offset, int value) {
        bhs.setByte(bhs.readerIndex() + offset, value);
        return this;
    }

    public int u16(int offset) {
        return bhs.getUnsignedShort(bhs.readerIndex() + offset);
    }

    public Pdu u16(int offset, int value) {
        bhs.setShort(bhs.readerIndex() + offset, value);
        return this;
    }

    public int u24(int offset) {
        return bhs.getUnsignedMedium(bhs.readerIndex() + offset);
    }

    public Pdu u24(int offset, int value) {
        bhs.setMedium(bhs.readerIndex() + offset, value);
        return this;
    }

    /** A 32-bit field; sequence numbers and tags are compared as unsigned by their users. */
    public int u32(int offset) {
        return bhs.getInt(bhs.readerIndex() + offset);
    }

    public Pdu u32(int offset, int value) {
        bhs.setInt(bhs.readerIndex() + offset, value);
        return this;
    }

    public long u64(int offset) {
        return bhs.getLong(bhs.readerIndex() + offset);
    }

    public Pdu u64(int offset, long value) {
        bhs.setLong(bhs.readerIndex() + offset, value);
        return this;
    }

    // ---- fields common to all PDUs -------------------------------------------------------

    /** @return the opcode, or null for an opcode RFC 7143 does not define. */
    public IscsiOpcode opcode() {
        return IscsiOpcode.of(u8(OFF_OPCODE));
    }

    public int rawOpcode() {
        return u8(OFF_OPCODE) & 0x3f;
    }

    public Pdu setOpcode(IscsiOpcode opcode) {
        return u8(OFF_OPCODE, (u8(OFF_OPCODE) & 0x40) | opcode.code());
    }

    /** The I bit: an immediate command, not subject to CmdSN ordering. */
    public boolean immediate() {
        return (u8(OFF_OPCODE) & 0x40) != 0;
    }

    public Pdu setImmediate(boolean immediate) {
        return u8(OFF_OPCODE, immediate ? u8(OFF_OPCODE) | 0x40 : u8(OFF_OPCODE) & ~0x40);
    }

    /** Byte 1: opcode-specific flags; bit 7 is the F (final) bit for most PDUs. */
    public int flags() {
        return u8(OFF_FLAGS);
    }

    public Pdu setFlags(int flags) {
        return u8(OFF_FLAGS, flags);
    }

    public boolean finalBit() {
        return (flags() & 0x80) != 0;
    }

    public int totalAhsLength() {
        return u8(OFF_TOTAL_AHS_LENGTH);
    }

    /** The DataSegmentLength as it was on the wire (for decoded PDUs). */
    public int dataSegmentLength() {
        return u24(OFF_DATA_SEGMENT_LENGTH);
    }

    public long lun() {
        return u64(OFF_LUN);
    }

    public Pdu setLun(long lun) {
        return u64(OFF_LUN, lun);
    }

    public int itt() {
        return u32(OFF_ITT);
    }

    public Pdu setItt(int itt) {
        return u32(OFF_ITT, itt);
    }

    @Override
    protected void deallocate() {
        bhs.release();
        ahs.release();
        data.release();
    }

    @Override
    public Pdu retain() {
        super.retain();
        return this;
    }

    @Override
    public Pdu touch(Object hint) {
        bhs.touch(hint);
        data.touch(hint);
        return this;
    }

    @Override
    public ReferenceCounted touch() {
        return touch(null);
    }

    @Override
    public String toString() {
        IscsiOpcode op = opcode();
        return "Pdu[" + (op == null ? String.format("0x%02x", rawOpcode()) : op)
                + (immediate() ? " I" : "") + String.format(" flags=0x%02x itt=0x%08x", flags(), itt())
                + " data=" + data.readableBytes() + "]";
    }
}
