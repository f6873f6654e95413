package net.twinblock.server.admin;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * GET /events, what {@code twinblock events} streams, in the spirit of {@code drbdsetup events2}:
 * one event per change of a fact an administrator watches (role, serving, link, partner, witness,
 * and per LUN its state, resync, split brain and scrub). The node samples those facts every
 * {@link #SAMPLE_MILLIS} ms on the admin event loop (reading a NodeView never blocks), keeps the
 * last {@link #KEEP} events, and answers long polls: {@code ?after=SEQ&wait=SECONDS} completes as
 * soon as there is an event after SEQ, or empty after the wait, from a timer rather than a
 * waiting thread. Without {@code after} it answers at once with every fact as it is now
 * ("exists"), and the sequence number to follow from.
 */
public final class StateEvents {

    static final long SAMPLE_MILLIS = 200;
    static final int KEEP = 1000;
    /** The longest a poll may wait: below the CLI's read timeout. */
    public static final int MAX_WAIT_SECONDS = 30;

    private record Event(long seq, Instant time, String type, String key, String from, String to) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", seq);
            m.put("time", time.toString());
            m.put("type", type);
            m.put("key", key);
            m.put("from", from);
            m.put("to", to);
            return m;
        }
    }

    private record Waiter(long after, CompletableFuture<AdminReply> reply) {
    }

    private final NodeView node;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private Map<String, String> facts;
    private long seq;

    public StateEvents(NodeView node, ScheduledExecutorService timer) {
        this.node = node;
        this.timer = timer;
    }

    /** Starts sampling; it ends when the timer (the admin event loop) shuts down with the node. */
    public synchronized void start() {
        facts = facts(node);
        timer.scheduleWithFixedDelay(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The facts an administrator watches, by key, as of now. */
    static Map<String, String> facts(NodeView node) {
        Map<String, String> f = new LinkedHashMap<>();
        String unavailable = HealthReport.reason(node);
        f.put("serving", unavailable == null ? "yes" : "no (" + unavailable + ")");
        PairSnapshot p = node.mirror();
        if (p == null) {
            f.put("role", "standalone");
            return f;
        }
        f.put("role", p.role());
        f.put("link", p.peer() != null ? "up" : "down");
        f.put("peer", Objects.toString(p.peerName(), "-"));
        if (p.witnessConnected() != null) {
            f.put("witness", p.witnessConnected() ? "connected" : "unreachable");
        }
        f.put("alua", p.aluaState());
        if (p.quorum() != null) {
            f.put("quorum", p.quorum().get("votes") + "/3");
        }
        for (MirrorSnapshot m : p.luns()) {
            String lun = "lun:" + m.lun() + " ";
            f.put(lun + "state", m.state());
            boolean resyncing = m.state().equals("syncing") || m.counter("resync.checksum_running") == 1;
            f.put(lun + "resync", resyncing ? "running" : "idle");
            f.put(lun + "split-brain", m.splitBrain() != null ? "yes" : "no");
            f.put(lun + "scrub", m.counter("scrub.running") == 1 ? "running" : "idle");
        }
        return f;
    }

    private void sample() {
        Map<String, String> now = facts(node);
        List<Waiter> ready = new ArrayList<>();
        synchronized (this) {
            Instant time = Instant.now();
            for (Map.Entry<String, String> e : now.entrySet()) {
                String before = facts.get(e.getKey());
                if (!e.getValue().equals(before)) {
                    add(new Event(++seq, time, "change", e.getKey(), before, e.getValue()));
                }
            }
            for (String gone : facts.keySet()) {
                if (!now.containsKey(gone)) {
                    add(new Event(++seq, time, "destroy", gone, facts.get(gone), null));
                }
            }
            facts = now;
            for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
                Waiter w = i.next();
                if (w.after < seq) {
                    ready.add(w);
                    i.remove();
                }
            }
        }
        ready.forEach(w -> w.reply.complete(since(w.after)));
    }

    private void add(Event e) {
        events.addLast(e);
        if (events.size() > KEEP) {
            events.removeFirst();
        }
    }

    /**
     * The answer to GET /events: with {@code after} null, every fact as "exists" and the sequence
     * number to follow from; else the events after it, waiting up to {@code waitSeconds} for one.
     */
    public CompletableFuture<AdminReply> poll(Long after, int waitSeconds) {
        synchronized (this) {
            if (after == null) {
                List<Object> exists = new ArrayList<>();
                Instant time = Instant.now();
                facts.forEach((k, v) -> exists.add(new Event(seq, time, "exists", k, null, v).json()));
                return CompletableFuture.completedFuture(reply(seq, exists, false));
            }
            if (after < seq || waitSeconds <= 0) {
                return CompletableFuture.completedFuture(since(after));
            }
            Waiter w = new Waiter(after, new CompletableFuture<>());
            waiters.add(w);
            timer.schedule(() -> {
                synchronized (this) {
                    waiters.remove(w);
                }
                w.reply.complete(since(after));
            }, waitSeconds, TimeUnit.SECONDS);
            return w.reply;
        }
    }

    private synchronized AdminReply since(long after) {
        List<Object> out = new ArrayList<>();
        for (Event e : events) {
            if (e.seq > after) {
                out.add(e.json());
            }
        }
        // Events after SEQ were dropped (more than KEEP since): say so rather than skip silently.
        boolean lost = !events.isEmpty() && events.peekFirst().seq > after + 1;
        return reply(seq, out, lost);
    }

    private static AdminReply reply(long seq, List<Object> events, boolean lost) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seq", seq);
        body.put("lost", lost);
        body.put("events", events);
        return AdminReply.json(200, body);
    }
}
