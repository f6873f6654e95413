package net.twinblock.iscsi.scsi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.PortGroup;

/**
 * REPORT TARGET PORT GROUPS (MAINTENANCE IN / 0x0A, SPC-4 §6.36): this node's group and, in a
 * pair, the peer's, each with its one relative port. States are read now, not cached, because
 * promotion changes them under live sessions.
 */
final class ReportTargetPortGroupsHandler implements CommandHandler {

    /** T_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP: the states {@link net.twinblock.iscsi.lun.AluaState} has. */
    private static final int SUPPORTED_STATES = 0x8f;
    /** Implicit transition time we advertise in the extended header, seconds. */
    private static final int IMPLICIT_TRANSITION_SECONDS = 30;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        int format = Cdb.u8(cdb, 1) >>> 5;
        if (format > 1) {
            throw CheckCondition.invalidField(1, 7);
        }
        long allocationLength = Cdb.u32(cdb, 6);
        List<PortGroup> groups = new ArrayList<>(2);
        groups.add(task.lu().portGroup());
        if (task.lu().portGroup().peer() != null) {
            groups.add(task.lu().portGroup().peer());
        }
        int header = format == 1 ? 8 : 4;
        byte[] data = new byte[header + 12 * groups.size()];
        Cdb.putInt(data, 0, data.length - 4);
        if (format == 1) {
            data[4] = 0x10;            // extended header format
            data[5] = (byte) IMPLICIT_TRANSITION_SECONDS;
        }
        int p = header;
        for (PortGroup g : groups) {
            data[p] = (byte) g.state().code();
            data[p + 1] = (byte) SUPPORTED_STATES;
            Cdb.putShort(data, p + 2, g.groupId());
            // byte 5, status code 0: no transition to report
            data[p + 7] = 1;           // one target port in the group
            Cdb.putShort(data, p + 10, g.relativePortId());
            p += 12;
        }
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }
}
