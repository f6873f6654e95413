package net.twinblock.iscsi.scsi;

import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Pending unit attention conditions per I_T nexus and LUN (SAM-5 §5.14). Sessions on different
 * event loops touch it concurrently, hence the concurrent maps; per (nexus, LUN) the order of
 * conditions is kept so the oldest is reported first.
 */
final class UnitAttentions {

    private final Map<Nexus, Map<Integer, Deque<SenseData>>> pending = new ConcurrentHashMap<>();

    /** A nexus logged in: every LUN reports POWER ON, RESET, OR BUS DEVICE RESET OCCURRED once. */
    void nexusAdded(Nexus nexus, Collection<Integer> luns) {
        Map<Integer, Deque<SenseData>> perLun = new ConcurrentHashMap<>();
        SenseData powerOn = SenseData.of(SenseKey.UNIT_ATTENTION,
                AdditionalSense.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
        for (int lun : luns) {
            Deque<SenseData> q = new ConcurrentLinkedDeque<>();
            q.add(powerOn);
            perLun.put(lun, q);
        }
        pending.put(nexus, perLun);
    }

    void nexusRemoved(Nexus nexus) {
        pending.remove(nexus);
    }

    /**
     * Establishes a condition for every known nexus on the LUN. A reset supersedes whatever
     * was pending (SAM-5: a reset clears older unit attentions), other conditions queue.
     */
    void post(int lun, SenseData condition, boolean supersedes) {
        for (Map<Integer, Deque<SenseData>> perLun : pending.values()) {
            Deque<SenseData> q = perLun.computeIfAbsent(lun, l -> new ConcurrentLinkedDeque<>());
            if (supersedes) {
                q.clear();
            }
            boolean alreadyPending = q.stream()
                    .anyMatch(s -> s.additionalSense() == condition.additionalSense());
            if (!alreadyPending) {
                q.add(condition);
            }
        }
    }

    /** Establishes a condition for every nexus on the LUN but {@code except} (SPC-4 MODE SELECT rule). */
    void postExcept(int lun, SenseData condition, Nexus except) {
        for (Map.Entry<Nexus, Map<Integer, Deque<SenseData>>> e : pending.entrySet()) {
            if (!e.getKey().equals(except)) {
                Deque<SenseData> q = e.getValue().computeIfAbsent(lun, l -> new ConcurrentLinkedDeque<>());
                if (q.stream().noneMatch(s -> s.additionalSense() == condition.additionalSense())) {
                    q.add(condition);
                }
            }
        }
    }

    /** Establishes a condition for the nexuses {@code who} accepts (reservation notices). */
    void postWhere(int lun, SenseData condition, java.util.function.Predicate<Nexus> who) {
        for (Map.Entry<Nexus, Map<Integer, Deque<SenseData>>> e : pending.entrySet()) {
            if (who.test(e.getKey())) {
                Deque<SenseData> q = e.getValue().computeIfAbsent(lun, l -> new ConcurrentLinkedDeque<>());
                if (q.stream().noneMatch(s -> s.additionalSense() == condition.additionalSense())) {
                    q.add(condition);
                }
            }
        }
    }

    /** Removes and returns the oldest pending condition for the nexus and LUN, or null. */
    SenseData poll(Nexus nexus, int lun) {
        Map<Integer, Deque<SenseData>> perLun = pending.get(nexus);
        if (perLun == null) {
            return null;
        }
        Deque<SenseData> q = perLun.get(lun);
        return q == null ? null : q.poll();
    }
}
