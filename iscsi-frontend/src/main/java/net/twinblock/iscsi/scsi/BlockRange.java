package net.twinblock.iscsi.scsi;

/**
 * LBA and block count of a medium-access CDB. SBC-3 keeps them at the same offsets for every
 * command of one CDB size, so the CDB group (top three opcode bits) says where they are.
 *
 * @param lba          logical block address (unsigned 64-bit)
 * @param blocks       transfer / verification / number-of-blocks field (unsigned 32-bit)
 * @param lengthOffset CDB byte where the block count starts, for sense field pointers
 */
record BlockRange(long lba, long blocks, int lengthOffset) {

    static BlockRange of(byte[] cdb) {
        int group = (cdb[0] & 0xff) >>> 5;
        return switch (group) {
            // 6-byte READ/WRITE: 21-bit LBA; a transfer length of 0 means 256 blocks.
            case 0 -> new BlockRange(Cdb.u24(cdb, 1) & 0x1fffff, Cdb.u8(cdb, 4) == 0 ? 256 : Cdb.u8(cdb, 4), 4);
            case 1, 2 -> new BlockRange(Cdb.u32(cdb, 2), Cdb.u16(cdb, 7), 7);
            case 4 -> new BlockRange(Cdb.u64(cdb, 2), Cdb.u32(cdb, 10), 10);
            case 5 -> new BlockRange(Cdb.u32(cdb, 2), Cdb.u32(cdb, 6), 6);
            default -> throw new IllegalArgumentException("not a block command: " + (cdb[0] & 0xff));
        };
    }
}
