package dev.weft.examples;

import dev.weft.core.Parallel;
import dev.weft.core.conv.ConvGeometry;
import dev.weft.core.conv.ConvolutionPlan;
import dev.weft.core.simd.Kernels;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code weft} command line: {@code study} (the default), {@code predict}, {@code export} and
 * {@code convert}.
 *
 * <pre>
 * weft                                  # the whole Fashion-MNIST study into report/
 * weft --limit 2000 --epochs 1          # a quick look
 * weft predict --model report/weft.weft shoe.jpg
 * weft export --model report/weft.weft --out weft.onnx
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

    /**
     * Hidden first argument: check the command line that follows (options, {@code -Dweft.*} properties, that
     * {@code --data} is a folder and {@code --out} may be replaced) and exit, running nothing. The launcher runs it
     * before it installs or downloads anything.
     */
    static final String CHECK_OPTIONS = "--check-options";

    /**
     * The library logs its kernel choice at INFO; on the command line the study's header names the kernels, and a
     * refusal must stay one paragraph, so only warnings (a fallback and its fix) are shown. A strong reference: the
     * logging framework keeps its loggers weakly, and a collected logger would forget its level.
     */
    private static final Logger LIBRARY_LOG = Logger.getLogger("dev.weft");

    private Main() {
    }

    /** Runs the command and exits the JVM with its code. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (!Boolean.getBoolean("weft.debug")) {
            LIBRARY_LOG.setLevel(Level.WARNING);
        }
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command, printing progress to {@code out} and problems to {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        boolean checkOnly = !list.isEmpty() && list.get(0).equals(CHECK_OPTIONS);
        if (checkOnly) {
            list = list.subList(1, list.size());
        }
        String command = list.isEmpty() || list.get(0).startsWith("-") ? "study" : list.get(0);
        List<String> rest = list.isEmpty() || list.get(0).startsWith("-") ? list : list.subList(1, list.size());
        try {
            switch (command) {
                case "study" -> {
                    StudyOptions options = StudyOptions.parse(rest);
                    if (checkOnly) {
                        if (!options.help()) {
                            checkProperties();
                            Report.checkReplaceable(options.out().toAbsolutePath().normalize());
                            DataOption.check(options.data());
                        }
                        return OK;
                    }
                    options.notes().forEach(err::println);
                    if (options.help()) {
                        out.print(StudyOptions.HELP);
                        return OK;
                    }
                    checkProperties();
                    new Study(options, out).run();
                }
                case "predict" -> {
                    if (checkOnly) {
                        return OK;   // predict reads no data set, so the launcher installs nothing before it
                    }
                    if (!rest.contains("--help") && !rest.contains("-h")) {
                        checkProperties();
                    }
                    return Predict.run(rest, out);
                }
                case "export" -> {
                    return checkOnly ? OK : Export.run(rest, out);   // reads no data set
                }
                case "convert" -> {
                    if (checkOnly) {
                        Convert.parse(rest);
                        return OK;
                    }
                    return Convert.run(rest, out);
                }
                case "help" -> {
                    if (!checkOnly) {
                        out.print(StudyOptions.HELP);
                    }
                }
                default -> throw new UsageException("Unknown command '" + Printable.of(command) + "'. The commands "
                        + "are study (the default), predict, export and convert; run 'weft --help' for their options.");
            }
            return OK;
        } catch (UsageException e) {
            err.println(paragraph("weft: " + e.getMessage()));
            debug(e, err);
            return USAGE;
        } catch (InvalidPathException e) {
            err.println(paragraph("weft: " + Printable.of(e.getInput()) + " is not a valid file name here: "
                    + e.getReason() + "."));
            debug(e, err);
            return USAGE;
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof IllegalStateException) {
                err.println(paragraph("weft: " + propertyProblem(e.getCause())));
                debug(e, err);
                return USAGE;
            }
            throw e;
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

    /**
     * Fails with a usage message if a {@code -Dweft.*} property of the core has a bad value: each is read once, at
     * the start of the run, rather than when its first use comes minutes into the study.
     */
    static void checkProperties() {
        try {
            Parallel.threads();
            Kernels.get();
            ConvolutionPlan.configured(ConvGeometry.valid(1, 1, 1, 1, 1, 1, 1, 1));
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof IllegalStateException) {
                throw new UsageException(propertyProblem(e.getCause()), e.getCause());
            }
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(propertyProblem(e), e);
        }
    }

    /** The message for a bad {@code -Dweft.*} value; the core's own message names the property and the value. */
    private static String propertyProblem(Throwable e) {
        return e.getMessage() + ". Fix or remove it (with the launcher, in WEFT_JAVA_OPTS).";
    }

    private static void debug(Throwable e, PrintStream err) {
        if (Boolean.getBoolean("weft.debug")) {
            e.printStackTrace(err);
        }
    }

    /**
     * Wraps text at 100 columns so the message reads as one paragraph in a terminal; control characters from file
     * names are escaped ({@link Printable#message}).
     */
    static String paragraph(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : Printable.message(text).trim().split("\\s+")) {
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
