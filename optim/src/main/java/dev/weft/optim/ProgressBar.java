package dev.weft.optim;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * The per-epoch console progress of {@link Trainer}: on a terminal one line redrawn with {@code \r} (batches done,
 * running loss and accuracy, images/s, ETA), at most ten times a second; otherwise (a log file, a pipe, CI) only
 * the final line of each epoch.
 */
final class ProgressBar {

    private static final int WIDTH = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final int epochs;
    private long lastDraw;
    private int lastLength;

    ProgressBar(PrintStream out, boolean interactive, int epochs) {
        this.out = out;
        this.interactive = interactive;
        this.epochs = epochs;
    }

    /**
     * Whether standard output is a terminal. Before JDK 22 that is {@code System.console() != null}; from JDK 22
     * a console may exist for redirected output too, and {@code Console.isTerminal()} (called reflectively, this
     * code targets Java 17) tells the truth.
     */
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Looked up on java.io.Console, not on the (non-exported) implementation class.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;   // JDK 17-21: a console exists only for a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Redraws the running line (terminal only, throttled; the last batch is left to {@link #endEpoch}). */
    void update(int epoch, int done, int batches, double loss, double accuracy, double imagesPerSecond,
                double secondsElapsed) {
        if (!interactive || done >= batches) {
            return;
        }
        long now = System.nanoTime();
        if (done > 1 && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double eta = done == 0 ? Double.NaN : secondsElapsed / done * (batches - done);
        draw(String.format(Locale.ROOT, "%s %s %d/%d  loss %.4f  acc %.4f  %.0f img/s  ETA %s",
                epochLabel(epoch), bar(done, batches), done, batches, loss, accuracy, imagesPerSecond, clock(eta)));
    }

    /** Prints the final line of an epoch. */
    void endEpoch(int batches, EpochMetrics m) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %s %d/%d  loss %.4f  acc %.4f",
                epochLabel(m.epoch()), bar(batches, batches), batches, batches, m.trainLoss(), m.trainAccuracy()));
        if (m.hasValidation()) {
            line.append(String.format(Locale.ROOT, "  val_loss %.4f  val_acc %.4f", m.validationLoss(),
                    m.validationAccuracy()));
        }
        line.append(String.format(Locale.ROOT, "  %.0f img/s  %.1f s", m.imagesPerSecond(), m.seconds()));
        draw(line.toString());
        out.println();
        out.flush();
        lastLength = 0;
        lastDraw = 0;
    }

    private String epochLabel(int epoch) {
        return "Epoch " + epoch + "/" + epochs;
    }

    private void draw(String line) {
        if (interactive) {
            // Pad with spaces so a shorter line fully covers the previous one.
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
            out.flush();
        } else {
            out.print(line);
        }
    }

    private static String bar(int done, int total) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        StringBuilder sb = new StringBuilder(WIDTH + 2).append('[');
        for (int i = 0; i < WIDTH; i++) {
            sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return sb.append(']').toString();
    }

    /** Seconds as m:ss (or h:mm:ss); "?" when unknown. */
    static String clock(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
