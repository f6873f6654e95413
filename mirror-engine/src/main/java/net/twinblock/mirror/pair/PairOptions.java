package net.twinblock.mirror.pair;

import java.util.Objects;
import net.twinblock.mirror.record.PairRecord;
import net.twinblock.mirror.resync.DivergenceTracker;
import net.twinblock.mirror.store.Journal;

/**
 * What other parts of the engine plug into a pair, and one startup fact.
 *
 * @param volumeCreated true if the volume file was created by this start (it did not exist):
 *        with no metadata file yet, the volume is then known empty, and two new volumes start in
 *        sync without a copy. False (the safe default) treats a volume without metadata as
 *        holding data, so a new secondary gets a full copy
 * @param divergence told about every range changed without the secondary (resync bitmap)
 * @param record the predictive record: it supplies the primary's write intent and the
 *        secondary's read gate, and a crash no longer forces a full copy while its file is valid
 *        ({@link PairRecord#NONE}: writes go straight on, reads are not gated)
 * @param points consistency points ({@code cp.*}), or {@link PointSettings#OFF}
 * @param journalMaxSize bytes the secondary's journal may hold ({@code journal.max-size}) before it
 *        makes its volume durable and starts again, holding the primary's writes meanwhile
 */
public record PairOptions(boolean volumeCreated, DivergenceTracker divergence, PairRecord record,
        long journalMaxSize, PointSettings points) {

    public PairOptions {
        Objects.requireNonNull(divergence, "divergence");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(points, "points");
        if (journalMaxSize < Journal.MIN_MAX_SIZE) {
            throw new IllegalArgumentException("journal.max-size must be at least " + Journal.MIN_MAX_SIZE
                    + " bytes, not " + journalMaxSize);
        }
    }

    public static PairOptions defaults() {
        return new PairOptions(false, DivergenceTracker.fullResync(), PairRecord.NONE, Journal.DEFAULT_MAX_SIZE,
                PointSettings.OFF);
    }

    public PairOptions withRecord(PairRecord r) {
        return new PairOptions(volumeCreated, divergence, r, journalMaxSize, points);
    }

    public PairOptions withVolumeCreated(boolean created) {
        return new PairOptions(created, divergence, record, journalMaxSize, points);
    }

    public PairOptions withDivergence(DivergenceTracker tracker) {
        return new PairOptions(volumeCreated, tracker, record, journalMaxSize, points);
    }

    public PairOptions withJournalMaxSize(long bytes) {
        return new PairOptions(volumeCreated, divergence, record, bytes, points);
    }

    public PairOptions withPoints(PointSettings settings) {
        return new PairOptions(volumeCreated, divergence, record, journalMaxSize, settings);
    }
}
