package net.twinblock.iscsi.scsi;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import net.twinblock.iscsi.lun.LogicalUnit;
import net.twinblock.iscsi.lun.PairPeer;
import net.twinblock.iscsi.lun.StorageException;
import net.twinblock.iscsi.reservation.InitiatorPort;
import net.twinblock.iscsi.reservation.Registration;
import net.twinblock.iscsi.reservation.ReservationChange;
import net.twinblock.iscsi.reservation.ReservationNotice;
import net.twinblock.iscsi.reservation.ReservationStore;

/**
 * The SCSI device server of this target: routes each CDB to the handler of its command
 * family after the checks every command shares (LUN exists, unit attention, ALUA access
 * state), and turns every failure into CHECK CONDITION with sense data.
 *
 * <p>Runs on the session's event loop and never blocks it: handlers validate synchronously
 * and chain on storage futures.
 */
public final class ScsiCommandDispatcher implements ScsiTaskExecutor {

    private static final System.Logger LOG = System.getLogger(ScsiCommandDispatcher.class.getName());
    /** Storage failures, logged once per state with a count (a refusing node fails every command alike). */
    private static final FailureLog FAILURES = new FailureLog(LOG, System::nanoTime);

    private final Map<Integer, LogicalUnit> luns;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    private final Map<ScsiOpcode, CommandHandler> handlers = new EnumMap<>(ScsiOpcode.class);
    private final Map<Integer, ModeParameters> modeParameters = new TreeMap<>();
    /** Only where {@link #guardsEveryWrite}; other LUs' writes skip the gate. */
    private final Map<Integer, WriteGate> writeGates = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, LunReservations> reservations = new TreeMap<>();
    private final CopyResults copyResults = new CopyResults();
    private volatile TaskAborter aborter = TaskAborter.NONE;
    /** The other node of a pair, or NONE; see {@link PairPeer}. */
    private volatile PairPeer peer = PairPeer.NONE;
    private final PeerMessages peerMessages = new PeerMessages(this);

    /** A device server whose reservations live only in memory (tests, embedders without a disk). */
    public ScsiCommandDispatcher(Map<Integer, LogicalUnit> luns) {
        this(luns, ReservationStore.IN_MEMORY);
    }

    /** A device server whose reservation changes go through {@code store} before GOOD. */
    public ScsiCommandDispatcher(Map<Integer, LogicalUnit> luns, ReservationStore store) {
        Map<Integer, LogicalUnit> copy = new TreeMap<>();
        luns.forEach((n, lu) -> {
            if (lu.lun() != n) {
                throw new IllegalArgumentException("LUN map key " + n + " differs from the LU's number " + lu.lun());
            }
            copy.put(n, lu);
        });
        this.luns = Collections.unmodifiableMap(copy);
        copy.forEach((n, lu) -> {
            modeParameters.put(n, new ModeParameters());
            reservations.put(n, new LunReservations(n, store, this::noticesApplied, this::replicated));
            if (lu.portGroup().peer() == null) {
                writeGates.put(n, new WriteGate()); // standalone: every write comes through here
            }
        });

        ReadWriteHandler readWrite = new ReadWriteHandler();
        InquiryHandler inquiry = new InquiryHandler();
        CapacityHandler capacity = new CapacityHandler();
        ModeSenseHandler modeSense = new ModeSenseHandler();
        CacheHandler cache = new CacheHandler();
        handlers.put(ScsiOpcode.TEST_UNIT_READY, t -> ScsiResponses.goodNow());
        handlers.put(ScsiOpcode.START_STOP_UNIT, CacheHandler::startStopUnit);
        handlers.put(ScsiOpcode.REQUEST_SENSE, new RequestSenseHandler());
        handlers.put(ScsiOpcode.INQUIRY, inquiry);
        handlers.put(ScsiOpcode.REPORT_LUNS, new ReportLunsHandler());
        handlers.put(ScsiOpcode.READ_CAPACITY_10, capacity);
        handlers.put(ScsiOpcode.READ_CAPACITY_16, capacity);
        handlers.put(ScsiOpcode.MODE_SENSE_6, modeSense);
        handlers.put(ScsiOpcode.MODE_SENSE_10, modeSense);
        ModeSelectHandler modeSelect = new ModeSelectHandler();
        handlers.put(ScsiOpcode.MODE_SELECT_6, modeSelect);
        handlers.put(ScsiOpcode.MODE_SELECT_10, modeSelect);
        for (ScsiOpcode op : new ScsiOpcode[] {ScsiOpcode.READ_6, ScsiOpcode.READ_10, ScsiOpcode.READ_12, ScsiOpcode.READ_16,
                ScsiOpcode.WRITE_6, ScsiOpcode.WRITE_10, ScsiOpcode.WRITE_12, ScsiOpcode.WRITE_16,
                ScsiOpcode.WRITE_AND_VERIFY_10, ScsiOpcode.WRITE_AND_VERIFY_12, ScsiOpcode.WRITE_AND_VERIFY_16}) {
            handlers.put(op, readWrite);
        }
        VerifyHandler verify = new VerifyHandler();
        handlers.put(ScsiOpcode.VERIFY_10, verify);
        handlers.put(ScsiOpcode.VERIFY_12, verify);
        handlers.put(ScsiOpcode.VERIFY_16, verify);
        handlers.put(ScsiOpcode.SYNCHRONIZE_CACHE_10, cache);
        handlers.put(ScsiOpcode.SYNCHRONIZE_CACHE_16, cache);
        handlers.put(ScsiOpcode.PRE_FETCH_10, cache);
        handlers.put(ScsiOpcode.PRE_FETCH_16, cache);
        handlers.put(ScsiOpcode.UNMAP, new UnmapHandler());
        handlers.put(ScsiOpcode.GET_LBA_STATUS, new GetLbaStatusHandler());
        handlers.put(ScsiOpcode.COMPARE_AND_WRITE, new CompareAndWriteHandler());
        handlers.put(ScsiOpcode.ORWRITE_16, new OrWriteHandler());
        WriteSameHandler writeSame = new WriteSameHandler();
        handlers.put(ScsiOpcode.WRITE_SAME_10, writeSame);
        handlers.put(ScsiOpcode.WRITE_SAME_16, writeSame);
        handlers.put(ScsiOpcode.REPORT_SUPPORTED_OPERATION_CODES, new ReportOpcodesHandler());
        handlers.put(ScsiOpcode.REPORT_TARGET_PORT_GROUPS, new ReportTargetPortGroupsHandler());
        handlers.put(ScsiOpcode.EXTENDED_COPY, new ExtendedCopyHandler());
        ReceiveCopyResultsHandler copyResultsHandler = new ReceiveCopyResultsHandler();
        handlers.put(ScsiOpcode.RECEIVE_COPY_RESULTS_COPY_STATUS, copyResultsHandler);
        handlers.put(ScsiOpcode.RECEIVE_COPY_RESULTS_OPERATING_PARAMETERS, copyResultsHandler);
        PersistentReserveInHandler prIn = new PersistentReserveInHandler();
        PersistentReserveOutHandler prOut = new PersistentReserveOutHandler();
        LegacyReserveHandler legacy = new LegacyReserveHandler();
        for (ScsiOpcode op : ScsiOpcode.values()) {
            if (op.code() == ScsiOpcode.PERSISTENT_RESERVE_IN) {
                handlers.put(op, prIn);
            } else if (op.code() == ScsiOpcode.PERSISTENT_RESERVE_OUT) {
                handlers.put(op, prOut);
            }
        }
        for (ScsiOpcode op : new ScsiOpcode[] {ScsiOpcode.RESERVE_6, ScsiOpcode.RELEASE_6, ScsiOpcode.RESERVE_10,
                ScsiOpcode.RELEASE_10}) {
            handlers.put(op, legacy);
        }
        for (ScsiOpcode op : ScsiOpcode.values()) {
            if (!handlers.containsKey(op)) {
                throw new IllegalStateException("no handler for " + op);
            }
        }
    }

    @Override
    public CompletableFuture<ScsiResponse> execute(ScsiRequest request) {
        return execute(request, 0);
    }

    /**
     * Runs a command; {@code forwardedFrom} is the relative target port of the partner that
     * received it and forwarded it here (0: it arrived at this node). A forwarded command's nexus
     * is another port's: its unit attentions are the partner's to report, and it runs here.
     */
    CompletableFuture<ScsiResponse> execute(ScsiRequest request, int forwardedFrom) {
        ScsiOpcode op = null;
        ScsiTask task = null;
        try {
            op = ScsiOpcode.of(request.cdb());
            LogicalUnit lu = luns.get(request.lun());
            if (lu == null && (op == null || !op.answersForAnyLun())) {
                request.dataOut().release();
                return CompletableFuture.completedFuture(ScsiResponse.checkCondition(
                        SenseData.of(SenseKey.ILLEGAL_REQUEST, AdditionalSense.LOGICAL_UNIT_NOT_SUPPORTED)));
            }
            if (op == null) {
                request.dataOut().release();
                SenseData sense = ScsiOpcode.hasServiceActions(request.opcode())
                        ? SenseData.invalidFieldInCdb(1, 4) // known opcode, unknown service action
                        : SenseData.invalidOpcode();
                return CompletableFuture.completedFuture(ScsiResponse.checkCondition(sense));
            }
            task = forwardedFrom == 0 ? new ScsiTask(request, op, lu, this)
                    : new ScsiTask(request, op, lu, this, forwardedFrom);
            if (lu != null && op.reportsUnitAttention() && forwardedFrom == 0) {
                SenseData ua = unitAttentions.poll(request.nexus(), request.lun());
                if (ua != null) {
                    task.releaseUnclaimedData();
                    return CompletableFuture.completedFuture(ScsiResponse.checkCondition(ua));
                }
            }
            if (lu != null) {
                refuseIfBarred(lu, initiatorPort(task), op); // the catch below answers and releases
                if (PeerMessages.decidedByPrimary(op) && peer.forwards()) {
                    return peerMessages.forward(task);
                }
            }
            ScsiTask running = task;
            ScsiOpcode command = op;
            CommandHandler handler = handlers.get(op);
            WriteGate gate = op.writes() ? writeGates.get(request.lun()) : null;
            CompletableFuture<ScsiResponse> result;
            if (gate == null) {
                result = handler.handle(task);
            } else {
                boolean exclusive = WriteGate.exclusive(op);
                CompletableFuture<Void> admitted = exclusive ? gate.acquireExclusive() : gate.acquireShared();
                result = admitted.thenCompose(v -> handler.handle(running)).whenComplete((r, e) -> {
                    if (exclusive) {
                        gate.releaseExclusive();
                    } else {
                        gate.releaseShared();
                    }
                });
            }
            return result.handle((response, failure) -> {
                running.releaseUnclaimedData();
                if (failure == null) {
                    return response;
                }
                return isConflict(failure) ? ReservationConflict.response()
                        : ScsiResponse.checkCondition(senseFor(failure, command));
            });
        } catch (RuntimeException | Error e) {
            // Synchronous validation failures (CheckCondition) and bugs land here alike.
            if (task != null) {
                task.releaseUnclaimedData();
            } else {
                request.dataOut().release(); // nothing above released it before throwing
            }
            if (isConflict(e)) {
                return CompletableFuture.completedFuture(ReservationConflict.response());
            }
            return CompletableFuture.completedFuture(ScsiResponse.checkCondition(senseFor(e, op)));
        }
    }

    /**
     * Asks the command's handler from the CDB alone. State that may change before the command's
     * turn (unit attentions, ALUA, write protection) is left to {@link #execute}, which also
     * refuses, with the sense the CDB earns, every command this answers 0 for.
     */
    @Override
    public long dataOutLength(ScsiRequest request) {
        ScsiOpcode op = ScsiOpcode.of(request.cdb());
        LogicalUnit lu = luns.get(request.lun());
        if (op == null || lu == null) {
            return 0; // an unknown command or LUN: refused, or (INQUIRY, REPORT LUNS) takes no data
        }
        try {
            long wanted = handlers.get(op).dataOutLength(new ScsiTask(request, op, lu, this));
            return Math.min(wanted, Integer.toUnsignedLong(request.expectedDataTransferLength()));
        } catch (CheckCondition refused) {
            return 0;
        }
    }

    /**
     * Throws what ends {@code op} from {@code nexus} on {@code lu} when the LU's state bars it:
     * NOT READY for this port's ALUA state, RESERVATION CONFLICT, DATA PROTECT for software write
     * protection. EXTENDED COPY asks it for every LU a segment reads or writes.
     */
    void refuseIfBarred(LogicalUnit lu, Nexus nexus, ScsiOpcode op) {
        refuseIfBarred(lu, initiatorPort(nexus, lu), op);
    }

    private void refuseIfBarred(LogicalUnit lu, InitiatorPort port, ScsiOpcode op) {
        if (!op.allowedWhenInaccessible()) {
            SenseData denied = accessDenied(lu);
            if (denied != null) {
                throw new CheckCondition(denied);
            }
        }
        LunReservations r = reservations.get(lu.lun());
        if (!r.current() && peer.forwards() && ReservationGate.access(op) != ReservationGate.Access.ALWAYS) {
            // A secondary whose link just came up may hold an older reservation state than the
            // primary's (a host fenced meanwhile): nothing it must check passes until the state arrives.
            throw new CheckCondition(SenseData.of(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY));
        }
        if (ReservationGate.conflicts(r.state(), port, op)) {
            throw ReservationConflict.INSTANCE;
        }
        if (op.writes() && modeParameters.get(lu.lun()).softwareWriteProtect()) {
            throw new CheckCondition(SenseData.of(SenseKey.DATA_PROTECT,
                    AdditionalSense.LOGICAL_UNIT_SOFTWARE_WRITE_PROTECTED));
        }
    }

    /** NOT READY with the reason, when this port's ALUA state forbids medium access; else null. */
    private static SenseData accessDenied(LogicalUnit lu) {
        return switch (lu.portGroup().state()) {
            case ACTIVE_OPTIMIZED, ACTIVE_NON_OPTIMIZED -> null;
            case STANDBY -> SenseData.of(SenseKey.NOT_READY, AdditionalSense.TARGET_PORT_IN_STANDBY_STATE);
            case UNAVAILABLE -> SenseData.of(SenseKey.NOT_READY, AdditionalSense.TARGET_PORT_IN_UNAVAILABLE_STATE);
            case TRANSITIONING -> SenseData.of(SenseKey.NOT_READY, AdditionalSense.ASYMMETRIC_ACCESS_STATE_TRANSITION);
        };
    }

    private static boolean isConflict(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof ReservationConflict;
    }

    static SenseData senseFor(Throwable failure, ScsiOpcode op) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CheckCondition cc) {
            return cc.sense();
        }
        if (cause instanceof StorageException se) {
            FAILURES.failed(op, se);
            return switch (se.kind()) {
                case MEDIUM_ERROR -> SenseData.of(SenseKey.MEDIUM_ERROR, op != null && op.writes()
                        ? AdditionalSense.WRITE_ERROR : AdditionalSense.UNRECOVERED_READ_ERROR);
                // What SBC-3 gives a thin LU out of space: the write fails, reads and the LU go on.
                case SPACE_EXHAUSTED -> SenseData.of(SenseKey.DATA_PROTECT,
                        AdditionalSense.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
                // BECOMING READY: Linux's scsi_io_completion retries it after a delay on the
                // same path, which is what a briefly suspended mirror or a slow read gate needs.
                case NOT_READY_RETRYABLE -> SenseData.of(SenseKey.NOT_READY, AdditionalSense.LOGICAL_UNIT_BECOMING_READY);
                // ALUA transition: the ALUA device handler retries, dm-multipath can go elsewhere.
                case TRANSITIONING -> SenseData.of(SenseKey.NOT_READY, AdditionalSense.ASYMMETRIC_ACCESS_STATE_TRANSITION);
                case INTERNAL -> SenseData.of(SenseKey.HARDWARE_ERROR, AdditionalSense.INTERNAL_TARGET_FAILURE);
            };
        }
        LOG.log(System.Logger.Level.ERROR, "internal error executing " + op, cause);
        return SenseData.of(SenseKey.HARDWARE_ERROR, AdditionalSense.INTERNAL_TARGET_FAILURE);
    }

    @Override
    public boolean lunExists(int lun) {
        return luns.containsKey(lun);
    }

    @Override
    public void nexusAdded(Nexus nexus) {
        unitAttentions.nexusAdded(nexus, luns.keySet());
    }

    @Override
    public void nexusRemoved(Nexus nexus) {
        unitAttentions.nexusRemoved(nexus);
        copyResults.nexusRemoved(nexus);
        // SPC-2: an I_T nexus loss releases that nexus's RESERVE; persistent reservations stay.
        // On a secondary the primary decides: it gets the RELEASE this nexus would have sent.
        luns.forEach((lun, lu) -> {
            if (peer.forwards()) {
                peerMessages.releaseLegacy(lu, nexus);
            } else {
                InitiatorPort port = initiatorPort(nexus, lu);
                reservations.get(lun).change(s -> LunReservations.Outcome.of(
                        port.equals(s.legacyHolder()) ? s.withLegacyHolder(null) : s));
            }
        });
    }

    /** Also raises the unit attention on the partner's nexuses; completes once it did, or could not. */
    @Override
    public CompletableFuture<Void> lunReset(int lun, Nexus by) {
        if (!luns.containsKey(lun)) {
            return CompletableFuture.completedFuture(null);
        }
        resetHere(lun);
        return peerMessages.tell(lun, new PeerMessage.Reset());
    }

    /**
     * A LUN reset through either node: BUS DEVICE RESET FUNCTION OCCURRED on this node's nexuses,
     * and, where reservations are decided, the release of an SPC-2 reservation (SAM-5 §6.3.3);
     * persistent ones stay.
     */
    void resetHere(int lun) {
        if (!peer.forwards()) {
            reservations.get(lun).change(s -> LunReservations.Outcome.of(s.withLegacyHolder(null)));
        }
        unitAttentions.post(lun, SenseData.of(SenseKey.UNIT_ATTENTION,
                AdditionalSense.BUS_DEVICE_RESET_FUNCTION_OCCURRED), true);
    }

    @Override
    public CompletableFuture<Void> targetReset(Nexus by) {
        return CompletableFuture.allOf(luns.keySet().stream().map(lun -> lunReset(lun, by))
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Establishes a unit attention for every nexus on the LUN, e.g. CAPACITY DATA HAS CHANGED
     * after a resize or ASYMMETRIC ACCESS STATE CHANGED after a promotion.
     */
    public void postUnitAttention(int lun, AdditionalSense condition) {
        if (luns.containsKey(lun)) {
            unitAttentions.post(lun, SenseData.of(SenseKey.UNIT_ATTENTION, condition), false);
        }
    }

    /** As {@link #postUnitAttention}, and on the partner's nexuses too (a change of the one device's state). */
    public CompletableFuture<Void> postUnitAttentionOnBoth(int lun, AdditionalSense condition) {
        postUnitAttention(lun, condition);
        return peerMessages.tell(lun, new PeerMessage.UnitAttention(condition));
    }

    /**
     * Makes this device server one of a pair: reservation changes and read-modify-write commands
     * are decided by whichever node {@code partner} says decides, and resets and reservation
     * unit attentions reach both nodes' nexuses. Call before serving; the embedder must then run
     * every write the partner forwards through {@link #admitPartnerWrite} on the deciding node.
     */
    public void pairWith(PairPeer partner) {
        this.peer = Objects.requireNonNull(partner, "partner");
        reservations.values().forEach(LunReservations::awaitDecidersState); // matters while it forwards
        // The embedder promises the partner's writes come through admitPartnerWrite: every LU's gate sees them all.
        luns.keySet().forEach(n -> writeGates.computeIfAbsent(n, k -> new WriteGate()));
    }

    PairPeer peer() {
        return peer;
    }

    /** A message from the partner (see {@link PairPeer}); completes with the answer it waits for. */
    public CompletableFuture<byte[]> peerMessage(int lun, byte[] message) {
        return peerMessages.received(lun, message);
    }

    /**
     * On the node that decides, sends LUN {@code lun}'s whole reservation state to the partner
     * (after every change queued before it), when the partner asks at a link-up
     * ({@link #refreshReservationState}), so a partner that missed changes while apart, or
     * restarted, enforces the current state.
     */
    CompletableFuture<Void> sendReservationState(int lun) {
        LunReservations r = reservations.get(lun);
        if (r == null || peer.forwards()) {
            return CompletableFuture.completedFuture(null);
        }
        return r.resend();
    }

    /**
     * On a node that forwards, whenever its link to the deciding node comes up: asks that node for
     * LUN {@code lun}'s whole reservation state, and until it arrived refuses the commands
     * reservations may bar with NOT READY, LOGICAL UNIT BECOMING READY (retryable): what this node
     * holds may be older (a host fenced while the nodes were apart). Completes when the state is here.
     */
    public CompletableFuture<Void> refreshReservationState(int lun) {
        LunReservations r = reservations.get(lun);
        if (r == null || !peer.forwards()) {
            return CompletableFuture.completedFuture(null);
        }
        return r.awaitDecidersState().thenCompose(v -> peer.call(lun, new PeerMessage.StateRequest().encode()))
                .thenApply(answer -> null);
    }

    /** MODE SELECT changed LUN {@code lun}'s pages here: where this node decides, the partner gets them too. */
    CompletableFuture<Void> modeParametersChanged(int lun, Nexus by) {
        return peer.forwards() ? CompletableFuture.completedFuture(null) : peerMessages.modeParameters(lun, by);
    }

    /** Where this node decides: the partner must have {@code change} before the command gets GOOD. */
    private CompletableFuture<Void> replicated(ReservationChange change) {
        PairPeer p = peer;
        return p.forwards() ? CompletableFuture.completedFuture(null)
                : p.replicate(change.lun(), new PeerMessage.Reservations(change.encode()).encode());
    }

    Map<Integer, LogicalUnit> luns() {
        return luns;
    }

    /**
     * True where the LU's write gate sees every write, so an exclusive holder (COMPARE AND WRITE,
     * ORWRITE) is atomic against all of them: on a standalone node, and on a pair whose embedder
     * runs the partner's forwarded writes through {@link #admitPartnerWrite} (see
     * {@link #pairWith}). Elsewhere those commands are unsupported opcodes.
     */
    boolean guardsEveryWrite(LogicalUnit lu) {
        return writeGates.containsKey(lu.lun());
    }

    /**
     * On the node that decides for a pair: a write the partner forwarded may go to storage once
     * this completes, and must run the returned release when it is done. It holds LUN
     * {@code lun}'s write gate shared, as this node's own writes do, so COMPARE AND WRITE here is
     * atomic against writes that reached either node.
     */
    public CompletableFuture<Runnable> admitPartnerWrite(int lun) {
        WriteGate gate = writeGates.get(lun);
        if (gate == null) {
            return CompletableFuture.completedFuture(() -> { });
        }
        return gate.acquireShared().thenApply(v -> gate::releaseShared);
    }

    /** The LU's write gate, or null where it has none (see {@link #guardsEveryWrite}). */
    WriteGate writeGate(int lun) {
        return writeGates.get(lun);
    }

    CopyResults copyResults() {
        return copyResults;
    }

    /** Lets PREEMPT AND ABORT end the preempted nexuses' tasks (the session layer supplies it). */
    public void abortTasksThrough(TaskAborter taskAborter) {
        this.aborter = Objects.requireNonNull(taskAborter, "taskAborter");
    }

    /** Aborts the LU's tasks of the nexuses the registrations covered (their registrations are gone). */
    CompletableFuture<Void> abortTasksOf(int lun, List<Registration> preempted) {
        if (preempted.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        LogicalUnit lu = luns.get(lun);
        return aborter.abort(lun, nexus -> preempted.stream().anyMatch(r -> r.covers(initiatorPort(nexus, lu))));
    }

    LunReservations reservations(int lun) {
        return reservations.get(lun);
    }

    /** The reservation identity of the task's I_T nexus: its initiator port and this node's target port. */
    InitiatorPort initiatorPort(ScsiTask task) {
        Nexus n = task.request().nexus();
        return new InitiatorPort(n.initiatorName(), n.isid(), task.relativePortId());
    }

    static InitiatorPort initiatorPort(Nexus nexus, LogicalUnit lu) {
        return new InitiatorPort(nexus.initiatorName(), nexus.isid(), lu.portGroup().relativePortId());
    }

    /** Raises the unit attentions a reservation change owes on this node's nexuses. */
    private void noticesApplied(ReservationChange change) {
        LogicalUnit lu = luns.get(change.lun());
        for (ReservationNotice n : change.notices()) {
            AdditionalSense condition = switch (n.event()) {
                case RESERVATIONS_PREEMPTED -> AdditionalSense.RESERVATIONS_PREEMPTED;
                case RESERVATIONS_RELEASED -> AdditionalSense.RESERVATIONS_RELEASED;
                case REGISTRATIONS_PREEMPTED -> AdditionalSense.REGISTRATIONS_PREEMPTED;
            };
            unitAttentions.postWhere(change.lun(), SenseData.of(SenseKey.UNIT_ATTENTION, condition),
                    nexus -> n.to().covers(initiatorPort(nexus, lu)));
        }
    }

    ModeParameters modeParameters(int lun) {
        return modeParameters.get(lun);
    }

    UnitAttentions unitAttentions() {
        return unitAttentions;
    }
}
