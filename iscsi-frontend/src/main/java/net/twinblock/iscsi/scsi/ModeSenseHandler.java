package net.twinblock.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/** MODE SENSE (6) and (10), SPC-4 §6.11 / §6.12. */
final class ModeSenseHandler implements CommandHandler {

    private static final int PC_SAVED = 3;
    /** Device-specific parameter of a direct-access device: DPOFUA, so Linux uses FUA writes. */
    private static final int DEVICE_SPECIFIC_DPOFUA = 0x10;
    private static final int DEVICE_SPECIFIC_WP = 0x80;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean ten = task.op() == ScsiOpcode.MODE_SENSE_10;
        boolean disableBlockDescriptors = Cdb.bit(cdb, 1, 3);
        boolean longLba = ten && Cdb.bit(cdb, 1, 4);
        int pageControl = Cdb.u8(cdb, 2) >>> 6;
        int pageCode = Cdb.u8(cdb, 2) & 0x3f;
        int subpage = Cdb.u8(cdb, 3);
        int allocationLength = ten ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        if (pageControl == PC_SAVED) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST,
                    AdditionalSense.SAVING_PARAMETERS_NOT_SUPPORTED));
        }
        // We have no subpages: subpage 0xFF ("all subpages") reduces to the page itself.
        if (subpage != 0 && subpage != 0xff) {
            throw CheckCondition.invalidField(3, -1);
        }
        ModeParameters parameters = task.dispatcher().modeParameters(task.request().lun());
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        if (pageCode == ModePage.ALL_PAGES) {
            for (ModePage p : ModePage.values()) {
                pages.writeBytes(parameters.page(p, pageControl));
            }
        } else {
            ModePage p = ModePage.of(pageCode);
            if (p == null) {
                throw CheckCondition.invalidField(2, 5);
            }
            pages.writeBytes(parameters.page(p, pageControl));
        }
        byte[] descriptor = disableBlockDescriptors ? new byte[0]
                : blockDescriptor(task.storage(), longLba, pageControl == 1);
        byte[] body = pages.toByteArray();
        int headerLength = ten ? 8 : 4;
        // WP reports the software write protect in force (SBC-3 §6.4.1).
        int deviceSpecific = DEVICE_SPECIFIC_DPOFUA
                | (pageControl == 0 && parameters.softwareWriteProtect() ? DEVICE_SPECIFIC_WP : 0);
        byte[] data = new byte[headerLength + descriptor.length + body.length];
        if (ten) {
            Cdb.putShort(data, 0, data.length - 2);
            data[3] = (byte) deviceSpecific;
            data[4] = (byte) (longLba && descriptor.length > 0 ? 0x01 : 0);
            Cdb.putShort(data, 6, descriptor.length);
        } else {
            data[0] = (byte) (data.length - 1);
            data[2] = (byte) deviceSpecific;
            data[3] = (byte) descriptor.length;
        }
        System.arraycopy(descriptor, 0, data, headerLength, descriptor.length);
        System.arraycopy(body, 0, data, headerLength + descriptor.length, body.length);
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }

    /** Short (8-byte) or long LBA (16-byte) block descriptor, SBC-3 §6.4.2. */
    private static byte[] blockDescriptor(BlockStorage storage, boolean longLba, boolean changeable) {
        if (changeable) {
            return new byte[longLba ? 16 : 8];
        }
        long blocks = storage.blockCount();
        if (longLba) {
            byte[] d = new byte[16];
            Cdb.putLong(d, 0, blocks);
            Cdb.putInt(d, 12, storage.blockSize());
            return d;
        }
        byte[] d = new byte[8];
        Cdb.putInt(d, 0, blocks > 0xffffffffL ? 0xffffffff : (int) blocks);
        Cdb.putInt(d, 4, storage.blockSize()); // byte 4 is reserved, so the 24-bit length fits
        return d;
    }
}
