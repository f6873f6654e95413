package net.twinblock.iscsi.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A growing delay for sources that fail to log in (wrong CHAP answer, initiator not in the ACL):
 * after the n-th failure in a row every Login Response to that source waits until 2^(n-1)
 * seconds, at most {@link #MAX_DELAY_NANOS}, have passed since that failure. Answers of every
 * kind wait, successes too, so how fast a reply comes tells a prober nothing; a source that
 * logs in to a normal session starts afresh. Guessing runs at most at one try per connection
 * per delay, so the per-address connection limit bounds it.
 *
 * <p>Shared by every connection of a target, so it locks; it never blocks on anything else, and
 * callers on an event loop schedule the reply instead of waiting. Sources are kept by address
 * in a bounded table that forgets the least recently seen first.
 */
public final class LoginBackoff {

    static final long FIRST_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Below open-iscsi's 15 s login timeout, so a host that fixed its secret is not timed out. */
    static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(8);
    static final int MAX_SOURCES = 4096;

    private record Penalty(int failures, long releaseAt) {
    }

    private final Map<String, Penalty> penalties = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Penalty> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** How long a Login Response to {@code source} must wait from {@code now} (0: send it now). */
    public synchronized long delayNanos(String source, long now) {
        Penalty p = penalties.get(source);
        return p == null ? 0 : Math.max(0, p.releaseAt - now);
    }

    /** Records a refused login of {@code source}; returns how long its refusal must wait. */
    public synchronized long failed(String source, long now) {
        Penalty before = penalties.get(source);
        int failures = before == null ? 1 : Math.min(before.failures + 1, 62);
        long delay = Math.min(MAX_DELAY_NANOS, FIRST_DELAY_NANOS << Math.min(failures - 1, 30));
        // A refusal never comes sooner than an answer already promised to that source.
        long releaseAt = Math.max(now + delay, before == null ? now : before.releaseAt);
        penalties.put(source, new Penalty(failures, releaseAt));
        return releaseAt - now;
    }

    /** {@code source} logged in: it starts afresh. */
    public synchronized void succeeded(String source) {
        penalties.remove(source);
    }

    /** Failures in a row of {@code source} (0 if none), for the log. */
    public synchronized int failures(String source) {
        Penalty p = penalties.get(source);
        return p == null ? 0 : p.failures;
    }
}
