package dev.weft.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Announces each stage of the study on the console and times it, so the report can list where the time went.
 */
final class Stages {

    /** One finished stage and how long it took. */
    record Timing(String name, double seconds) {
    }

    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private final List<Timing> timings = new ArrayList<>();
    private int number;

    Stages(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    /** Runs one stage: announces it, runs it, prints and records its duration. */
    <T> T run(String name, Supplier<T> stage) {
        number++;
        out.printf(Locale.ROOT, "%n== [%d/%d] %s%n", number, total, name);
        out.flush();
        long t0 = System.nanoTime();
        T result = stage.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        timings.add(new Timing(name, seconds));
        out.printf(Locale.ROOT, "   %s done in %s%n", name, duration(seconds));
        out.flush();
        return result;
    }

    /** Runs one stage without a result. */
    void run(String name, Runnable stage) {
        run(name, () -> {
            stage.run();
            return null;
        });
    }

    List<Timing> timings() {
        return List.copyOf(timings);
    }

    /** Seconds since the study started. */
    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** "4.2 s" or "3 min 05 s". */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
