package net.twinblock.iscsi.scsi;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The copy manager's bookkeeping: which EXTENDED COPY commands run, and the status held for
 * RECEIVE COPY RESULTS (COPY STATUS) per I_T nexus and list identifier. Held status lives until
 * the nexus reuses the identifier or goes away; at most 256 per nexus, one per identifier.
 */
final class CopyResults {

    /** COPY MANAGER STATUS values (RECEIVE COPY RESULTS, COPY STATUS). */
    static final int IN_PROGRESS = 0x00;
    static final int COMPLETED = 0x01;
    static final int COMPLETED_WITH_ERRORS = 0x02;

    /** One copy's progress, updated by the copy as it goes and read by RECEIVE COPY RESULTS. */
    static final class Copy {
        private final Nexus nexus;
        private final int listId;
        private final CopyParameters.ListIdUsage usage;
        private final AtomicInteger segmentsProcessed = new AtomicInteger();
        private final AtomicLong bytesCopied = new AtomicLong();
        private volatile int status = IN_PROGRESS;

        private Copy(Nexus nexus, int listId, CopyParameters.ListIdUsage usage) {
            this.nexus = nexus;
            this.listId = listId;
            this.usage = usage;
        }

        void copied(long bytes) {
            bytesCopied.addAndGet(bytes);
        }

        void segmentDone() {
            segmentsProcessed.incrementAndGet();
        }

        int status() {
            return status;
        }

        int segmentsProcessed() {
            return segmentsProcessed.get();
        }

        long bytesCopied() {
            return bytesCopied.get();
        }
    }

    private final Map<Nexus, Map<Integer, Copy>> byNexus = new HashMap<>();
    private int running;

    /**
     * Registers a copy about to run.
     *
     * @throws CheckCondition OPERATION IN PROGRESS if the nexus runs a copy with this list
     *     identifier, INSUFFICIENT RESOURCES beyond {@link CopyLimits#TOTAL_CONCURRENT_COPIES}
     */
    synchronized Copy begin(Nexus nexus, int listId, CopyParameters.ListIdUsage usage) {
        Map<Integer, Copy> ids = byNexus.computeIfAbsent(nexus, n -> new HashMap<>());
        if (usage != CopyParameters.ListIdUsage.NONE) {
            Copy same = ids.get(listId);
            if (same != null && same.status == IN_PROGRESS) {
                throw new CheckCondition(SenseData.inParameterList(SenseKey.ILLEGAL_REQUEST,
                        AdditionalSense.OPERATION_IN_PROGRESS, 0));
            }
        }
        if (running == CopyLimits.TOTAL_CONCURRENT_COPIES) {
            throw new CheckCondition(SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.INSUFFICIENT_RESOURCES));
        }
        running++;
        Copy copy = new Copy(nexus, listId, usage);
        if (usage != CopyParameters.ListIdUsage.NONE) {
            ids.put(listId, copy);
        }
        return copy;
    }

    /** The copy ended; its status stays held only if its list identifier usage says so. */
    synchronized void finish(Copy copy, boolean ok) {
        running--;
        copy.status = ok ? COMPLETED : COMPLETED_WITH_ERRORS;
        Map<Integer, Copy> ids = byNexus.get(copy.nexus);
        if (ids != null && copy.usage == CopyParameters.ListIdUsage.NO_HOLD && ids.get(copy.listId) == copy) {
            ids.remove(copy.listId);
        }
        if (ids != null && ids.isEmpty()) {
            byNexus.remove(copy.nexus);
        }
    }

    /** The running or held copy of that nexus and identifier, or null. */
    synchronized Copy find(Nexus nexus, int listId) {
        Map<Integer, Copy> ids = byNexus.get(nexus);
        return ids == null ? null : ids.get(listId);
    }

    /** Held status belongs to its I_T nexus and goes with it (a running copy still finishes). */
    synchronized void nexusRemoved(Nexus nexus) {
        byNexus.remove(nexus);
    }
}
