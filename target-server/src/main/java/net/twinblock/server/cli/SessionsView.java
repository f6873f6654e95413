package net.twinblock.server.cli;

import java.util.ArrayList;
import java.util.List;
import net.twinblock.server.admin.JsonNode;

/**
 * {@code twinblock sessions}: the hosts logged in to this node, one row each (initiator, address,
 * ISID, TSIH, connections, commands in flight and received), from GET /sessions' JSON.
 */
public final class SessionsView {

    private static final String[] HEADER = {"INITIATOR", "ADDRESS", "ISID", "TYPE", "TSIH", "CONN", "IN FLIGHT", "COMMANDS"};
    /** The columns from TSIH on are numbers: right-aligned. */
    private static final int FIRST_NUMBER = 4;

    private SessionsView() {
    }

    /** "/127.0.0.1:51000" as Netty names it: the host and port. */
    private static String address(String remote) {
        return remote != null && remote.startsWith("/") ? remote.substring(1) : remote;
    }

    public static String render(JsonNode answer) {
        List<JsonNode> sessions = answer.get("sessions").list();
        if (sessions.isEmpty()) {
            return "no sessions\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode s : sessions) {
            rows.add(new String[] {s.get("initiator").text(), address(s.get("remoteAddress").text()), s.get("isid").text(),
                s.get("type").text(), s.get("tsih").text(), s.get("connections").text(), s.get("inFlight").text(),
                s.get("commands").text()});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], String.valueOf(row[i]).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = String.valueOf(row[i]);
                String pad = " ".repeat(width[i] - cell.length());
                out.append(i == 0 ? "" : "  ").append(i >= FIRST_NUMBER ? pad + cell
                        : i == row.length - 1 ? cell : cell + pad);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
