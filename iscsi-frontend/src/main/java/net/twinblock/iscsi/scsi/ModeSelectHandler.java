package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;

/**
 * MODE SELECT (6) and (10), SPC-4 §6.9/§6.10. The whole parameter list is checked against
 * the changeable masks before anything is applied; today that makes SWP (software write
 * protect) the one parameter an initiator can change. A change raises MODE PARAMETERS
 * CHANGED for the other nexuses.
 */
final class ModeSelectHandler implements CommandHandler {

    /** The parameter list, as long as the CDB says (at most 64 KiB by the field's size). */
    @Override
    public long dataOutLength(ScsiTask task) {
        return task.op() == ScsiOpcode.MODE_SELECT_10 ? Cdb.u16(task.cdb(), 7) : Cdb.u8(task.cdb(), 4);
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        boolean ten = task.op() == ScsiOpcode.MODE_SELECT_10;
        if (Cdb.bit(cdb, 1, 0)) {
            throw CheckCondition.invalidField(1, 0); // SP: we cannot save pages
        }
        int parameterListLength = ten ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        if (parameterListLength == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, task.edtl()));
        }
        if (!Cdb.bit(cdb, 1, 4)) {
            throw CheckCondition.invalidField(1, 4); // PF=0: vendor-specific pages, none here
        }
        // Data-Out stays owned by the task; read in place.
        ByteBuf data = task.dataOut();
        int available = Math.min(data.readableBytes(), parameterListLength);
        byte[] list = new byte[available];
        data.getBytes(data.readerIndex(), list);
        int header = ten ? 8 : 4;
        if (available < header) {
            throw parameterListLengthError();
        }
        if (Cdb.u8(list, ten ? 2 : 1) != 0) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(ten ? 2 : 1, -1)); // medium type
        }
        int descriptorLength = ten ? Cdb.u16(list, 6) : Cdb.u8(list, 3);
        boolean longLba = ten && Cdb.bit(list, 4, 0);
        if (header + descriptorLength > available) {
            throw parameterListLengthError();
        }
        checkBlockDescriptor(task.storage(), list, header, descriptorLength, longLba);

        ModeParameters parameters = task.dispatcher().modeParameters(task.request().lun());
        Map<ModePage, byte[]> pages = new EnumMap<>(ModePage.class);
        int p = header + descriptorLength;
        while (p < available) {
            if (p + 2 > available) {
                throw parameterListLengthError();
            }
            if (Cdb.bit(list, p, 6)) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(p, 6)); // SPF: no subpages
            }
            ModePage page = ModePage.of(list[p] & 0x3f);
            if (page == null) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(p, 5));
            }
            int length = Cdb.u8(list, p + 1) + 2;
            if (length != page.length()) {
                throw new CheckCondition(SenseData.invalidFieldInParameterList(p + 1, -1));
            }
            if (p + length > available) {
                throw parameterListLengthError();
            }
            byte[] current = parameters.page(page, 0);
            for (int i = 2; i < length; i++) {
                int differs = (list[p + i] ^ current[i]) & 0xff & ~page.changeableBits(i);
                if (differs != 0) {
                    throw new CheckCondition(SenseData.invalidFieldInParameterList(p + i,
                            31 - Integer.numberOfLeadingZeros(differs)));
                }
            }
            byte[] selected = new byte[length];
            System.arraycopy(list, p, selected, 0, length);
            pages.put(page, selected);
            p += length;
        }
        if (!parameters.apply(pages)) {
            return CompletableFuture.completedFuture(ScsiResponses.good(parameterListLength, task.edtl()));
        }
        task.dispatcher().unitAttentions().postExcept(task.request().lun(),
                SenseData.of(SenseKey.UNIT_ATTENTION, AdditionalSense.MODE_PARAMETERS_CHANGED),
                task.request().nexus());
        // On a pair (this node decides MODE SELECT) the partner's nexuses hear of it before GOOD.
        return task.dispatcher().modeParametersChanged(task.request().lun(), task.request().nexus())
                .thenApply(v -> ScsiResponses.good(parameterListLength, task.edtl()));
    }

    /** A block descriptor may only restate the current geometry: we cannot reformat. */
    private static void checkBlockDescriptor(BlockStorage storage, byte[] list, int off, int length, boolean longLba) {
        if (length == 0) {
            return;
        }
        long blocks;
        long blockLength;
        if (longLba && length == 16) {
            blocks = Cdb.u64(list, off);
            blockLength = Cdb.u32(list, off + 12);
        } else if (!longLba && length == 8) {
            blocks = Cdb.u32(list, off);
            blockLength = Cdb.u24(list, off + 5);
        } else {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(longLba ? 6 : 3, -1));
        }
        long current = longLba ? storage.blockCount() : Math.min(storage.blockCount(), 0xffffffffL);
        if (blocks != 0 && blocks != current) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(off, -1));
        }
        if (blockLength != storage.blockSize()) {
            throw new CheckCondition(SenseData.invalidFieldInParameterList(off + (longLba ? 12 : 5), -1));
        }
    }

    private static CheckCondition parameterListLengthError() {
        return new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR));
    }
}
