package net.twinblock.server.admin;

import java.util.Locale;

/** Byte counts the way storage administrators read them: binary units, one decimal. */
public final class Sizes {

    private Sizes() {
    }

    public static String human(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
