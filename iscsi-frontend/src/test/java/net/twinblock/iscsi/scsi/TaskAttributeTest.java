package net.twinblock.iscsi.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TaskAttributeTest {

    @Test
    void everyAttrFieldMapsToItsAttributeAndReservedCodesToSimple() {
        assertEquals(TaskAttribute.UNTAGGED, TaskAttribute.of(0));
        assertEquals(TaskAttribute.SIMPLE, TaskAttribute.of(1));
        assertEquals(TaskAttribute.ORDERED, TaskAttribute.of(2));
        assertEquals(TaskAttribute.HEAD_OF_QUEUE, TaskAttribute.of(3));
        assertEquals(TaskAttribute.ACA, TaskAttribute.of(4));
        for (int reserved = 5; reserved <= 7; reserved++) {
            assertEquals(TaskAttribute.SIMPLE, TaskAttribute.of(reserved), "ATTR " + reserved);
        }
        assertEquals(TaskAttribute.SIMPLE, TaskAttribute.of(-1));
        assertEquals(TaskAttribute.SIMPLE, TaskAttribute.of(8));
    }
}
