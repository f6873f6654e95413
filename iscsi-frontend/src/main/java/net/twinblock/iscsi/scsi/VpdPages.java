package net.twinblock.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.PortGroup;

/** The Vital Product Data pages (SPC-4 §7.8, SBC-3 §6.6) Linux reads while probing a disk. */
final class VpdPages {

    static final int SUPPORTED_PAGES = 0x00;
    static final int UNIT_SERIAL_NUMBER = 0x80;
    static final int DEVICE_IDENTIFICATION = 0x83;
    static final int THIRD_PARTY_COPY = 0x8f;
    static final int BLOCK_LIMITS = 0xb0;
    static final int BLOCK_DEVICE_CHARACTERISTICS = 0xb1;
    static final int LOGICAL_BLOCK_PROVISIONING = 0xb2;

    private static final int[] PAGES = {SUPPORTED_PAGES, UNIT_SERIAL_NUMBER, DEVICE_IDENTIFICATION,
        THIRD_PARTY_COPY, BLOCK_LIMITS, BLOCK_DEVICE_CHARACTERISTICS, LOGICAL_BLOCK_PROVISIONING};

    /** iSCSI protocol identifier, for designators with PIV=1 (SPC-4 Table 362). */
    private static final int PROTOCOL_ISCSI = 0x5;

    private VpdPages() {
    }

    /** The whole page, or null if we do not have it. */
    /** @param readModifyWrite the LU serves COMPARE AND WRITE (see {@link ScsiCommandDispatcher#guardsEveryWrite}) */
    static byte[] page(int code, LogicalUnit lu, boolean readModifyWrite) {
        return switch (code) {
            case SUPPORTED_PAGES -> supportedPages();
            case UNIT_SERIAL_NUMBER -> serialNumber(lu);
            case DEVICE_IDENTIFICATION -> deviceIdentification(lu);
            case THIRD_PARTY_COPY -> ThirdPartyCopyPage.page(lu.storage().blockSize());
            case BLOCK_LIMITS -> blockLimits(lu, readModifyWrite);
            case BLOCK_DEVICE_CHARACTERISTICS -> blockDeviceCharacteristics();
            case LOGICAL_BLOCK_PROVISIONING -> logicalBlockProvisioning(lu);
            default -> null;
        };
    }

    private static byte[] header(int code, int pageLength) {
        byte[] d = new byte[4 + pageLength];
        d[1] = (byte) code;
        Cdb.putShort(d, 2, pageLength);
        return d;
    }

    private static byte[] supportedPages() {
        byte[] d = header(SUPPORTED_PAGES, PAGES.length);
        for (int i = 0; i < PAGES.length; i++) {
            d[4 + i] = (byte) PAGES[i];
        }
        return d;
    }

    private static byte[] serialNumber(LogicalUnit lu) {
        byte[] serial = lu.identity().serial().getBytes(StandardCharsets.US_ASCII);
        byte[] d = header(UNIT_SERIAL_NUMBER, serial.length);
        System.arraycopy(serial, 0, d, 4, serial.length);
        return d;
    }

    private static byte[] deviceIdentification(LogicalUnit lu) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // NAA IEEE Registered Extended: binary, associated with the LU. Both nodes report the
        // same one, which is how multipath learns it is one disk.
        designator(out, 0x01, 0x03, lu.identity().naa());
        PortGroup pg = lu.portGroup();
        byte[] port = new byte[4];
        Cdb.putShort(port, 2, pg.relativePortId());
        // Relative target port (type 4) and target port group (type 5): target port association,
        // PIV=1 with the iSCSI protocol identifier, as ALUA initiators (scsi_dh_alua) look for.
        designator(out, PROTOCOL_ISCSI << 4 | 0x01, 0x80 | 0x10 | 0x04, port);
        byte[] group = new byte[4];
        Cdb.putShort(group, 2, pg.groupId());
        designator(out, PROTOCOL_ISCSI << 4 | 0x01, 0x80 | 0x10 | 0x05, group);
        byte[] designators = out.toByteArray();
        byte[] d = header(DEVICE_IDENTIFICATION, designators.length);
        System.arraycopy(designators, 0, d, 4, designators.length);
        return d;
    }

    private static void designator(ByteArrayOutputStream out, int codeSet, int typeAndAssociation, byte[] value) {
        out.write(codeSet);
        out.write(typeAndAssociation);
        out.write(0);
        out.write(value.length);
        out.writeBytes(value);
    }

    private static byte[] blockLimits(LogicalUnit lu, boolean readModifyWrite) {
        BlockStorage storage = lu.storage();
        BlockLimits limits = new BlockLimits(storage.blockSize());
        byte[] d = header(BLOCK_LIMITS, 0x3c);
        // byte 4, WSNZ=0: WRITE SAME of 0 blocks runs to the end of the medium, within the maximum below.
        if (readModifyWrite) {
            d[5] = (byte) CompareAndWriteHandler.MAX_BLOCKS;
        }
        Cdb.putShort(d, 6, limits.optimalGranularityBlocks());
        Cdb.putInt(d, 8, (int) limits.maxTransferBlocks());
        Cdb.putInt(d, 12, (int) limits.optimalTransferBlocks());
        if (storage.thinProvisioned()) {
            Cdb.putInt(d, 20, (int) limits.maxUnmapBlocks());
            Cdb.putInt(d, 24, limits.maxUnmapDescriptors());
            Cdb.putInt(d, 28, limits.unmapGranularityBlocks());
            d[32] = (byte) 0x80;       // UGAVALID, alignment 0
        }
        Cdb.putLong(d, 36, limits.maxWriteSameBlocks());
        return d;
    }

    private static byte[] blockDeviceCharacteristics() {
        byte[] d = header(BLOCK_DEVICE_CHARACTERISTICS, 0x3c);
        Cdb.putShort(d, 4, 0x0001);    // non-rotating medium: Linux then skips rotational tuning
        return d;
    }

    private static byte[] logicalBlockProvisioning(LogicalUnit lu) {
        byte[] d = header(LOGICAL_BLOCK_PROVISIONING, 4);
        if (lu.storage().thinProvisioned()) {
            d[5] = (byte) (0x80 | 0x40 | 0x20 | 0x04); // LBPU, LBPWS, LBPWS10, LBPRZ
            d[6] = 0x02;                               // thin provisioned
        }
        return d;
    }
}
