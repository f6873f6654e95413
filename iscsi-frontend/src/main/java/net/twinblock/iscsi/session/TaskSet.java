package net.twinblock.iscsi.session;

import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import net.twinblock.iscsi.scsi.TaskAttribute;

/**
 * The session's tasks: looked up by Initiator Task Tag, started in the order task attributes
 * allow (SAM-5 §8.6). SIMPLE tasks start as soon as their data is in and may finish in any
 * order; an ORDERED task waits for every task delivered before it and holds back every task
 * delivered after it; HEAD OF QUEUE starts at once.
 *
 * <p>Touched only on the connection's event loop. Keyed by primitive ITT, and delivery order
 * linked through the tasks themselves: a boxed key and a map entry per command were most of what
 * a host write allocated here.
 */
final class TaskSet {

    private final IntObjectHashMap<Task> byItt = new IntObjectHashMap<>();
    /** Delivered tasks (passed CmdSN ordering) in delivery order, first and last ({@link Task#later}). */
    private Task first;
    private Task last;
    /** Delivered non-immediate tasks not yet answered: they close the CmdSN window (CommandWindow). */
    private int slotsTaken;
    /** Immediate tasks not yet answered: they bypass the window, so they are counted apart. */
    private int immediate;
    /** byItt's size, written on the loop and read by the admin endpoint (commands in flight). */
    private volatile int open;

    Task get(int itt) {
        return byItt.get(itt);
    }

    boolean contains(int itt) {
        return byItt.containsKey(itt);
    }

    void add(Task task) {
        byItt.put(task.itt, task);
        open = byItt.size();
        if (task.immediate) {
            immediate++;
        }
    }

    /** The task's turn in CmdSN order came. */
    void deliver(Task task) {
        task.delivered = true;
        if (!task.listed) {
            task.listed = true;
            task.earlier = last;
            if (last == null) {
                first = task;
            } else {
                last.later = task;
            }
            last = task;
        }
        if (!task.immediate) {
            task.holdsSlot = true;
            slotsTaken++;
        }
    }

    /**
     * The task's answer is about to go: its slot opens now, so that very answer carries the
     * MaxCmdSN it makes room for. Idempotent.
     */
    void freeSlot(Task task) {
        if (task.holdsSlot) {
            task.holdsSlot = false;
            slotsTaken--;
        }
    }

    /** The task finished or was let go: forget it. */
    void remove(Task task) {
        if (byItt.get(task.itt) == task) {
            byItt.remove(task.itt);
            if (task.immediate) {
                immediate--;
            }
        }
        open = byItt.size();
        unlist(task);
        freeSlot(task);
    }

    private void unlist(Task task) {
        if (!task.listed) {
            return;
        }
        task.listed = false;
        if (task.earlier == null) {
            first = task.later;
        } else {
            task.earlier.later = task.later;
        }
        if (task.later == null) {
            last = task.earlier;
        } else {
            task.later.earlier = task.earlier;
        }
        task.earlier = null;
        task.later = null;
    }

    /** Delivered non-immediate tasks not yet answered. */
    int slotsTaken() {
        return slotsTaken;
    }

    /** Immediate SCSI commands not yet answered. */
    int immediateCount() {
        return immediate;
    }

    int size() {
        return byItt.size();
    }

    /** Commands received and not yet answered; any thread may ask. */
    int inFlight() {
        return open;
    }

    boolean isEmpty() {
        return byItt.isEmpty();
    }

    List<Task> matching(Predicate<Task> which) {
        List<Task> out = new ArrayList<>();
        for (Task t : byItt.values()) {
            if (which.test(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Starts every task the attribute rules allow to start now. */
    void startRunnable(Consumer<Task> start) {
        boolean earlier = false;
        boolean barrier = false;
        List<Task> toStart = null;
        for (Task t = first; t != null; t = t.later) {
            boolean allowed = t.attribute == TaskAttribute.HEAD_OF_QUEUE
                    || (!barrier && (t.attribute != TaskAttribute.ORDERED || !earlier));
            if (allowed && t.readyToRun()) {
                if (toStart == null) {
                    toStart = new ArrayList<>(2);
                }
                toStart.add(t);
            }
            if (t.attribute == TaskAttribute.ORDERED) {
                barrier = true;
            }
            if (t.attribute != TaskAttribute.HEAD_OF_QUEUE) {
                earlier = true;
            }
        }
        // Started outside the iteration: a start may complete synchronously and remove tasks.
        if (toStart != null) {
            for (Task t : toStart) {
                if (t.readyToRun()) {
                    start.accept(t);
                }
            }
        }
    }
}
