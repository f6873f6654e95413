package net.twinblock.iscsi.session;

/**
 * 32-bit serial number arithmetic (RFC 1982), as RFC 7143 §4.2.2.1 requires for CmdSN,
 * StatSN and DataSN: numbers wrap, so "later" means "less than 2^31 ahead".
 */
final class SerialNumber {
    private SerialNumber() {
    }

    /** True if {@code a} is before {@code b}. */
    static boolean lessThan(int a, int b) {
        return a != b && (b - a) > 0;
    }

    /** True if {@code sn} lies in the inclusive window [{@code low}, {@code high}]. */
    static boolean inWindow(int sn, int low, int high) {
        return Integer.compareUnsigned(sn - low, high - low) <= 0;
    }
}
