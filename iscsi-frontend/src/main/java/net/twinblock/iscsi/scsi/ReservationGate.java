package net.twinblock.iscsi.scsi;

import net.twinblock.iscsi.reservation.InitiatorPort;
import net.twinblock.iscsi.reservation.ReservationState;

/**
 * Which commands an I_T nexus may run under the LU's reservations: SPC-4 table 63 and SBC-3
 * table 13 for persistent reservations, SPC-2 §5.5.1 for RESERVE(6)/(10). PROUT itself always
 * passes here; its handler checks keys and holders.
 */
final class ReservationGate {

    /** How a command relates to reservations. */
    enum Access {
        /** Allowed whatever is reserved: reports, identification, reservation commands. */
        ALWAYS,
        /** Reads the medium (or its parameters): allowed to everyone under Write Exclusive types. */
        READ,
        /** Changes the medium or the LU's state: only holders (and, for RO/AR types, registrants). */
        WRITE
    }

    private ReservationGate() {
    }

    static Access access(ScsiOpcode op) {
        return switch (op) {
            case INQUIRY, REPORT_LUNS, REQUEST_SENSE, TEST_UNIT_READY, READ_CAPACITY_10, READ_CAPACITY_16,
                    REPORT_TARGET_PORT_GROUPS, REPORT_SUPPORTED_OPERATION_CODES,
                    PERSISTENT_RESERVE_IN_READ_KEYS, PERSISTENT_RESERVE_IN_READ_RESERVATION,
                    PERSISTENT_RESERVE_IN_REPORT_CAPABILITIES, PERSISTENT_RESERVE_IN_READ_FULL_STATUS,
                    PERSISTENT_RESERVE_OUT_REGISTER, PERSISTENT_RESERVE_OUT_RESERVE,
                    PERSISTENT_RESERVE_OUT_RELEASE, PERSISTENT_RESERVE_OUT_CLEAR,
                    PERSISTENT_RESERVE_OUT_PREEMPT, PERSISTENT_RESERVE_OUT_PREEMPT_AND_ABORT,
                    PERSISTENT_RESERVE_OUT_REGISTER_AND_IGNORE_EXISTING_KEY,
                    PERSISTENT_RESERVE_OUT_REGISTER_AND_MOVE,
                    RESERVE_6, RESERVE_10, RELEASE_6, RELEASE_10,
                    RECEIVE_COPY_RESULTS_COPY_STATUS, RECEIVE_COPY_RESULTS_OPERATING_PARAMETERS -> Access.ALWAYS;
            case READ_6, READ_10, READ_12, READ_16, VERIFY_10, VERIFY_12, VERIFY_16, PRE_FETCH_10, PRE_FETCH_16,
                    MODE_SENSE_6, MODE_SENSE_10, GET_LBA_STATUS -> Access.READ;
            case WRITE_6, WRITE_10, WRITE_12, WRITE_16, WRITE_AND_VERIFY_10, WRITE_AND_VERIFY_12,
                    WRITE_AND_VERIFY_16, WRITE_SAME_10, WRITE_SAME_16, UNMAP, COMPARE_AND_WRITE, ORWRITE_16,
                    SYNCHRONIZE_CACHE_10, SYNCHRONIZE_CACHE_16, MODE_SELECT_6, MODE_SELECT_10,
                    START_STOP_UNIT, EXTENDED_COPY -> Access.WRITE;
        };
    }

    /** True if {@code op} from {@code nexus} must end in RESERVATION CONFLICT. */
    static boolean conflicts(ReservationState s, InitiatorPort nexus, ScsiOpcode op) {
        if (s.legacyHolder() != null && !s.legacyHolder().equals(nexus)) {
            // SPC-2: another nexus's RESERVE leaves only identification and RELEASE (a no-op). REPORT
            // TARGET PORT GROUPS passes too, or a multipath ALUA handler would fail the path.
            return !(op == ScsiOpcode.INQUIRY || op == ScsiOpcode.REPORT_LUNS || op == ScsiOpcode.REQUEST_SENSE
                    || op == ScsiOpcode.REPORT_TARGET_PORT_GROUPS
                    || op == ScsiOpcode.RELEASE_6 || op == ScsiOpcode.RELEASE_10);
        }
        if (!s.reserved() || s.isHolder(nexus)) {
            return false;
        }
        Access access = access(op);
        if (access == Access.ALWAYS) {
            return false;
        }
        if (s.type().registrantsMayAccess() && s.registrationOf(nexus) != null) {
            return false;
        }
        return access == Access.WRITE || s.type().exclusiveAccess();
    }
}
