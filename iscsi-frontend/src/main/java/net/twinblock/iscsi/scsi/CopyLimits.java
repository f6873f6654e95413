package net.twinblock.iscsi.scsi;

/**
 * What this target's copy manager (EXTENDED COPY, LID1) accepts, as RECEIVE COPY RESULTS'
 * operating parameters and the Third-party Copy VPD page advertise it and the parameter list
 * parser enforces it: one place, so the three never drift apart.
 */
final class CopyLimits {

    /** Enough for a source and a destination LU and some to spare; libiscsi asks for at least 2. */
    static final int MAX_CSCD_DESCRIPTORS = 8;
    static final int MAX_SEGMENT_DESCRIPTORS = 16;
    /** CSCD and segment descriptor lists together, in bytes. */
    static final int MAX_DESCRIPTOR_LIST_LENGTH = 1024;
    /**
     * Bytes per segment: like one WRITE SAME, 16 MiB, so even 16 segments through the mirror stay
     * far inside an initiator's command timeout (VMware sends 4 MiB, qemu 2 MiB).
     */
    static final int MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
    /** No inline or embedded data: block-to-block copies only. */
    static final int MAX_INLINE_DATA = 0;
    /** Copies running at once on this node, over all nexuses; more are refused, not queued. */
    static final int TOTAL_CONCURRENT_COPIES = 64;
    /** Held copy status is per nexus and list identifier (0-255). */
    static final int MAX_IDENTIFIED_CONCURRENT_COPIES = 255;

    /** Descriptor type codes (SPC-4 EXTENDED COPY) the parser accepts. */
    static final int SEGMENT_BLOCK_TO_BLOCK = 0x02;
    static final int CSCD_IDENTIFICATION = 0xe4;

    private CopyLimits() {
    }

    /** DATA SEGMENT GRANULARITY: log2 of the smallest amount a segment may copy, one block. */
    static int dataSegmentGranularity(int blockSize) {
        return Integer.numberOfTrailingZeros(blockSize);
    }
}
