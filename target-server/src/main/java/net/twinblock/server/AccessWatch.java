package net.twinblock.server;

import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import io.netty.channel.EventLoop;
import net.twinblock.iscsi.IscsiTarget;
import net.twinblock.iscsi.lun.AluaState;
import net.twinblock.iscsi.lun.PortGroup;

/**
 * Raises ASYMMETRIC ACCESS STATE CHANGED (2A/06) on every I_T nexus of this node whenever its
 * ALUA state changes (SPC-4 5.16.2.2), whatever changed it: a role change is announced, but a
 * lease running out or a link going down is not, so the state is also looked at every
 * {@link #PERIOD_MILLIS}. Each change is logged once.
 */
final class AccessWatch implements AutoCloseable {

    private static final Logger LOG = System.getLogger(AccessWatch.class.getName());
    static final long PERIOD_MILLIS = 100;

    private final PortGroup group;
    private final IscsiTarget target;
    private AluaState last;
    /** What the partner's REPORT TARGET PORT GROUPS shows of this node (it follows this node's role). */
    private final java.util.function.Supplier<?> partnerView;
    private Object lastSeenByPartner;
    private final ScheduledFuture<?> ticks;

    AccessWatch(PortGroup group, java.util.function.Supplier<?> partnerView, IscsiTarget target, EventLoop loop) {
        this.group = group;
        this.partnerView = partnerView;
        this.target = target;
        this.last = group.state();
        this.lastSeenByPartner = partnerView.get();
        this.ticks = loop.scheduleAtFixedRate(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Compares the state with the last one seen; on a change, tells every I_T nexus. */
    synchronized void check() {
        AluaState now = group.state();
        if (now == last) {
            return;
        }
        LOG.log(Level.INFO, "ALUA state of port group " + group.groupId() + ": " + lower(last) + " -> " + lower(now));
        last = now;
        // The partner lists this node's group by role: only a role change is news to its hosts.
        Object partner = partnerView.get();
        target.accessStateChanged(!java.util.Objects.equals(partner, lastSeenByPartner));
        lastSeenByPartner = partner;
    }

    private static String lower(AluaState s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        ticks.cancel(false);
    }
}
