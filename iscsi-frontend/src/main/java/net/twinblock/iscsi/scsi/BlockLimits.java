package net.twinblock.iscsi.scsi;

/**
 * The limits advertised in the Block Limits VPD page (0xB0) and enforced by the handlers,
 * derived from the block size so that 512- and 4096-byte LUs allow the same byte sizes.
 * One place, so what we advertise and what we refuse never drift apart.
 */
public record BlockLimits(int blockSize) {

    private static final long MIB = 1024 * 1024;

    /** Largest READ/WRITE/VERIFY: 8 MiB, well inside the MaxBurstLength open-iscsi proposes. */
    public long maxTransferBlocks() {
        return 8 * MIB / blockSize;
    }

    /** Transfers of this size or more get the best throughput (Linux uses it as io_opt). */
    public long optimalTransferBlocks() {
        return MIB / blockSize;
    }

    /** 4 KiB: the page size behind the volume; smaller writes cost a read-modify-write below us. */
    public int optimalGranularityBlocks() {
        return Math.max(1, 4096 / blockSize);
    }

    /**
     * Per UNMAP command: 512 MiB, i.e. at most 2^20 blocks, which libiscsi's conformance suite
     * takes as the sane upper bound; Linux splits larger discards.
     */
    public long maxUnmapBlocks() {
        return 512 * MIB / blockSize;
    }

    public int maxUnmapDescriptors() {
        return 256;
    }

    public int unmapGranularityBlocks() {
        return Math.max(1, 4096 / blockSize);
    }

    /**
     * WRITE SAME writes its pattern through the mirror chunk by chunk, so one command is
     * bounded to 16 MiB to stay far inside the initiator's command timeout. Kept below 65536
     * blocks also because a WRITE (16) of that many blocks, which libiscsi issues when the
     * limit allows it, would exceed {@link #maxTransferBlocks()}.
     */
    public long maxWriteSameBlocks() {
        return 16 * MIB / blockSize;
    }
}
