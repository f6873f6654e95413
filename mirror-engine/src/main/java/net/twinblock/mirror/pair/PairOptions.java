package net.twinblock.mirror.pair;

import java.util.Objects;

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
        ReadGate readGate) {

    public PairOptions {
        Objects.requireNonNull(divergence, "divergence");
        Objects.requireNonNull(writeIntent, "writeIntent");
        Objects.requireNonNull(readGate, "readGate");
    }

    public static PairOptions defaults() {
        return new PairOptions(false, DivergenceTracker.fullResync(), WriteIntent.NONE, ReadGate.OPEN);
    }

    public PairOptions withVolumeCreated(boolean created) {
        return new PairOptions(created, divergence, writeIntent, readGate);
    }

    public PairOptions withDivergence(DivergenceTracker tracker) {
        return new PairOptions(volumeCreated, tracker, writeIntent, readGate);
    }

    public PairOptions withWriteIntent(WriteIntent intent) {
        return new PairOptions(volumeCreated, divergence, intent, readGate);
    }

    public PairOptions withReadGate(ReadGate gate) {
        return new PairOptions(volumeCreated, divergence, writeIntent, gate);
    }
}
