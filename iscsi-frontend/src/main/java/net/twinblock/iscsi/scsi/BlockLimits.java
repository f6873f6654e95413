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

    /** Per UNMAP command: punching holes is cheap, but keep one command under a second or so. */
    public long maxUnmapBlocks() {
        return 1024 * MIB / blockSize;
    }

    public int maxUnmapDescriptors() {
        return 256;
    }

    public int unmapGranularityBlocks() {
        return Math.max(1, 4096 / blockSize);
    }

    /**
     * WRITE SAME writes its pattern block by block through the mirror, so a command is bounded
     * to 256 MiB of writes to stay well inside the initiator's 30 s command timeout.
     */
    public long maxWriteSameBlocks() {
        return 256 * MIB / blockSize;
    }
}
