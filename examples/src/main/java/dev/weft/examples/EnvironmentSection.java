package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;

import dev.weft.core.Parallel;
import dev.weft.core.simd.Kernels;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's last section, "Environment and timings": the JDK, cores, threads, SIMD and heap the run had, the
 * options it was given, the time of every stage, and links to the files beside the page.
 */
final class EnvironmentSection {

    private EnvironmentSection() {
    }

    static void write(Report report, StudyOptions options, Stages stages) {
        report.section("environment", "Environment and timings");
        Kernels kernels = Kernels.get();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("JDK", jdk()));
        rows.add(List.of("Operating system", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")"));
        rows.add(List.of("Cores available", Integer.toString(Runtime.getRuntime().availableProcessors())));
        rows.add(List.of("Threads used", Integer.toString(Parallel.threads())));
        rows.add(List.of("SIMD (Vector API)", (kernels.isSimd() ? "on" : "off") + " — kernels: " + kernels.name()));
        rows.add(List.of("Maximum heap", fmt(Runtime.getRuntime().maxMemory() / (1024 * 1024)) + " MB"));
        rows.add(List.of("Peak heap used (sum of the heap pools' peaks, an upper bound)",
                fmt(peakHeapBytes() / (1024 * 1024)) + " MB"));
        rows.add(List.of("Random seed", Long.toString(options.seed())));
        rows.add(List.of("Command options", optionsText(options)));
        report.table(List.of("Item", "Value"), rows);
        List<List<String>> timings = new ArrayList<>();
        for (Stages.Timing t : stages.timings()) {
            timings.add(List.of(t.name(), String.format(Locale.ROOT, "%.1f s", t.seconds())));
        }
        timings.add(List.of("Total", String.format(Locale.ROOT, "%.1f s", stages.elapsedSeconds())));
        report.table(List.of("Stage", "Time"), timings);
        report.html("<ul>");
        report.link(ResultFiles.METRICS, "every headline figure, machine-readable");
        report.link(ResultFiles.CLASSIFICATION_REPORT, "the classification reports as text");
        report.html("</ul>");
    }

    /** The JDK's vendor and version, e.g. "Eclipse Adoptium 25+36-LTS". */
    static String jdk() {
        return System.getProperty("java.vm.vendor", "?") + " " + Runtime.version();
    }

    private static String optionsText(StudyOptions options) {
        return "--budget " + Stages.duration(options.budgetSeconds()) + ", --epochs " + options.epochsText()
                + ", --limit "
                + (options.limit() > 0 ? options.limit() : "none") + ", --model " + String.join("+", options.models())
                + (options.threads() > 0 ? ", --threads " + options.threads() : "");
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
