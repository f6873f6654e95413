package net.twinblock.iscsi.login;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import net.twinblock.iscsi.config.IscsiTargetConfig;

/**
 * Answers Text Requests in the full feature phase (RFC 7143 §6.2, §11.10, Appendix C):
 * SendTargets, and the few keys that may change after login. Splitting a long answer over
 * several Text Responses is the session layer's job.
 */
public final class TextNegotiation {

    private TextNegotiation() {
    }

    /** As {@link #respond(List, SessionType, String, IscsiTargetConfig, InetAddress, String)}, for no one in particular. */
    public static List<Map.Entry<String, String>> respond(List<Map.Entry<String, String>> request, SessionType type,
                                                          String sessionTargetName, IscsiTargetConfig cfg) {
        return respond(request, type, sessionTargetName, cfg, null, null);
    }

    /**
     * @param sessionTargetName the TargetName of this normal session, or null for discovery
     * @param localAddress      the address the initiator reached us on, reported in place of a
     *                          wildcard portal address (0.0.0.0 / ::) that no initiator can dial;
     *                          null if unknown
     * @param initiatorName     who asks: SendTargets shows only a target it may log in to
     */
    public static List<Map.Entry<String, String>> respond(List<Map.Entry<String, String>> request, SessionType type,
                                                          String sessionTargetName, IscsiTargetConfig cfg,
                                                          InetAddress localAddress, String initiatorName) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> e : request) {
            LoginKey key = LoginKey.of(e.getKey());
            String value = e.getValue();
            if (key == null) {
                out.add(Map.entry(e.getKey(), KeyNegotiation.NOT_UNDERSTOOD));
            } else if (key == LoginKey.SEND_TARGETS) {
                if (cfg.access().allows(initiatorName)) {
                    sendTargets(value, type, sessionTargetName, cfg, localAddress, out);
                } // else nothing to report, as for a target we do not have
            } else if (!key.usage().allowedInFullFeature()) {
                // Login-only keys cannot be renegotiated once the session runs.
                out.add(Map.entry(e.getKey(), KeyNegotiation.REJECT));
            } else if (key == LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH) {
                // Declarative: the initiator's new value only limits what we send (the session
                // layer reads it with declaredMaxRecvDataSegmentLength); we restate ours.
                out.add(KeyNegotiation.parseNumber(value, key) < 0
                        ? Map.entry(e.getKey(), KeyNegotiation.REJECT)
                        : Map.entry(e.getKey(), Integer.toString(cfg.maxRecvDataSegmentLength())));
            } else if (key == LoginKey.INITIATOR_ALIAS) {
                continue; // a declaration; nothing to answer
            } else {
                // TargetAlias, TargetAddress: only a target declares them.
                out.add(Map.entry(e.getKey(), KeyNegotiation.REJECT));
            }
        }
        return out;
    }

    /** The MaxRecvDataSegmentLength an initiator declared in a Text Request, if it did, legally. */
    public static OptionalInt declaredMaxRecvDataSegmentLength(List<Map.Entry<String, String>> request) {
        for (Map.Entry<String, String> e : request) {
            if (e.getKey().equals(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH.wireName())) {
                long v = KeyNegotiation.parseNumber(e.getValue(), LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH);
                return v < 0 ? OptionalInt.empty() : OptionalInt.of((int) v);
            }
        }
        return OptionalInt.empty();
    }

    private static void sendTargets(String value, SessionType type, String sessionTargetName, IscsiTargetConfig cfg,
                                    InetAddress localAddress, List<Map.Entry<String, String>> out) {
        boolean ours;
        if (value.equals("All")) {
            ours = true;
        } else if (value.isEmpty()) {
            if (type != SessionType.NORMAL) {
                // Appendix C: an empty SendTargets means "this session's target", which a
                // discovery session does not have.
                out.add(Map.entry(LoginKey.SEND_TARGETS.wireName(), KeyNegotiation.REJECT));
                return;
            }
            ours = sessionTargetName == null || sessionTargetName.equalsIgnoreCase(cfg.targetName());
        } else {
            ours = value.equalsIgnoreCase(cfg.targetName());
        }
        if (!ours) {
            return; // an unknown target: nothing to report, which is the answer
        }
        out.add(Map.entry(LoginKey.TARGET_NAME.wireName(), cfg.targetName()));
        for (InetSocketAddress portal : cfg.portals()) {
            out.add(Map.entry(LoginKey.TARGET_ADDRESS.wireName(),
                    address(portal, localAddress) + "," + cfg.portalGroupTag()));
        }
    }

    /** host:port with IPv6 in brackets (§13.8); a wildcard host becomes the local address. */
    static String address(InetSocketAddress portal, InetAddress localAddress) {
        InetAddress ip = portal.getAddress();
        String host;
        if (ip == null) {
            host = portal.getHostString();
        } else {
            if (ip.isAnyLocalAddress() && localAddress != null) {
                ip = localAddress;
            }
            host = ip.getHostAddress();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            if (ip instanceof Inet6Address) {
                host = "[" + host + "]";
            }
        }
        return host + ":" + portal.getPort();
    }
}
