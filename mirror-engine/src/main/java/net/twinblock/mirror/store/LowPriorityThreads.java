package net.twinblock.mirror.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.lang.System.Logger;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Daemon threads for background work (checksum scans, scrubs) that the kernel schedules behind
 * host I/O. {@link Thread#setPriority} means nothing to the JVM on Linux without root and
 * -XX:ThreadPriorityPolicy, so each thread lowers itself as it starts, one of two ways:
 * <ul>
 * <li>{@link Level#NICE}: nice 10 with setpriority(2) on its Linux thread id. Under CPU contention
 *     host threads run first, yet it still gets a share: a resync that restores redundancy ends
 *     on a busy node.
 * <li>{@link Level#IDLE}: SCHED_IDLE with sched_setscheduler(2). It runs only on a CPU nothing
 *     else wants, and any host thread waking up takes the CPU at once: for scrubs, which are
 *     optional work and may wait as long as hosts are busy.
 * </ul>
 * Where the call is not available the threads run at normal priority and the node says so once.
 */
public final class LowPriorityThreads implements ThreadFactory {

    private static final Logger LOG = System.getLogger(LowPriorityThreads.class.getName());

    /** nice 10: about a tenth of a normal thread's CPU share when both want the same core. */
    public static final int NICE = 10;

    /** How far below host I/O a thread runs. */
    public enum Level {
        NICE, IDLE
    }

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final String name;
    private final Level level;

    /** @param name every thread's name */
    public LowPriorityThreads(String name, Level level) {
        this.name = name;
        this.level = level;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(() -> {
            lowerCurrentThread(level);
            r.run();
        }, name);
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY); // for JVMs that do map it
        return t;
    }

    /** Lowers the calling thread; true if the kernel took it. */
    static boolean lowerCurrentThread(Level level) {
        try {
            Sched s = SchedHolder.SCHED;
            if (level == Level.IDLE) {
                s.sched_setscheduler(0, Sched.SCHED_IDLE, new int[] {0}); // pid 0: the calling thread
            } else {
                s.setpriority(Sched.PRIO_PROCESS, s.gettid(), NICE);
            }
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "cannot lower the priority of background scan threads ({0}); scans and"
                        + " scrubs run at normal priority, limited by their rates only", e.toString());
            }
            return false;
        }
    }

    /** gettid(2) needs glibc 2.30 or later; setpriority with PRIO_PROCESS and a thread id sets that thread's nice on Linux. */
    interface Sched extends Library {
        int PRIO_PROCESS = 0;
        int SCHED_IDLE = 5;

        int gettid();

        int setpriority(int which, int who, int prio) throws LastErrorException;

        /** {@code param} is struct sched_param: one int, the static priority (0 for SCHED_IDLE). */
        int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    }

    private static final class SchedHolder {
        static final Sched SCHED = Native.load("c", Sched.class);
    }
}
