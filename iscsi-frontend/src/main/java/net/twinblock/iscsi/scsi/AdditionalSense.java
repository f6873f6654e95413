package net.twinblock.iscsi.scsi;

/** The additional sense codes and qualifiers (ASC/ASCQ, SPC-4 Annex D) this target reports. */
public enum AdditionalSense {
    NO_ADDITIONAL_SENSE(0x00, 0x00),
    /** EXTENDED COPY reusing the list identifier of a copy still running on the nexus. */
    OPERATION_IN_PROGRESS(0x00, 0x16),
    /** Linux retries this one on the same path (scsi_lib: ACTION_DELAYED_RETRY). */
    LOGICAL_UNIT_BECOMING_READY(0x04, 0x01),
    /** ALUA transition: Linux's ALUA handler retries, dm-multipath may try another path. */
    ASYMMETRIC_ACCESS_STATE_TRANSITION(0x04, 0x0a),
    TARGET_PORT_IN_STANDBY_STATE(0x04, 0x0b),
    TARGET_PORT_IN_UNAVAILABLE_STATE(0x04, 0x0c),
    WRITE_ERROR(0x0c, 0x00),
    /** EXTENDED COPY: a CSCD descriptor names no LU of this target, or a missing descriptor. */
    COPY_TARGET_DEVICE_NOT_REACHABLE(0x0d, 0x02),
    INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT(0x0e, 0x03),
    UNRECOVERED_READ_ERROR(0x11, 0x00),
    MISCOMPARE_DURING_VERIFY_OPERATION(0x1d, 0x00),
    PARAMETER_LIST_LENGTH_ERROR(0x1a, 0x00),
    INVALID_COMMAND_OPERATION_CODE(0x20, 0x00),
    LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE(0x21, 0x00),
    INVALID_FIELD_IN_CDB(0x24, 0x00),
    LOGICAL_UNIT_NOT_SUPPORTED(0x25, 0x00),
    INVALID_FIELD_IN_PARAMETER_LIST(0x26, 0x00),
    /** PROUT RELEASE naming another type than the one held (SPC-4 §5.13.11.2). */
    INVALID_RELEASE_OF_PERSISTENT_RESERVATION(0x26, 0x04),
    TOO_MANY_TARGET_DESCRIPTORS(0x26, 0x06),
    UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE(0x26, 0x07),
    TOO_MANY_SEGMENT_DESCRIPTORS(0x26, 0x08),
    UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE(0x26, 0x09),
    LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED(0x27, 0x02),
    /** A thin LU could not allocate the blocks a write needs (SBC-3 §4.7.3.6). */
    SPACE_ALLOCATION_FAILED_WRITE_PROTECT(0x27, 0x07),
    POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED(0x29, 0x00),
    BUS_DEVICE_RESET_FUNCTION_OCCURRED(0x29, 0x03),
    MODE_PARAMETERS_CHANGED(0x2a, 0x01),
    RESERVATIONS_PREEMPTED(0x2a, 0x03),
    RESERVATIONS_RELEASED(0x2a, 0x04),
    REGISTRATIONS_PREEMPTED(0x2a, 0x05),
    CAPACITY_DATA_HAS_CHANGED(0x2a, 0x09),
    ASYMMETRIC_ACCESS_STATE_CHANGED(0x2a, 0x06),
    SAVING_PARAMETERS_NOT_SUPPORTED(0x39, 0x00),
    INTERNAL_TARGET_FAILURE(0x44, 0x00),
    /** More EXTENDED COPY commands at once than TOTAL CONCURRENT COPIES. */
    INSUFFICIENT_RESOURCES(0x55, 0x03),
    /** 4Bh: iSCSI data phase failures (SPC-4 table D.2); a write ended by one may be retried. */
    DATA_PHASE_ERROR(0x4b, 0x00),
    TOO_MUCH_WRITE_DATA(0x4b, 0x02),
    DATA_OFFSET_ERROR(0x4b, 0x05);

    private final int asc;
    private final int ascq;

    AdditionalSense(int asc, int ascq) {
        this.asc = asc;
        this.ascq = ascq;
    }

    public int asc() {
        return asc;
    }

    public int ascq() {
        return ascq;
    }
}
