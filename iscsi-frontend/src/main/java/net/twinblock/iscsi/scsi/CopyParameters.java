package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import net.twinblock.iscsi.lun.LogicalUnit;

/**
 * The parameter list of EXTENDED COPY (LID1, SPC-4), checked whole before a single block moves:
 * a header, identification CSCD descriptors (0xE4) naming LUs of this target by their NAA
 * designator, and block-to-block segment descriptors (0x02).
 *
 * <p>A malformed list is ILLEGAL REQUEST (PARAMETER LIST LENGTH ERROR, TOO MANY ... DESCRIPTORS,
 * UNSUPPORTED ... TYPE CODE, INVALID FIELD IN PARAMETER LIST). A well-formed segment that cannot
 * be carried out, because its CSCD is missing or names no LU here or its blocks lie beyond an
 * LU's end, is COPY ABORTED, as SPC-4 has a segment's failure reported and libiscsi expects; the
 * sense-key-specific bytes point at the field, from the start of the parameter list.
 */
final class CopyParameters {

    static final int HEADER_LENGTH = 16;
    static final int CSCD_LENGTH = 32;
    private static final int BLOCK_TO_BLOCK_LENGTH = 0x18;

    private static final int DESIGNATOR_NAA = 3;
    private static final int CODE_SET_BINARY = 1;
    private static final int ASSOCIATION_LU = 0;

    /** How the copy's list identifier is used (LIST ID USAGE, header byte 1 bits 4-3). */
    enum ListIdUsage {
        /** Status is held for RECEIVE COPY RESULTS until the identifier is used again. */
        HOLD,
        /** Unique while the copy runs, nothing held afterwards. */
        NO_HOLD,
        /** The identifier is ignored. */
        NONE
    }

    /** One segment: {@code bytes} from the source LU at an LBA to the destination LU at another. */
    record Segment(int offset, LogicalUnit source, long sourceLba, LogicalUnit destination, long destinationLba,
                   long bytes) {
    }

    record CopyList(int listId, ListIdUsage usage, List<Segment> segments) {
    }

    private final ByteBuf list;
    private final int base;
    private final Collection<LogicalUnit> luns;
    private final int cscdCount;
    private final LogicalUnit[] resolved;

    private CopyParameters(ByteBuf list, Collection<LogicalUnit> luns, int cscdCount) {
        this.list = list;
        this.base = list.readerIndex();
        this.luns = luns;
        this.cscdCount = cscdCount;
        this.resolved = new LogicalUnit[cscdCount];
    }

    /**
     * Parses the first {@code parameterListLength} bytes of {@code list} (read in place, not
     * released) against the target's {@code luns}.
     *
     * @throws CheckCondition for every list this copy manager will not carry out
     */
    static CopyList parse(ByteBuf list, int parameterListLength, Collection<LogicalUnit> luns) {
        int base = list.readerIndex();
        int available = Math.min(list.readableBytes(), parameterListLength);
        if (available < HEADER_LENGTH) {
            throw lengthError();
        }
        int cscdLength = list.getUnsignedShort(base + 2);
        long segmentLength = list.getUnsignedInt(base + 8);
        long inlineLength = list.getUnsignedInt(base + 12);
        if (HEADER_LENGTH + cscdLength + segmentLength + inlineLength > available
                || cscdLength + segmentLength > CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH) {
            throw lengthError();
        }
        if (inlineLength > CopyLimits.MAX_INLINE_DATA) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(12, -1));
        }
        int usage = (list.getUnsignedByte(base + 1) >>> 3) & 0x3;
        if (usage == 0b01) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(1, 4)); // reserved LIST ID USAGE
        }
        if (cscdLength % CSCD_LENGTH != 0) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(2, -1));
        }
        int cscdCount = cscdLength / CSCD_LENGTH;
        if (cscdCount > CopyLimits.MAX_CSCD_DESCRIPTORS) {
            throw illegal(AdditionalSense.TOO_MANY_TARGET_DESCRIPTORS, 2);
        }
        for (int i = 0; i < cscdCount; i++) {
            int off = HEADER_LENGTH + i * CSCD_LENGTH;
            if (list.getUnsignedByte(base + off) != CopyLimits.CSCD_IDENTIFICATION) {
                throw illegal(AdditionalSense.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE, off);
            }
        }
        CopyParameters p = new CopyParameters(list, luns, cscdCount);
        List<Integer> offsets = p.segmentOffsets(HEADER_LENGTH + cscdLength, (int) segmentLength);
        List<Segment> segments = new ArrayList<>(offsets.size());
        for (int off : offsets) {
            segments.add(p.segment(off));
        }
        ListIdUsage how = switch (usage) {
            case 0b00 -> ListIdUsage.HOLD;
            case 0b10 -> ListIdUsage.NO_HOLD;
            default -> ListIdUsage.NONE;
        };
        return new CopyList(list.getUnsignedByte(base), how, List.copyOf(segments));
    }

    /** Where each segment descriptor starts, once count, type and length of each are known good. */
    private List<Integer> segmentOffsets(int start, int length) {
        List<Integer> offsets = new ArrayList<>();
        int end = start + length;
        for (int off = start; off < end; off += 4 + BLOCK_TO_BLOCK_LENGTH) {
            if (offsets.size() == CopyLimits.MAX_SEGMENT_DESCRIPTORS) {
                throw illegal(AdditionalSense.TOO_MANY_SEGMENT_DESCRIPTORS, 8);
            }
            if (off + 4 > end) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(8, -1)); // ends inside a header
            }
            if (u8(off) != CopyLimits.SEGMENT_BLOCK_TO_BLOCK) {
                throw illegal(AdditionalSense.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE, off);
            }
            if (u16(off + 2) != BLOCK_TO_BLOCK_LENGTH) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(off + 2, -1));
            }
            if (off + 4 + BLOCK_TO_BLOCK_LENGTH > end) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(8, -1));
            }
            offsets.add(off);
        }
        return offsets;
    }

    private Segment segment(int off) {
        LogicalUnit source = target(u16(off + 4), off + 4);
        LogicalUnit destination = target(u16(off + 6), off + 6);
        boolean destinationCount = (u8(off + 1) & 0x02) != 0; // DC: NUMBER OF BLOCKS counts destination blocks
        int srcBlock = source.storage().blockSize();
        int dstBlock = destination.storage().blockSize();
        long bytes = (long) u16(off + 10) * (destinationCount ? dstBlock : srcBlock);
        if (bytes % srcBlock != 0 || bytes % dstBlock != 0 || bytes > CopyLimits.MAX_SEGMENT_BYTES) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(off + 10, -1));
        }
        long sourceLba = list.getLong(base + off + 12);
        long destinationLba = list.getLong(base + off + 20);
        checkRange(source, sourceLba, bytes / srcBlock, off + 12);
        checkRange(destination, destinationLba, bytes / dstBlock, off + 20);
        return new Segment(off, source, sourceLba, destination, destinationLba, bytes);
    }

    /** The LU a segment's CSCD descriptor index names: one of ours, or the copy is aborted. */
    private LogicalUnit target(int index, int field) {
        if (index >= cscdCount) {
            throw copyAborted(AdditionalSense.COPY_TARGET_DEVICE_NOT_REACHABLE, field);
        }
        if (resolved[index] == null) {
            resolved[index] = resolve(HEADER_LENGTH + index * CSCD_LENGTH);
        }
        return resolved[index];
    }

    private LogicalUnit resolve(int off) {
        if ((u8(off + 1) & 0x1f) != 0) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(off + 1, -1)); // not a block device
        }
        int length = u8(off + 7);
        if (length > 20) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(off + 7, -1));
        }
        byte[] designator = new byte[length];
        list.getBytes(base + off + 8, designator);
        boolean naaOfLu = (u8(off + 4) & 0x0f) == CODE_SET_BINARY && (u8(off + 5) & 0x0f) == DESIGNATOR_NAA
                && ((u8(off + 5) >>> 4) & 0x3) == ASSOCIATION_LU;
        LogicalUnit lu = naaOfLu ? luns.stream().filter(l -> Arrays.equals(l.identity().naa(), designator))
                .findFirst().orElse(null) : null;
        if (lu == null) {
            throw copyAborted(AdditionalSense.COPY_TARGET_DEVICE_NOT_REACHABLE, off);
        }
        int diskBlockLength = list.getUnsignedMedium(base + off + 29);
        if (diskBlockLength != lu.storage().blockSize()) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(off + 29, -1));
        }
        return lu;
    }

    private static void checkRange(LogicalUnit lu, long lba, long blocks, int field) {
        long capacity = lu.storage().blockCount();
        if (Long.compareUnsigned(lba, capacity) > 0 || blocks > capacity - lba) {
            throw copyAborted(AdditionalSense.NO_ADDITIONAL_SENSE, field);
        }
    }

    private int u8(int off) {
        return list.getUnsignedByte(base + off);
    }

    private int u16(int off) {
        return list.getUnsignedShort(base + off);
    }

    private static CheckCondition lengthError() {
        return new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR));
    }

    private static CheckCondition illegal(AdditionalSense asc, int field) {
        return new CheckCondition(SenseData.inParameterList(SenseKey.ILLEGAL_REQUEST, asc, field));
    }

    static CheckCondition copyAborted(AdditionalSense asc, int field) {
        return new CheckCondition(SenseData.inParameterList(SenseKey.COPY_ABORTED, asc, field));
    }
}
