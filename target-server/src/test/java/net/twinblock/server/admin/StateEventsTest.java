package net.twinblock.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.twinblock.server.cli.EventsView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateEventsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FakeNode node = new FakeNode("serving", HealthReportTest.pair("in_sync", Map.of()));
    private final StateEvents events = new StateEvents(node, timer);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private static JsonNode body(CompletableFuture<AdminReply> reply) throws Exception {
        AdminReply r = reply.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        return JsonNode.parse(r.body());
    }

    @Test
    void theStreamStartsWithTheStateAsItIsThenALinePerChange() throws Exception {
        events.start();
        JsonNode now = body(events.poll(null, 0));
        String exists = EventsView.render(now);
        assertTrue(exists.matches("(?s)\\S+ exists serving: yes\n\\S+ exists role: primary\n\\S+ exists link: down\n.*"),
                exists);
        assertTrue(exists.contains(" exists lun:1 state: in_sync\n"), exists);
        long seq = now.get("seq").asLong(-1);

        // A poll waits on the node until something changes, then answers at once.
        CompletableFuture<AdminReply> waiting = events.poll(seq, 20);
        assertTrue(!waiting.isDone());
        node.mirror = HealthReportTest.pair("suspended", Map.of("resync.checksum_running", 1L));
        JsonNode changed = body(waiting);
        String changes = EventsView.render(changed);
        assertTrue(changes.contains(" change serving: yes -> no (I/O suspended: the partner is unreachable"), changes);
        assertTrue(changes.contains(" change lun:0 state: in_sync -> suspended\n"), changes);
        assertTrue(changes.contains(" change lun:1 resync: idle -> running\n"), changes);

        node.mirror = null;
        JsonNode standalone = body(events.poll(changed.get("seq").asLong(-1), 20));
        String gone = EventsView.render(standalone);
        assertTrue(gone.contains(" change role: primary -> standalone\n") && gone.contains(" destroy lun:0 state: suspended\n"),
                gone);
    }

    @Test
    void aPollWithNothingNewAnswersEmptyAfterItsWait() throws Exception {
        events.start();
        long seq = body(events.poll(null, 0)).get("seq").asLong(-1);
        JsonNode quiet = body(events.poll(seq, 1));
        assertEquals(List.of(), quiet.get("events").list());
        assertEquals(seq, quiet.get("seq").asLong(-1));
        assertTrue(!quiet.get("lost").isTrue());
    }
}
