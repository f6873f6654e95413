package net.twinblock.iscsi.scsi;

import java.io.ByteArrayOutputStream;

/**
 * The Third-party Copy VPD page (0x8F, SPC-4): what the copy manager implements, as a list of
 * third-party copy descriptors, each padded to a multiple of four bytes. Built from {@link
 * CopyLimits}, as RECEIVE COPY RESULTS' operating parameters are.
 */
final class ThirdPartyCopyPage {

    private static final int SUPPORTED_COMMANDS = 0x0001;
    private static final int PARAMETER_DATA = 0x0004;
    private static final int SUPPORTED_DESCRIPTORS = 0x0008;
    private static final int SUPPORTED_CSCD_DESCRIPTOR_IDS = 0x000c;
    private static final int GENERAL_COPY_OPERATIONS = 0x8001;

    private ThirdPartyCopyPage() {
    }

    static byte[] page(int blockSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        descriptor(out, SUPPORTED_COMMANDS, supportedCommands());
        descriptor(out, PARAMETER_DATA, parameterData());
        byte[] types = new byte[1 + ReceiveCopyResultsHandler.IMPLEMENTED_DESCRIPTORS.length];
        types[0] = (byte) (types.length - 1);
        for (int i = 0; i < ReceiveCopyResultsHandler.IMPLEMENTED_DESCRIPTORS.length; i++) {
            types[1 + i] = (byte) ReceiveCopyResultsHandler.IMPLEMENTED_DESCRIPTORS[i];
        }
        descriptor(out, SUPPORTED_DESCRIPTORS, types);
        descriptor(out, SUPPORTED_CSCD_DESCRIPTOR_IDS, new byte[2]); // none of the special IDs (C000h...)
        descriptor(out, GENERAL_COPY_OPERATIONS, generalCopyOperations(blockSize));
        byte[] body = out.toByteArray();
        byte[] d = new byte[4 + body.length];
        d[1] = (byte) VpdPages.THIRD_PARTY_COPY;
        Cdb.putShort(d, 2, body.length);
        System.arraycopy(body, 0, d, 4, body.length);
        return d;
    }

    /** EXTENDED COPY (LID1) and RECEIVE COPY RESULTS' COPY STATUS and OPERATING PARAMETERS. */
    private static byte[] supportedCommands() {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (int[] command : new int[][] {
                {ScsiOpcode.EXTENDED_COPY.code(), ScsiOpcode.EXTENDED_COPY.serviceAction()},
                {ScsiOpcode.RECEIVE_COPY_RESULTS_COPY_STATUS.code(),
                    ScsiOpcode.RECEIVE_COPY_RESULTS_COPY_STATUS.serviceAction(),
                    ScsiOpcode.RECEIVE_COPY_RESULTS_OPERATING_PARAMETERS.serviceAction()}}) {
            list.write(command[0]);
            list.write(command.length - 1);
            for (int i = 1; i < command.length; i++) {
                list.write(command[i]);
            }
        }
        byte[] commands = list.toByteArray();
        byte[] d = new byte[1 + commands.length];
        d[0] = (byte) commands.length;
        System.arraycopy(commands, 0, d, 1, commands.length);
        return d;
    }

    private static byte[] parameterData() {
        byte[] d = new byte[0x1c];
        // The descriptor's bytes 4.. : 4 reserved, then the limits EXTENDED COPY enforces.
        Cdb.putShort(d, 4, CopyLimits.MAX_CSCD_DESCRIPTORS);
        Cdb.putShort(d, 6, CopyLimits.MAX_SEGMENT_DESCRIPTORS);
        Cdb.putInt(d, 8, CopyLimits.MAX_DESCRIPTOR_LIST_LENGTH);
        Cdb.putInt(d, 12, CopyLimits.MAX_INLINE_DATA);
        return d;
    }

    private static byte[] generalCopyOperations(int blockSize) {
        byte[] d = new byte[0x20];
        Cdb.putInt(d, 0, CopyLimits.TOTAL_CONCURRENT_COPIES);
        Cdb.putInt(d, 4, CopyLimits.MAX_IDENTIFIED_CONCURRENT_COPIES);
        Cdb.putInt(d, 8, CopyLimits.MAX_SEGMENT_BYTES);
        d[12] = (byte) CopyLimits.dataSegmentGranularity(blockSize);
        // 13: INLINE DATA GRANULARITY 0 (no inline data)
        return d;
    }

    /** Type, length, and the body padded to a multiple of four (the length counts the padding). */
    private static void descriptor(ByteArrayOutputStream out, int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        out.write(type >>> 8);
        out.write(type);
        out.write(padded >>> 8);
        out.write(padded);
        out.writeBytes(body);
        out.writeBytes(new byte[padded - body.length]);
    }
}
