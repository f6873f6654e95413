package net.twinblock.server.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.iscsi.session.SessionInfo;
import net.twinblock.server.config.ValueParsers;

/**
 * GET /status: what the node serves and to whom, as JSON. Field names are part of the admin
 * interface (scripts read them): add fields, do not rename them.
 */
public final class StatusReport {

    private StatusReport() {
    }

    public static Map<String, Object> of(NodeView node) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("state", node.state());
        self.put("version", node.version());
        self.put("uptimeSeconds", node.uptime().toSeconds());
        self.put("transport", node.transport());
        out.put("node", self);

        Map<String, Object> target = new LinkedHashMap<>();
        target.put("name", node.targetName());
        target.put("alias", node.targetAlias());
        target.put("portals", node.portals().stream().map(ValueParsers::format).toList());
        target.put("authentication", node.authentication());
        out.put("target", target);

        List<Object> luns = new ArrayList<>();
        for (NodeView.Lun lun : node.luns()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("lun", lun.lun());
            l.put("sizeBytes", lun.sizeBytes());
            l.put("blockSize", lun.blockSize());
            l.put("blocks", lun.sizeBytes() / lun.blockSize());
            l.put("path", lun.path().toString());
            l.put("serial", lun.serial());
            l.put("naa", lun.naa());
            luns.add(l);
        }
        out.put("luns", luns);

        List<Object> sessions = new ArrayList<>();
        for (SessionInfo s : node.sessions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("initiator", s.initiatorName());
            m.put("isid", s.isid());
            m.put("tsih", s.tsih());
            m.put("type", s.type());
            m.put("remoteAddress", s.remoteAddress());
            m.put("commands", s.commands());
            sessions.add(m);
        }
        out.put("sessions", sessions);

        // A standalone node for now; the mirror engine will fill role, peer and lag here.
        out.put("mirror", Map.of("role", "standalone"));
        return out;
    }
}
