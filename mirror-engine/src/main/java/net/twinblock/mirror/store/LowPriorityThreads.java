package net.twinblock.mirror.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Daemon threads for background work (checksum scans, scrubs) that the kernel schedules behind
 * host I/O. {@link Thread#setPriority} means nothing to the JVM on Linux without root and
 * -XX:ThreadPriorityPolicy, so each thread raises its own nice value with setpriority(2) on its
 * Linux thread id as it starts: under CPU contention the threads serving host commands run first,
 * while a nice thread still gets CPU (unlike SCHED_IDLE), so a resync on a busy node still ends.
 * Where that call is not available the threads run at normal priority and the node says so once.
 */
public final class LowPriorityThreads implements ThreadFactory {

    private static final Logger LOG = System.getLogger(LowPriorityThreads.class.getName());

    /** nice 10: about a tenth of a normal thread's CPU share when both want the same core. */
    public static final int NICE = 10;

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final String name;

    /** @param name every thread's name */
    public LowPriorityThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(() -> {
            lowerCurrentThread();
            r.run();
        }, name);
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY); // for JVMs that do map it
        return t;
    }

    /** Lowers the calling thread to {@link #NICE}; true if the kernel took it. */
    static boolean lowerCurrentThread() {
        try {
            Sched s = SchedHolder.SCHED;
            s.setpriority(Sched.PRIO_PROCESS, s.gettid(), NICE);
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cannot lower the priority of background scan threads ({0}); scans and"
                        + " scrubs run at normal priority, limited by their rates only", e.toString());
            }
            return false;
        }
    }

    /** gettid(2) needs glibc 2.30 or later; setpriority with PRIO_PROCESS and a thread id sets that thread's nice on Linux. */
    interface Sched extends Library {
        int PRIO_PROCESS = 0;

        int gettid();

        int setpriority(int which, int who, int prio) throws LastErrorException;
    }

    private static final class SchedHolder {
        static final Sched SCHED = Native.load("c", Sched.class);
    }
}
