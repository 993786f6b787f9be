package dev.weft.examples;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code weft} command line: {@code study} (the default), {@code predict} and {@code convert}.
 *
 * <pre>
 * weft                                  # the whole Fashion-MNIST study into report/
 * weft --limit 2000 --epochs 1          # a quick look
 * weft predict --model report/weft.weft shoe.jpg
 * weft convert --out csv/
 * </pre>
 *
 * <p>A problem the user can fix (a bad option, missing data, an unreadable file) ends with a one-paragraph message
 * on standard error and a non-zero exit code, never a stack trace; {@code -Dweft.debug=true} adds the trace.
 */
public final class Main {

    /** Exit code of a successful run. */
    public static final int OK = 0;
    /** Exit code of a run that failed for a reason outside the user's command line. */
    public static final int FAILED = 1;
    /** Exit code of a bad command line or missing input. */
    public static final int USAGE = 2;

    private Main() {
    }

    /** Runs the command and exits the JVM with its code. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command, printing progress to {@code out} and problems to {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        String command = list.isEmpty() || list.get(0).startsWith("-") ? "study" : list.get(0);
        List<String> rest = list.isEmpty() || list.get(0).startsWith("-") ? list : list.subList(1, list.size());
        try {
            switch (command) {
                case "study" -> {
                    StudyOptions options = StudyOptions.parse(rest);
                    options.notes().forEach(err::println);
                    if (options.help()) {
                        out.print(StudyOptions.HELP);
                        return OK;
                    }
                    new Study(options, out).run();
                }
                case "predict" -> {
                    return Predict.run(rest, out);
                }
                case "convert" -> {
                    return Convert.run(rest, out);
                }
                case "help" -> out.print(StudyOptions.HELP);
                default -> throw new UsageException("Unknown command '" + command + "'. The commands are study "
                        + "(the default), predict and convert; run 'weft --help' for their options.");
            }
            return OK;
        } catch (UsageException e) {
            err.println(paragraph("weft: " + e.getMessage()));
            debug(e, err);
            return USAGE;
        } catch (UncheckedIOException e) {
            err.println(paragraph("weft: an input/output error stopped the run: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "")
                    + ". Check the folder's permissions and free space."));
            debug(e, err);
            return FAILED;
        } catch (OutOfMemoryError e) {
            err.println(paragraph("weft: the Java heap ran out of memory. The study is designed for -Xmx2g; "
                    + "run it through the ./weft launcher, or give java -Xmx2g or more."));
            return FAILED;
        } catch (RuntimeException e) {
            err.println(paragraph("weft: the run failed: " + e + ". Run again with -Dweft.debug=true (or "
                    + "WEFT_DEBUG=1 with the launcher) to see where."));
            debug(e, err);
            return FAILED;
        }
    }

    private static void debug(Throwable e, PrintStream err) {
        if (Boolean.getBoolean("weft.debug")) {
            e.printStackTrace(err);
        }
    }

    /** Wraps text at 100 columns so the message reads as one paragraph in a terminal. */
    static String paragraph(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : text.trim().split("\\s+")) {
            if (column > 0 && column + 1 + word.length() > 100) {
                out.append('\n');
                column = 0;
            } else if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }
}
