package net.twinblock.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GET /health for load balancers and cluster managers: 200 while this node serves hosts' I/O,
 * 503 with the reason while it does not (starting, stopping, or I/O suspended because the
 * partner is gone and {@code mirror.on-peer-loss = suspend}).
 */
public final class HealthReport {

    private HealthReport() {
    }

    public static AdminReply of(NodeView node) {
        String reason = reason(node);
        PairSnapshot m = node.mirror();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reason == null ? "serving" : "unavailable");
        if (reason != null) {
            body.put("reason", reason);
        }
        if (m != null) {
            body.put("role", m.role());
            body.put("mirror", m.state());
        }
        return AdminReply.json(reason == null ? 200 : 503, body);
    }

    /** Why this node takes no host I/O now; null while it does. Status shows the same. */
    public static String reason(NodeView node) {
        String reason = null;
        PairSnapshot m = node.mirror();
        if (!node.state().equals("serving")) {
            reason = "node is " + node.state();
        } else if (m != null && m.notServing() != null) {
            reason = m.notServing();
        } else if (m != null && m.state().equals("suspended")) {
            reason = "I/O suspended: the partner is unreachable and mirror.on-peer-loss is " + m.onPeerLoss();
        }
        return reason;
    }
}
