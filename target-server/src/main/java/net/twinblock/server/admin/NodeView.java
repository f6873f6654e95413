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

    /** One served LUN; {@code disk} reads its disk's health now. */
    record Lun(int lun, long sizeBytes, int blockSize, Path path, String serial, String naa,
               StorageCounters counters, java.util.function.Supplier<Disk> disk) {

        /** A LUN whose disk never fails (tests of other things). */
        public Lun(int lun, long sizeBytes, int blockSize, Path path, String serial, String naa,
                StorageCounters counters) {
            this(lun, sizeBytes, blockSize, path, serial, naa, counters, () -> Disk.HEALTHY);
        }
    }

    /**
     * A LUN's disk: failed (an I/O error other than "no space", or a failed fdatasync), detached
     * by disk.on-error=detach, flushes refused after a failed fdatasync, and the first failure.
     */
    record Disk(boolean failed, boolean detached, boolean flushPoisoned, String failure) {
        public static final Disk HEALTHY = new Disk(false, false, false, null);
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
