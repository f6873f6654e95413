package net.twinblock.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.reservation.PrType;
import net.twinblock.iscsi.reservation.Registration;
import net.twinblock.iscsi.reservation.ReservationState;

/**
 * PERSISTENT RESERVE IN (SPC-4 §6.14): READ KEYS, READ RESERVATION, REPORT CAPABILITIES and
 * READ FULL STATUS, each from one snapshot of the LU's state, cut to the allocation length.
 */
final class PersistentReserveInHandler implements CommandHandler {

    /** Scope LU_SCOPE (0h) in the upper nibble of the scope/type byte. */
    private static final int LU_SCOPE = 0;

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        byte[] cdb = task.cdb();
        int allocationLength = Cdb.u16(cdb, 7);
        ReservationState s = task.dispatcher().reservations(task.request().lun()).state();
        byte[] data = switch (task.op()) {
            case PERSISTENT_RESERVE_IN_READ_KEYS -> readKeys(s);
            case PERSISTENT_RESERVE_IN_READ_RESERVATION -> readReservation(s);
            case PERSISTENT_RESERVE_IN_REPORT_CAPABILITIES -> reportCapabilities(s);
            case PERSISTENT_RESERVE_IN_READ_FULL_STATUS -> readFullStatus(s);
            default -> throw new IllegalStateException("not a PRIN service action: " + task.op());
        };
        return CompletableFuture.completedFuture(ScsiResponses.dataIn(task, data, allocationLength));
    }

    private static byte[] readKeys(ReservationState s) {
        byte[] data = new byte[8 + 8 * s.registrations().size()];
        Cdb.putInt(data, 0, s.generation());
        Cdb.putInt(data, 4, 8 * s.registrations().size());
        int p = 8;
        for (Registration r : s.registrations()) {
            Cdb.putLong(data, p, r.key());
            p += 8;
        }
        return data;
    }

    private static byte[] readReservation(ReservationState s) {
        byte[] data = new byte[s.reserved() ? 24 : 8];
        Cdb.putInt(data, 0, s.generation());
        if (s.reserved()) {
            Cdb.putInt(data, 4, 16);
            Cdb.putLong(data, 8, s.reservationKey());
            data[21] = (byte) (LU_SCOPE << 4 | s.type().code());
        }
        return data;
    }

    /** What this device server supports (SPC-4 §6.14.4): everything, with the types mask. */
    private static byte[] reportCapabilities(ReservationState s) {
        byte[] data = new byte[8];
        Cdb.putShort(data, 0, 8);
        // CRH: RESERVE/RELEASE meet persistent reservations as SPC-4 §5.13.3 says; SIP_C, ATP_C, PTPL_C.
        data[2] = (byte) (0x10 | 0x08 | 0x04 | 0x01);
        // TMV: the type mask is valid; ALLOW COMMANDS 001b (table 63 as is); PTPL_A: APTPL is active.
        data[3] = (byte) (0x80 | 0x10 | (s.aptpl() ? 0x01 : 0));
        int mask = 0;
        for (PrType t : PrType.values()) {
            mask |= typeMaskBit(t);
        }
        Cdb.putShort(data, 4, mask);
        return data;
    }

    /** The bit of {@code t} in the PERSISTENT RESERVATION TYPE MASK (SPC-4 table 201). */
    private static int typeMaskBit(PrType t) {
        return switch (t) {
            case WRITE_EXCLUSIVE_ALL_REGISTRANTS -> 0x8000;
            case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> 0x4000;
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> 0x2000;
            case EXCLUSIVE_ACCESS -> 0x0800;
            case WRITE_EXCLUSIVE -> 0x0200;
            case EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> 0x0001;
        };
    }

    private static byte[] readFullStatus(ReservationState s) {
        ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
        for (Registration r : s.registrations()) {
            byte[] tid = TransportIds.encode(r.port());
            byte[] d = new byte[24 + tid.length];
            Cdb.putLong(d, 0, r.key());
            boolean holder = s.reserved() && (s.type().allRegistrants() || r.equals(s.holder()));
            d[12] = (byte) ((r.allTargetPorts() ? 0x02 : 0) | (holder ? 0x01 : 0));
            if (holder) {
                d[13] = (byte) (LU_SCOPE << 4 | s.type().code());
            }
            Cdb.putShort(d, 18, r.allTargetPorts() ? 0 : r.port().relativePortId());
            Cdb.putInt(d, 20, tid.length);
            System.arraycopy(tid, 0, d, 24, tid.length);
            descriptors.writeBytes(d);
        }
        byte[] body = descriptors.toByteArray();
        byte[] data = new byte[8 + body.length];
        Cdb.putInt(data, 0, s.generation());
        Cdb.putInt(data, 4, body.length);
        System.arraycopy(body, 0, data, 8, body.length);
        return data;
    }
}
