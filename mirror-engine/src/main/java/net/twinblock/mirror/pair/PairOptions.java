package net.twinblock.mirror.pair;

import java.util.Objects;
import net.twinblock.mirror.record.WriteIntent;
import net.twinblock.mirror.record.ReadGate;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.resync.DivergenceTracker;

/**
 * The hooks other parts of the engine plug into a pair, and one startup fact.
 *
 * @param volumeCreated true if the volume file was created by this start (it did not exist):
 *        with no metadata file yet, the volume is then known empty, and two new volumes start in
 *        sync without a copy. False (the safe default) treats a volume without metadata as
 *        holding data, so a new secondary gets a full copy
 * @param divergence told about every range changed without the secondary (resync bitmap)
 * @param writeIntent called around every host write on the primary (predictive record)
 * @param readGate admits reads on the secondary (predictive record)
 */
public record PairOptions(boolean volumeCreated, DivergenceTracker divergence, WriteIntent writeIntent,
        ReadGate readGate, PairRecord record) {

    public PairOptions {
        Objects.requireNonNull(divergence, "divergence");
        Objects.requireNonNull(writeIntent, "writeIntent");
        Objects.requireNonNull(readGate, "readGate");
        Objects.requireNonNull(record, "record");
    }

    /** Without a predictive record ({@link PairRecord#NONE}). */
    public PairOptions(boolean volumeCreated, DivergenceTracker divergence, WriteIntent writeIntent,
            ReadGate readGate) {
        this(volumeCreated, divergence, writeIntent, readGate, PairRecord.NONE);
    }

    /**
     * The predictive record on this node: it replaces {@code writeIntent} and {@code readGate}
     * (it supplies both, for whichever role the node has), and a crash no longer forces a full
     * copy while its file is valid.
     */
    public PairOptions withRecord(PairRecord r) {
        return new PairOptions(volumeCreated, divergence, writeIntent, readGate, r);
    }

    public static PairOptions defaults() {
        return new PairOptions(false, DivergenceTracker.fullResync(), WriteIntent.NONE, ReadGate.OPEN);
    }

    public PairOptions withVolumeCreated(boolean created) {
        return new PairOptions(created, divergence, writeIntent, readGate, record);
    }

    public PairOptions withDivergence(DivergenceTracker tracker) {
        return new PairOptions(volumeCreated, tracker, writeIntent, readGate, record);
    }

    public PairOptions withWriteIntent(WriteIntent intent) {
        return new PairOptions(volumeCreated, divergence, intent, readGate, record);
    }

    public PairOptions withReadGate(ReadGate gate) {
        return new PairOptions(volumeCreated, divergence, writeIntent, gate, record);
    }
}
