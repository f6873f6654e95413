package net.twinblock.iscsi.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.twinblock.iscsi.lun.LogicalUnit;

/**
 * Everything the frontend needs to know about the target it serves. Built by the server
 * from the node's config; immutable.
 *
 * @param targetName        the target IQN
 * @param targetAlias       TargetAlias key, or null
 * @param portals           the portals we listen on, also reported by SendTargets
 * @param portalGroupTag    TargetPortalGroupTag reported at login (1 per node by default)
 * @param chap              CHAP credentials; {@link ChapConfig#NONE} for no authentication
 * @param luns              LUN number -&gt; logical unit
 * @param maxRecvDataSegmentLength what we declare; also the decoder's hard limit (≥ 256 KiB)
 * @param firstBurstLength  what we offer
 * @param maxBurstLength    what we offer
 * @param maxOutstandingR2T what we offer (&gt; 1)
 * @param commandWindow     MaxCmdSN - ExpCmdSN + 1 we grant per session (≥ 128)
 * @param nopInterval       idle time after which we send a NOP-In ping
 * @param nopTimeout        a ping unanswered this long drops the connection
 * @param loginTimeout      a login not finished this long drops the connection
 * @param access            which initiators may log in; {@link AccessControl#OPEN} for anyone
 * @param limits            connections and sessions a host may hold
 */
public record IscsiTargetConfig(String targetName, String targetAlias, List<InetSocketAddress> portals,
                                int portalGroupTag, ChapConfig chap, Map<Integer, LogicalUnit> luns,
                                int maxRecvDataSegmentLength, int firstBurstLength, int maxBurstLength,
                                int maxOutstandingR2T, int commandWindow, Duration nopInterval,
                                Duration nopTimeout, Duration loginTimeout, AccessControl access,
                                ConnectionLimits limits) {
    public IscsiTargetConfig {
        Objects.requireNonNull(targetName, "targetName");
        portals = List.copyOf(portals);
        chap = chap == null ? ChapConfig.NONE : chap;
        luns = Map.copyOf(luns);
        access = access == null ? AccessControl.OPEN : access;
        limits = limits == null ? ConnectionLimits.DEFAULT : limits;
    }

    /** A config with the default connection limits. */
    public IscsiTargetConfig(String targetName, String targetAlias, List<InetSocketAddress> portals,
                             int portalGroupTag, ChapConfig chap, Map<Integer, LogicalUnit> luns,
                             int maxRecvDataSegmentLength, int firstBurstLength, int maxBurstLength,
                             int maxOutstandingR2T, int commandWindow, Duration nopInterval,
                             Duration nopTimeout, Duration loginTimeout, AccessControl access) {
        this(targetName, targetAlias, portals, portalGroupTag, chap, luns, maxRecvDataSegmentLength,
                firstBurstLength, maxBurstLength, maxOutstandingR2T, commandWindow, nopInterval, nopTimeout,
                loginTimeout, access, ConnectionLimits.DEFAULT);
    }

    /** This config with other connection limits. */
    public IscsiTargetConfig withLimits(ConnectionLimits newLimits) {
        return new IscsiTargetConfig(targetName, targetAlias, portals, portalGroupTag, chap, luns,
                maxRecvDataSegmentLength, firstBurstLength, maxBurstLength, maxOutstandingR2T, commandWindow,
                nopInterval, nopTimeout, loginTimeout, access, newLimits);
    }

    /** A config open to every initiator. */
    public IscsiTargetConfig(String targetName, String targetAlias, List<InetSocketAddress> portals,
                             int portalGroupTag, ChapConfig chap, Map<Integer, LogicalUnit> luns,
                             int maxRecvDataSegmentLength, int firstBurstLength, int maxBurstLength,
                             int maxOutstandingR2T, int commandWindow, Duration nopInterval,
                             Duration nopTimeout, Duration loginTimeout) {
        this(targetName, targetAlias, portals, portalGroupTag, chap, luns, maxRecvDataSegmentLength,
                firstBurstLength, maxBurstLength, maxOutstandingR2T, commandWindow, nopInterval, nopTimeout,
                loginTimeout, AccessControl.OPEN);
    }

    public static final int DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 262144;
    public static final int DEFAULT_FIRST_BURST_LENGTH = 262144;
    public static final int DEFAULT_MAX_BURST_LENGTH = 1048576;
    public static final int DEFAULT_MAX_OUTSTANDING_R2T = 8;
    public static final int DEFAULT_COMMAND_WINDOW = 256;

    /** A config with our defaults for everything but the name, portals and LUNs. */
    public static IscsiTargetConfig withDefaults(String targetName, List<InetSocketAddress> portals,
                                                 Map<Integer, LogicalUnit> luns) {
        return new IscsiTargetConfig(targetName, null, portals, 1, ChapConfig.NONE, luns,
                DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH, DEFAULT_FIRST_BURST_LENGTH, DEFAULT_MAX_BURST_LENGTH,
                DEFAULT_MAX_OUTSTANDING_R2T, DEFAULT_COMMAND_WINDOW, Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }
}
