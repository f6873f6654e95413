package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.twinblock.it.client.PduTap;
import org.jscsi.initiator.Configuration;
import org.jscsi.initiator.Initiator;
import org.junit.jupiter.api.Test;

/**
 * The jSCSI initiator, an independent Java implementation of RFC 7143, writes distinct patterns over
 * the whole LUN (last block included) and reads them back. It talks to the node through a
 * {@link PduTap}, so a failure comes with the PDU exchange that explains it.
 *
 * <p>Known jSCSI 2.2 defects, found from captured exchanges (each is jSCSI's, not the node's):
 * <ul>
 *   <li>It cannot handle a UNIT ATTENTION: its first command after login (READ CAPACITY(10)) must
 *       return data, and a CHECK CONDITION with the power-on unit attention (29h/00h, which SAM-5
 *       has a target report on a new I_T nexus, and tgt reports too) ends the session. Every new
 *       session uses a new ISID, so retrying meets the same unit attention. Pinned down by
 *       {@link #jscsiGivesUpOnThePowerOnUnitAttention}; the round trip lets the tap consume it.</li>
 *   <li>It sends AuthMethod in a Login Request whose CSG is the operational stage; RFC 7143 §12.1
 *       scopes AuthMethod to the security stage and the node (like LIO) refuses the login with
 *       0x0200. Our configuration therefore leaves AuthMethod out.</li>
 *   <li>After one login it stores the target's answers as its own offers, so a second login offers
 *       "OFMarkInt=Reject", a reserved value, and is refused. Our configuration leaves the obsolete
 *       marker keys out.</li>
 *   <li>Its ISIDs have the type bits 11b, reserved by RFC 7143 §11.12.5; the node tolerates that.</li>
 * </ul>
 */
class JscsiRoundTripTest {
    private static final String SESSION = "twinblock-it";
    private static final int BLOCK = 512;
    private static final long LUN_BLOCKS = 64L * 1024 * 1024 / BLOCK;

    @Test
    void jscsiGivesUpOnThePowerOnUnitAttention() throws Exception {
        try (NodeProcess node = NodeProcess.start(); PduTap tap = new PduTap(node.iscsiPort())) {
            Initiator initiator = new Initiator(configuration(node, tap.port()));
            try {
                initiator.createSession(SESSION);
                initiator.closeSession(SESSION);
                throw new AssertionError("jSCSI opened a session: the documented incompatibility is gone, "
                        + "update this test and the class comment. Exchange:\n" + transcript(tap));
            } catch (RuntimeException expected) {
                // jSCSI reports the failure as a NullPointerException from createSession.
            }
            List<String> exchange = tap.transcript();
            String all = String.join("\n", exchange);
            // Login succeeded: straight to full feature phase with status 0.
            assertTrue(exchange.get(1).startsWith("T->I op=0x23 flags=0x87") && exchange.get(1).contains("status=0000"),
                    all);
            // jSCSI's first command: READ CAPACITY(10) on LUN 0 ...
            assertTrue(exchange.get(2).startsWith("I->T op=0x01") && exchange.get(2).contains("cdb=25"), all);
            // ... answered CHECK CONDITION, fixed sense, UNIT ATTENTION, 29h/00h POWER ON OR RESET.
            String answer = exchange.get(3);
            assertTrue(answer.startsWith("T->I op=0x21") && answer.contains("status=0x02"), all);
            String sense = answer.substring(answer.indexOf("sense=") + "sense=".length());
            assertEquals("70", sense.substring(4, 6), all);
            assertEquals("06", sense.substring(8, 10), all);
            assertEquals("2900", sense.substring(28, 32), all);
        }
    }

    @Test
    void writesPatternsAcrossTheLunAndReadsThemBack() throws Exception {
        try (NodeProcess node = NodeProcess.start(); PduTap tap = new PduTap(node.iscsiPort(), true)) {
            Initiator initiator = new Initiator(configuration(node, tap.port()));
            try {
                initiator.createSession(SESSION);
            } catch (RuntimeException e) {
                throw new AssertionError("jSCSI could not open a session; exchange:\n" + transcript(tap), e);
            }
            try {
                assertEquals(BLOCK, initiator.getBlockSize(SESSION), () -> transcript(tap));
                // jSCSI reports READ CAPACITY(10)'s "returned LBA", i.e. the last block.
                assertEquals(LUN_BLOCKS - 1, initiator.getCapacity(SESSION), () -> transcript(tap));

                Map<Integer, byte[]> written = new LinkedHashMap<>();
                List<Integer> lbas = new ArrayList<>();
                for (long i = 0; i < 64; i++) {
                    lbas.add((int) (i * (LUN_BLOCKS / 64) + i));
                }
                lbas.add((int) (LUN_BLOCKS - 4));
                for (int lba : lbas) {
                    int blocks = lba == LUN_BLOCKS - 4 ? 4 : 1 + lba % 16;
                    byte[] data = LifecycleTest.pattern(lba, 99, blocks * BLOCK);
                    initiator.write(SESSION, ByteBuffer.wrap(data), lba, data.length);
                    written.put(lba, data);
                }
                for (Map.Entry<Integer, byte[]> w : written.entrySet()) {
                    ByteBuffer back = ByteBuffer.allocate(w.getValue().length);
                    initiator.read(SESSION, back, w.getKey(), back.capacity());
                    assertArrayEquals(w.getValue(), back.array(), "LBA " + w.getKey());
                }
            } finally {
                initiator.closeSession(SESSION);
            }
        }
    }

    /**
     * Our own jSCSI configuration naming only the node on loopback. jSCSI's Configuration.create()
     * would read src/main/resources/jscsi.xml, and the jscsi.xml inside its jar names targets on
     * other networks: neither is ever loaded. The schema is taken from the jar. AuthMethod and the
     * marker keys are left out on purpose (see the class comment).
     */
    private static Configuration configuration(NodeProcess node, int port) throws Exception {
        Path dir = NodeProcess.newWorkDir("jscsi");
        Path schema = dir.resolve("jscsi.xsd");
        try (InputStream in = Configuration.class.getResourceAsStream("/jscsi.xsd")) {
            assertNotNull(in, "jscsi.xsd not found in the jSCSI initiator jar");
            Files.copy(in, schema);
        }
        String xml = """
                <?xml version="1.0" encoding="UTF-8" ?>
                <configuration xmlns="http://www.jscsi.org/2006-09"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.jscsi.org/2006-09 jscsi.xsd">
                  <global>
                    <DataDigest>None</DataDigest>
                    <DataPDUInOrder>Yes</DataPDUInOrder>
                    <DataSequenceInOrder>Yes</DataSequenceInOrder>
                    <DefaultTime2Retain>20</DefaultTime2Retain>
                    <DefaultTime2Wait>2</DefaultTime2Wait>
                    <ErrorRecoveryLevel>0</ErrorRecoveryLevel>
                    <FirstBurstLength>65536</FirstBurstLength>
                    <HeaderDigest>None</HeaderDigest>
                    <ImmediateData>Yes</ImmediateData>
                    <InitialR2T>Yes</InitialR2T>
                    <InitiatorAlias>twinblock-it</InitiatorAlias>
                    <InitiatorName>iqn.2026-01.net.twinblock.it:jscsi</InitiatorName>
                    <MaxBurstLength>262144</MaxBurstLength>
                    <MaxConnections>1</MaxConnections>
                    <MaxOutstandingR2T>1</MaxOutstandingR2T>
                    <MaxRecvDataSegmentLength>8192</MaxRecvDataSegmentLength>
                    <SessionType>Normal</SessionType>
                  </global>
                  <target id="SESSION" address="127.0.0.1" port="PORT">
                    <TargetName>IQN</TargetName>
                  </target>
                </configuration>
                """.replace("SESSION", SESSION).replace("PORT", Integer.toString(port)).replace("IQN", node.iqn());
        Path config = dir.resolve("jscsi-it.xml");
        Files.writeString(config, xml, StandardCharsets.UTF_8);
        return Configuration.create(schema.toFile(), config.toFile());
    }

    private static String transcript(PduTap tap) {
        return String.join("\n", tap.transcript());
    }
}
