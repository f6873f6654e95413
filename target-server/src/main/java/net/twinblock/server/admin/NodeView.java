package net.twinblock.server.admin;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.server.metrics.CommandCounters;
import net.twinblock.server.metrics.StorageCounters;

/** What the admin endpoint may see of a running node. Read from any thread, never blocks. */
public interface NodeView {

    /** One served LUN. */
    record Lun(int lun, long sizeBytes, int blockSize, Path path, String serial, String naa,
               StorageCounters counters) {
    }

    /** "starting", "serving" or "stopping". */
    String state();

    Duration uptime();

    String version();

    /** "epoll" or "nio". */
    String transport();

    String targetName();

    /** Null when none is configured. */
    String targetAlias();

    List<InetSocketAddress> portals();

    /** "none", "chap" or "mutual". */
    String authentication();

    List<Lun> luns();

    List<SessionInfo> sessions();

    /** Open iSCSI connections, logged in or not. */
    default int iscsiConnections() {
        return 0;
    }

    /** Connections closed at accept by iscsi.max-connections or iscsi.max-connections-per-address. */
    default long iscsiConnectionsRefused() {
        return 0;
    }

    CommandCounters commands();

    /** The pair this node belongs to, as of now; null on a standalone node. */
    default PairSnapshot mirror() {
        return null;
    }
}
