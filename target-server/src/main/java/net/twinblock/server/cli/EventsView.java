package net.twinblock.server.cli;

import net.twinblock.server.admin.JsonNode;

/**
 * {@code twinblock events}: one line per event of GET /events, like {@code drbdsetup events2}:
 * {@code TIME exists KEY: VALUE} for the state when the stream starts, then {@code TIME change
 * KEY: OLD -> NEW} (or {@code destroy KEY: OLD} for a fact that went away, such as a LUN).
 */
public final class EventsView {

    private EventsView() {
    }

    /** Every event of one GET /events answer, a line each. */
    public static String render(JsonNode answer) {
        StringBuilder out = new StringBuilder();
        for (JsonNode e : answer.get("events").list()) {
            out.append(e.get("time").text()).append(' ').append(e.get("type").text()).append(' ')
                    .append(e.get("key").text()).append(": ");
            switch (e.get("type").text()) {
                case "change" -> out.append(e.get("from").text()).append(" -> ").append(e.get("to").text());
                case "destroy" -> out.append(e.get("from").text());
                default -> out.append(e.get("to").text());
            }
            out.append('\n');
        }
        return out.toString();
    }
}
