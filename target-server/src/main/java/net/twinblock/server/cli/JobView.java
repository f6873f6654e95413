package net.twinblock.server.cli;

import java.util.Locale;
import net.twinblock.server.admin.JsonNode;

/**
 * One background job (verify, resync) in a line, as {@code status} lists it and {@code verify
 * --wait} prints while it waits: running with a progress bar, done with what it found, or failed
 * with the node's reason.
 */
public final class JobView {

    private JobView() {
    }

    public static String line(JsonNode job) {
        StringBuilder out = new StringBuilder();
        out.append(job.get("kind").text()).append(" job ").append(job.get("id").text()).append(": ");
        String state = job.get("state").text();
        JsonNode progress = job.get("progress");
        JsonNode result = job.get("result");
        switch (state == null ? "" : state) {
            case "running" -> {
                out.append("running  ");
                StatusView.bar(out, progress.get("percent").asDouble(0), progress.get("megabytesPerSecond").asDouble(0),
                        progress.get("secondsLeft").asLong(0));
            }
            case "done" -> out.append(String.format(Locale.ROOT, "done in %.1f s, ", job.get("seconds").asDouble(0)))
                    .append(found(job.get("kind").text(), result));
            default -> out.append(state).append(": ").append(job.get("error").text());
        }
        return out.toString();
    }

    /** What a finished job found, in words. */
    private static String found(String kind, JsonNode result) {
        if ("verify".equals(kind)) {
            long differ = result.get("mismatchedBlocks").asLong(0);
            return differ == 0 ? "the copies are identical"
                    : differ + " blocks differ, " + result.get("repairedBlocks").asLong(0) + " repaired";
        }
        return result.get("blocksDiffering").asLong(0) + " blocks differed, "
                + result.get("blocksCopied").asLong(0) + " copied";
    }
}
