package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CmdSN ordering with serial number arithmetic, across the 2^32 wrap. */
class CommandWindowTest {

    private final List<Integer> delivered = new ArrayList<>();
    private final List<Integer> discarded = new ArrayList<>();

    @Test
    void deliversInOrderAcrossTheWrap() {
        CommandWindow w = new CommandWindow(0xfffffffe, 4);
        assertEquals(0x00000001, w.maxCmdSn());
        assertTrue(w.offer(0x00000000, record(0)));
        assertTrue(w.offer(0xffffffff, record(0xffffffff)));
        assertEquals(List.of(), delivered, "0xfffffffe is still missing");
        assertTrue(w.offer(0xfffffffe, record(0xfffffffe)));
        assertEquals(List.of(0xfffffffe, 0xffffffff, 0), delivered);
        assertEquals(1, w.expCmdSn());
        assertEquals(4, w.maxCmdSn());
    }

    @Test
    void refusesOutsideTheWindowAndDuplicates() {
        CommandWindow w = new CommandWindow(100, 4);
        assertFalse(w.offer(99, record(99)), "already used");
        assertFalse(w.offer(104, record(104)), "beyond MaxCmdSN");
        assertFalse(w.offer(100 + Integer.MIN_VALUE, record(0)), "half the number space away");
        assertTrue(w.offer(102, record(102)));
        assertFalse(w.offer(102, record(102)), "a duplicate of one held");
        assertEquals(List.of(), delivered);
        w.discardHeld();
        assertEquals(List.of(102), discarded);
        assertEquals(0, w.heldCount());
    }

    @Test
    void serialNumbersCompareAcrossTheWrap() {
        assertTrue(SerialNumber.lessThan(0xffffffff, 0));
        assertFalse(SerialNumber.lessThan(0, 0xffffffff));
        assertTrue(SerialNumber.inWindow(0, 0xfffffff0, 0x10));
        assertFalse(SerialNumber.inWindow(0x11, 0xfffffff0, 0x10));
    }

    private CommandWindow.Delivery record(int sn) {
        return new CommandWindow.Delivery() {
            @Override
            public void deliver() {
                delivered.add(sn);
            }

            @Override
            public void discard() {
                discarded.add(sn);
            }
        };
    }
}
