package net.twinblock.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.lun.BlockStorage;
import net.twinblock.iscsi.lun.StorageException;

/**
 * EXTENDED COPY (LID1, SPC-4): copies block ranges within and between this target's LUs without
 * the data crossing the network. The whole parameter list is checked first ({@link
 * CopyParameters}); each LU a segment reads or writes must admit this nexus as a READ or WRITE
 * from it would (ALUA state, reservations, write protection). Then the segments run in order,
 * each in chunks read from the source storage and written through the destination storage, the
 * path host writes take, so a pair mirrors them like any write. Every chunk write holds the
 * destination LU's {@link WriteGate} shared, so COMPARE AND WRITE stays atomic against copies.
 */
final class ExtendedCopyHandler implements CommandHandler {

    /** Bytes read and written at a time: a multiple of 4096, so of either block size. */
    private static final int CHUNK_BYTES = 1024 * 1024;

    /** The whole parameter list: the CDB's length, refused above what the limits could hold. */
    @Override
    public long dataOutLength(ScsiTask task) {
        return parameterListLength(task);
    }

    private static long parameterListLength(ScsiTask task) {
        long length = Cdb.u32(task.cdb(), 10);
        if (length > CopyParameters.HEADER_LENGTH + CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH + CopyLimits.MAX_INLINE_DATA) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.PARAMETER_LIST_LENGTH_ERROR));
        }
        return length;
    }

    @Override
    public CompletableFuture<ScsiResponse> handle(ScsiTask task) {
        int length = (int) parameterListLength(task);
        int edtl = task.edtl();
        if (length == 0) {
            return CompletableFuture.completedFuture(ScsiResponses.good(0, edtl)); // an empty list copies nothing
        }
        ScsiCommandDispatcher dispatcher = task.dispatcher();
        Nexus nexus = task.request().nexus();
        CopyParameters.CopyList list = CopyParameters.parse(task.dataOut(), length, dispatcher.luns().values());
        for (CopyParameters.Segment s : list.segments()) {
            dispatcher.refuseIfBarred(s.source(), nexus, ScsiOpcode.READ_16);
            dispatcher.refuseIfBarred(s.destination(), nexus, ScsiOpcode.WRITE_16);
        }
        CopyResults.Copy copy = dispatcher.copyResults().begin(nexus, list.listId(), list.usage());
        CompletableFuture<Void> done;
        try {
            done = segments(task, list.segments(), 0, copy);
        } catch (RuntimeException | Error e) {
            dispatcher.copyResults().finish(copy, false);
            throw e;
        }
        return done.whenComplete((v, e) -> dispatcher.copyResults().finish(copy, e == null))
                .thenApply(v -> ScsiResponses.good(length, edtl));
    }

    private static CompletableFuture<Void> segments(ScsiTask task, List<CopyParameters.Segment> segments, int next,
                                                    CopyResults.Copy copy) {
        if (next == segments.size()) {
            return CompletableFuture.completedFuture(null);
        }
        CopyParameters.Segment s = segments.get(next);
        // Forwards, unless the destination overlaps the source further on in the same LU: then
        // backwards, so no block is overwritten before it was read.
        long blocks = s.bytes() / s.source().storage().blockSize();
        boolean backwards = s.source() == s.destination() && s.destinationLba() > s.sourceLba()
                && s.destinationLba() - s.sourceLba() < blocks;
        int count = (int) ((s.bytes() + CHUNK_BYTES - 1) / CHUNK_BYTES);
        return chunks(task, s, 0, count, backwards, copy).thenCompose(v -> {
            copy.segmentDone();
            return segments(task, segments, next + 1, copy);
        });
    }

    /** Copies the segment's {@code k}-th chunk of {@code count} in the chosen direction, then the rest. */
    private static CompletableFuture<Void> chunks(ScsiTask task, CopyParameters.Segment s, int k, int count,
                                                  boolean backwards, CopyResults.Copy copy) {
        if (k == count) {
            return CompletableFuture.completedFuture(null);
        }
        long at = (long) (backwards ? count - 1 - k : k) * CHUNK_BYTES;
        int n = (int) Math.min(CHUNK_BYTES, s.bytes() - at);
        BlockStorage from = s.source().storage();
        BlockStorage to = s.destination().storage();
        long srcLba = s.sourceLba() + at / from.blockSize();
        long dstLba = s.destinationLba() + at / to.blockSize();
        int srcBlocks = n / from.blockSize();
        WriteGate gate = task.dispatcher().writeGate(s.destination().lun());
        return from.readGate(srcLba, srcBlocks)
                .thenCompose(v -> from.read(srcLba, srcBlocks, task.alloc()))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(asCopyFailure(e, false)))
                .thenCompose(data -> write(to, dstLba, data, gate)) // data: ownership passes to the storage
                .thenCompose(v -> {
                    copy.copied(n);
                    return chunks(task, s, k + 1, count, backwards, copy);
                });
    }

    private static CompletableFuture<Void> write(BlockStorage to, long lba, ByteBuf data, WriteGate gate) {
        if (gate == null) {
            return to.write(lba, data, false).exceptionallyCompose(e -> CompletableFuture.failedFuture(asCopyFailure(e, true)));
        }
        return gate.acquireShared()
                .thenCompose(v -> to.write(lba, data, false))
                .whenComplete((v, e) -> gate.releaseShared())
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(asCopyFailure(e, true)));
    }

    /**
     * A medium error says which side failed (the dispatcher would call every failure of this
     * command a read error); other storage failures keep their meaning, e.g. "retry" while the
     * mirror is suspended.
     */
    private static Throwable asCopyFailure(Throwable failure, boolean writing) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof StorageException se && se.kind() == StorageException.Kind.MEDIUM_ERROR) {
            return new CheckCondition(SenseData.of(SenseKey.MEDIUM_ERROR,
                    writing ? AdditionalSense.WRITE_ERROR : AdditionalSense.UNRECOVERED_READ_ERROR));
        }
        return cause;
    }
}
