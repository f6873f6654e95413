package net.twinblock.iscsi.session;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.twinblock.iscsi.login.SessionAdmission;
import net.twinblock.iscsi.login.SessionType;
import net.twinblock.iscsi.scsi.Nexus;

/**
 * The target's table of sessions, by TSIH and by initiator port (name + ISID). It assigns
 * TSIHs, reinstates a session when the same initiator port logs in again (RFC 7143 §6.3.5),
 * and reaches across sessions for resets and shutdown. Thread-safe: logins on different event
 * loops meet here.
 */
public final class SessionRegistry {

    private static final System.Logger LOG = System.getLogger(SessionRegistry.class.getName());

    /** A login admitted: its TSIH, and when the session it replaces is gone. */
    public record Admitted(int tsih, CompletableFuture<Void> predecessorGone) {
        static final Admitted FOREIGN = new Admitted(SessionAdmission.FOREIGN_IDENTITY,
                CompletableFuture.completedFuture(null));
        static final Admitted TOO_MANY = new Admitted(SessionAdmission.TOO_MANY_SESSIONS,
                CompletableFuture.completedFuture(null));
    }

    /** A TSIH taken by a login that is being finished, and whose it is. */
    private record Pending(String initiatorName) {
    }

    private record Key(String initiatorName, long isid, SessionType type) {
    }

    /** TSIH -> its Session, or a reservation token while the login is being finished. */
    private final Map<Integer, Object> byTsih = new ConcurrentHashMap<>();
    private final Map<Key, Session> byKey = new ConcurrentHashMap<>();
    private final int maxSessionsPerInitiator;
    private int lastTsih;

    /** A registry without a limit on sessions per initiator. */
    public SessionRegistry() {
        this(Integer.MAX_VALUE);
    }

    /** @param maxSessionsPerInitiator new sessions of an initiator name beyond this are refused */
    public SessionRegistry(int maxSessionsPerInitiator) {
        this.maxSessionsPerInitiator = maxSessionsPerInitiator;
    }

    /**
     * Admits a login that is about to succeed. Returns null if the initiator named a TSIH we
     * do not know (or one of another initiator port), {@link Admitted#FOREIGN} if it would
     * replace a session that another {@code identity} opened (see {@link Session#identity()}),
     * {@link Admitted#TOO_MANY} if it would be one session too many for that initiator name.
     */
    public synchronized Admitted admit(String initiatorName, long isid, int tsihFromInitiator, SessionType type,
                                       String identity) {
        Key key = new Key(initiatorName, isid, type);
        if (tsihFromInitiator != 0) {
            Object current = byTsih.get(tsihFromInitiator);
            if (!(current instanceof Session s) || !key.equals(keyOf(s))) {
                return null;
            }
            if (!s.identity().equals(identity)) {
                return Admitted.FOREIGN;
            }
            // MaxConnections=1: a new connection for the session replaces its only one. At
            // ErrorRecoveryLevel 0 the old connection's tasks end with it.
            byTsih.put(tsihFromInitiator, new Pending(initiatorName));
            byKey.remove(key, s);
            return new Admitted(tsihFromInitiator, s.terminate("connection reinstated by a new login"));
        }
        Session existing = byKey.get(key);
        if (existing != null && !existing.identity().equals(identity)) {
            return Admitted.FOREIGN;
        }
        if (existing == null && sessionsOf(initiatorName) >= maxSessionsPerInitiator) {
            return Admitted.TOO_MANY;
        }
        Session old = byKey.remove(key);
        CompletableFuture<Void> gone = old == null ? CompletableFuture.completedFuture(null)
                : old.terminate("reinstated by a new login of the same initiator port");
        int tsih = nextFreeTsih();
        byTsih.put(tsih, new Pending(initiatorName));
        return new Admitted(tsih, gone);
    }

    /** Sessions of {@code initiatorName}, logged in or being finished (iSCSI names ignore case). */
    private int sessionsOf(String initiatorName) {
        int n = 0;
        for (Object o : byTsih.values()) {
            String name = o instanceof Session s ? s.login().initiatorName()
                    : o instanceof Pending p ? p.initiatorName() : null;
            if (initiatorName.equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /** The login completed: the session now owns its TSIH. */
    void register(Session session) {
        byTsih.put(session.tsih(), session);
        byKey.put(keyOf(session), session);
    }

    /** The login failed after {@link #admit}: the TSIH is free again. */
    void release(int tsih) {
        byTsih.computeIfPresent(tsih, (k, v) -> v instanceof Session ? v : null);
    }

    void unregister(Session session) {
        byTsih.remove(session.tsih(), session);
        byKey.remove(keyOf(session), session);
    }

    public List<Session> sessions() {
        List<Session> out = new ArrayList<>();
        for (Object o : byTsih.values()) {
            if (o instanceof Session s) {
                out.add(s);
            }
        }
        return out;
    }

    public List<SessionInfo> infos() {
        return sessions().stream().map(Session::info).toList();
    }

    /** Aborts matching tasks in every session (LUN RESET, target reset, CLEAR TASK SET). */
    CompletableFuture<Void> abortEverywhere(Predicate<Task> which) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Session s : sessions()) {
            all.add(s.abortOnLoop(which));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Aborts the tasks for {@code lun} of the sessions whose nexus {@code of} accepts (PREEMPT AND ABORT). */
    public CompletableFuture<Void> abortTasks(int lun, Predicate<Nexus> of) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Session s : sessions()) {
            if (of.test(s.nexus())) {
                all.add(s.abortOnLoop(t -> t.lun == lun));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    public void terminateAll(String why) {
        for (Session s : sessions()) {
            s.terminate(why);
        }
    }

    /**
     * Lets every session finish what is in flight and takes no new command. Completes when
     * they all have, or after {@code max} (logging what was left): a shutdown must not hang on
     * a stuck storage.
     */
    public CompletableFuture<Void> drain(Duration max) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Session s : sessions()) {
            all.add(s.drain());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .orTimeout(max.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    if (e != null) {
                        long stuck = all.stream().filter(f -> !f.isDone()).count();
                        LOG.log(Level.WARNING, "drain gave up after {0}: {1} session(s) still had commands in flight",
                                max, stuck);
                    }
                    done.complete(null);
                });
        return done;
    }

    private int nextFreeTsih() {
        // TSIH is 16 bits and 0 is reserved; a full table of 65535 sessions cannot happen
        // with one connection per session before file descriptors run out.
        for (int i = 0; i < 0xffff; i++) {
            lastTsih = lastTsih % 0xffff + 1;
            if (!byTsih.containsKey(lastTsih)) {
                return lastTsih;
            }
        }
        throw new IllegalStateException("no free TSIH");
    }

    private static Key keyOf(Session s) {
        return new Key(s.login().initiatorName(), s.login().isid(), s.login().type());
    }
}
