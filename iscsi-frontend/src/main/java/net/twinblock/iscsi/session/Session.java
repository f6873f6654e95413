package net.twinblock.iscsi.session;

import io.netty.channel.EventLoop;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import net.twinblock.iscsi.login.LoginResult;
import net.twinblock.iscsi.login.SessionType;
import net.twinblock.iscsi.scsi.Nexus;
import net.twinblock.iscsi.scsi.ScsiTaskExecutor;

/**
 * One iSCSI session in the full feature phase: who it is (initiator, ISID, TSIH), its command
 * window and its task set, and how it ends. We run MaxConnections=1, so a session has exactly
 * one {@link Connection}.
 *
 * <p>All state is touched on the connection's event loop only; {@link #terminate},
 * {@link #abortOnLoop} and {@link #info} may be called from anywhere.
 */
public final class Session {

    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    private final LoginResult login;
    private final Nexus nexus;
    private final String remoteAddress;
    private final String identity;
    private final EventLoop loop;
    private final ScsiTaskExecutor executor;
    private final SessionRegistry registry;
    final CommandWindow window;
    final TaskSet tasks = new TaskSet();
    /** CmdSNs an ABORT TASK named before the command arrived: the command is dropped on arrival. */
    final Set<Integer> abortedBeforeArrival = new HashSet<>();

    /** Volatile for {@link #info}: the admin endpoint asks whether it is still open. */
    private volatile Connection connection;
    private volatile long commands;
    private String endReason;
    /** Stop taking new commands (logout under way, or the node is draining). */
    boolean quiescing;
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    Session(LoginResult login, String identity, int targetPortalGroupTag, String remoteAddress, EventLoop loop,
            ScsiTaskExecutor executor, SessionRegistry registry, int commandWindow) {
        this.login = login;
        this.identity = identity;
        this.nexus = new Nexus(login.initiatorName(), login.isid(), targetPortalGroupTag);
        this.remoteAddress = remoteAddress;
        this.loop = loop;
        this.executor = executor;
        this.registry = registry;
        this.window = new CommandWindow(login.expCmdSn(), commandWindow, tasks::slotsTaken);
    }

    void attach(Connection connection) {
        this.connection = connection;
    }

    public int tsih() {
        return login.tsih();
    }

    public Nexus nexus() {
        return nexus;
    }

    /**
     * Who opened the session, as far as the target can tell: the CHAP name it proved, else the
     * host address it came from. Only the same identity may reinstate it.
     */
    String identity() {
        return identity;
    }

    LoginResult login() {
        return login;
    }

    boolean normal() {
        return login.type() == SessionType.NORMAL;
    }

    EventLoop loop() {
        return loop;
    }

    boolean ended() {
        return endReason != null;
    }

    void countCommand() {
        commands++; // written on the loop only; volatile so the admin thread sees it
    }

    public SessionInfo info() {
        return new SessionInfo(login.initiatorName(), String.format("%012x", login.isid()), login.tsih(),
                login.type() == SessionType.NORMAL ? "normal" : "discovery", remoteAddress, commands,
                connected(), tasks.inFlight());
    }

    /** Open connections of this session: 1 or 0 (MaxConnections=1; 0 once it dropped). */
    private int connected() {
        Connection c = connection;
        return c != null && c.channel().isActive() ? 1 : 0;
    }

    /** Completes once the session holds no task (for logout and drain). */
    CompletableFuture<Void> idle() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (tasks.isEmpty()) {
            f.complete(null);
        } else {
            idleWaiters.add(f);
        }
        return f;
    }

    /**
     * For a node shutting down: takes no new command, and completes (on any thread) once every
     * command in flight has answered and the answers are flushed to the socket.
     */
    CompletableFuture<Void> drain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            quiescing = true;
            idle().whenComplete((v, e) -> loop.execute(() -> {
                if (connection == null || !connection.channel().isActive()) {
                    done.complete(null);
                    return;
                }
                connection.channel().writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                        .addListener(f -> done.complete(null));
            }));
        });
        return done;
    }

    /** A task left the task set. */
    void taskGone() {
        if (tasks.isEmpty() && !idleWaiters.isEmpty()) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>(idleWaiters);
            idleWaiters.clear();
            waiting.forEach(f -> f.complete(null));
        }
    }

    /**
     * Aborts the matching tasks (on the loop). Tasks still gathering data are let go at once,
     * their buffers released; tasks in the executor are marked so their response is dropped.
     * The future completes when every one of them is out of the storage path, which is when a
     * TMF response may go out: an initiator that sees "function complete" may reuse the
     * blocks at once, so nothing of the aborted tasks may still reach the storage.
     */
    CompletableFuture<Void> abort(Predicate<Task> which) {
        List<Task> victims = tasks.matching(which);
        if (victims.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> gone = new ArrayList<>(victims.size());
        for (Task t : victims) {
            t.aborted = true;
            gone.add(t.gone);
            if (t.phase == Task.Phase.RECEIVING) {
                if (t.transfer != null) {
                    t.transfer.release();
                }
                letGo(t);
            }
            // RUNNING: the completion sees t.aborted, drops the response and calls letGo.
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }

    /** As {@link #abort}, from any thread; the future completes on this session's loop. */
    CompletableFuture<Void> abortOnLoop(Predicate<Task> which) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> abort(which).whenComplete((v, e) -> done.complete(null)));
        return done;
    }

    /** The task is finished: forget it and wake whoever waits for the task set to empty. */
    void letGo(Task t) {
        t.phase = Task.Phase.DONE;
        tasks.remove(t);
        t.gone.complete(null);
        taskGone();
    }

    /**
     * Ends the session: drops the connection, aborts every task, waits until none is left in
     * the storage path, tells the SCSI layer the nexus is gone. Idempotent; the first reason
     * is the one logged.
     */
    CompletableFuture<Void> terminate(String why) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> terminate(why));
            return terminated;
        }
        if (endReason != null) {
            return terminated;
        }
        endReason = why;
        LOG.log(Level.INFO, "session {0} closed: {1}", Integer.toString(login.tsih()), why);
        quiescing = true;
        window.discardHeld();
        if (connection != null && connection.channel().isOpen()) {
            connection.closeAfterFlush(why);
        }
        abort(t -> true).whenComplete((v, e) -> {
            if (normal()) {
                executor.nexusRemoved(nexus);
            }
            registry.unregister(this);
            idleWaiters.forEach(f -> f.complete(null));
            idleWaiters.clear();
            terminated.complete(null);
        });
        return terminated;
    }

    @Override
    public String toString() {
        return "Session[tsih=" + login.tsih() + " " + nexus.initiatorPortName() + "]";
    }
}
