package net.twinblock.it.client;

/**
 * What a target answered to one SCSI command.
 *
 * @param response iSCSI response code (0 = command completed at target)
 * @param status   SCSI status (0 GOOD, 2 CHECK CONDITION, ...)
 * @param data     Data-In payload placed at its buffer offsets, trimmed to what arrived
 * @param sense    sense data (without the 2-byte SenseLength), empty when none
 */
public record ScsiResult(int response, int status, byte[] data, byte[] sense) {
    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;

    public boolean good() {
        return response == 0 && status == GOOD;
    }

    /** Sense key from fixed (0x70/0x71) or descriptor (0x72/0x73) format sense, or -1. */
    public int senseKey() {
        if (sense.length < 3) {
            return -1;
        }
        int code = sense[0] & 0x7f;
        return (code >= 0x72 ? sense[1] : sense[2]) & 0x0f;
    }

    /** Additional sense code and qualifier as one number, e.g. 0x2100 LBA OUT OF RANGE; -1 if none. */
    public int ascq() {
        int code = sense.length > 0 ? sense[0] & 0x7f : 0;
        if (code >= 0x72 && sense.length >= 4) {
            return (sense[2] & 0xff) << 8 | (sense[3] & 0xff);
        }
        if (sense.length >= 14) {
            return (sense[12] & 0xff) << 8 | (sense[13] & 0xff);
        }
        return -1;
    }

    /**
     * The INFORMATION field (e.g. COMPARE AND WRITE's offset of the first miscompare), from fixed
     * sense with VALID set or descriptor sense's information descriptor; -1 if there is none.
     */
    public long information() {
        int code = sense.length > 0 ? sense[0] & 0x7f : 0;
        if (code >= 0x72) {
            for (int at = 8; at + 12 <= sense.length; at += 2 + (sense[at + 1] & 0xff)) {
                if (sense[at] == 0x00) {
                    return java.nio.ByteBuffer.wrap(sense, at + 4, 8).getLong();
                }
            }
            return -1;
        }
        if (sense.length >= 7 && (sense[0] & 0x80) != 0) {
            return java.nio.ByteBuffer.wrap(sense, 3, 4).getInt() & 0xffffffffL;
        }
        return -1;
    }

    @Override
    public String toString() {
        return String.format("ScsiResult[response=0x%02x status=0x%02x data=%d bytes sense key=0x%x asc/ascq=0x%04x]",
                response, status, data.length, senseKey(), ascq());
    }
}
