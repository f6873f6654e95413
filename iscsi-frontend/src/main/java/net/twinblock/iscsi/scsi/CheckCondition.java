package net.twinblock.iscsi.scsi;

/**
 * Thrown by a handler (synchronously or through its future) to end a command with CHECK
 * CONDITION. Cheap: no stack trace, because bad CDBs are an ordinary input, not a bug.
 */
public final class CheckCondition extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SenseData sense;

    public CheckCondition(SenseData sense) {
        super(sense.toString(), null, false, false);
        this.sense = sense;
    }

    public static CheckCondition invalidField(int byteIndex, int bitIndex) {
        return new CheckCondition(SenseData.invalidFieldInCdb(byteIndex, bitIndex));
    }

    public static CheckCondition lbaOutOfRange() {
        return new CheckCondition(SenseData.lbaOutOfRange());
    }

    public SenseData sense() {
        return sense;
    }
}
