package net.twinblock.server.admin;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.server.metrics.CommandCounters;

/** A node view with a settable state and pair, for the report tests. */
final class FakeNode implements NodeView {

    private final String state;
    /** Settable, for tests that watch the node change. */
    volatile PairSnapshot mirror;
    private final CommandCounters commands = new CommandCounters();

    FakeNode(String state, PairSnapshot mirror) {
        this.state = state;
        this.mirror = mirror;
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public Duration uptime() {
        return Duration.ofSeconds(1);
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public String transport() {
        return "nio";
    }

    @Override
    public String targetName() {
        return "iqn.2026-12.test:fake";
    }

    @Override
    public String targetAlias() {
        return null;
    }

    @Override
    public List<InetSocketAddress> portals() {
        return List.of();
    }

    @Override
    public String authentication() {
        return "none";
    }

    @Override
    public List<Lun> luns() {
        return List.of();
    }

    @Override
    public List<SessionInfo> sessions() {
        return List.of();
    }

    @Override
    public CommandCounters commands() {
        return commands;
    }

    @Override
    public PairSnapshot mirror() {
        return mirror;
    }
}
