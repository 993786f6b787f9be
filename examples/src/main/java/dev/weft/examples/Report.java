package dev.weft.examples;

import dev.weft.analysis.charts.Chart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The study's report folder: one self-contained {@code index.html} with the figures as PNG files beside it, plus
 * whatever other files the study writes ({@code metrics.json}, models, ...).
 *
 * <p>Everything is written into the run's own temporary sibling folder ({@code .NAME.partial-ID}) and moved into
 * place by {@link #publish()}, so an interrupted run never leaves a half report that looks whole, and a failed move
 * never loses a complete one ({@link ReportFolder}). An existing output folder is only replaced if it is empty or
 * is a previous Weft report (it holds the marker file {@code .weft-report}). While a report is open, a second one
 * into the same folder is refused. {@link #close()} discards a report that was never published.
 *
 * <pre>{@code
 * Report report = Report.create(Path.of("report"), "Fashion-MNIST study");
 * report.section("eda", "Exploratory data analysis");
 * report.figure("class_distribution.png", "Class distribution", "Every class has 6,000 images.");
 * report.publish();
 * }</pre>
 * (in a try-with-resources block, so that a failed run's temporary folder is deleted and the lock released).
 */
public final class Report implements AutoCloseable {

    /** The file whose presence marks a folder as a Weft report that a new run may replace. */
    public static final String MARKER = ".weft-report";

    private final ReportFolder folder;
    private final Path out;
    private final Path work;
    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<String[]> toc = new ArrayList<>();
    private final Set<String> files = new LinkedHashSet<>();

    private Report(ReportFolder folder, String title) {
        this.folder = folder;
        this.out = folder.out();
        this.work = folder.work();
        this.title = title;
    }

    /**
     * Starts a report that will end up in {@code out}. Fails with a {@link UsageException} if {@code out} exists
     * and is neither empty nor a previous report, so a mistyped {@code --out} never replaces a user's folder.
     */
    public static Report create(Path out, String title) {
        Path target = out.toAbsolutePath().normalize();
        checkReplaceable(target);
        if (target.getParent() == null) {
            throw new UsageException("--out cannot be the root folder; choose a folder such as 'report'.");
        }
        return new Report(ReportFolder.open(target), title);
    }

    /** Fails if {@code target} exists and is not a folder a new report may replace. */
    static void checkReplaceable(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new UsageException("--out " + Printable.of(target) + " is a file, not a folder. Choose a folder "
                    + "such as 'report'.");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent() && !Files.exists(target.resolve(MARKER))) {
                throw new UsageException("--out " + Printable.of(target) + " already exists and is not a Weft report "
                        + "(it has no " + MARKER + " file), so the study will not replace it. Choose an empty or new folder, "
                        + "e.g. --out report.");
            }
        } catch (IOException e) {
            throw new UsageException("Cannot read the --out folder " + Printable.of(target) + ": "
                    + Printable.of(e.getMessage()), e);
        }
    }

    /** The folder being written (the temporary one until {@link #publish()}). */
    public Path dir() {
        return work;
    }

    /** Where the report ends up. */
    public Path target() {
        return out;
    }

    /** A path inside the report folder for a file the caller writes; the file is listed in the report's files. */
    public Path file(String name) {
        files.add(name);
        return work.resolve(name);
    }

    /** Starts a new section with an anchor {@code id}. */
    public void section(String id, String heading) {
        if (!toc.isEmpty()) {
            body.append("</section>\n");
        }
        toc.add(new String[] {id, heading});
        body.append("<section id=\"").append(Html.escape(id)).append("\">\n<h2>").append(Html.escape(heading))
                .append("</h2>\n");
    }

    /** A sub-heading inside the current section. */
    public void subheading(String heading) {
        body.append("<h3>").append(Html.escape(heading)).append("</h3>\n");
    }

    /** A paragraph of plain text (escaped). */
    public void paragraph(String text) {
        body.append("<p>").append(Html.escape(text)).append("</p>\n");
    }

    /** Raw HTML the caller built with {@link Html} (already escaped). */
    public void html(String html) {
        body.append(html).append('\n');
    }

    /** Preformatted text, e.g. the classification report or the model summary. */
    public void pre(String text) {
        body.append("<pre>").append(Html.escape(text)).append("</pre>\n");
    }

    /**
     * A figure: the PNG {@code fileName} (already written into {@link #dir()}), its caption, and a one-line
     * reading of what it shows, computed from the data.
     */
    public void figure(String fileName, String caption, String reading) {
        files.add(fileName);
        body.append("<figure>\n<img src=\"").append(Html.escape(fileName)).append("\" alt=\"")
                .append(Html.escape(caption)).append("\" loading=\"lazy\">\n<figcaption><b>")
                .append(Html.escape(caption)).append(".</b> ").append(Html.escape(reading))
                .append("</figcaption>\n</figure>\n");
    }

    /**
     * Renders {@code chart} at {@code width x height} into the report folder as {@code fileName} and adds it as a
     * figure with its caption and reading (see {@link #figure(String, String, String)}).
     */
    public void figure(Chart chart, String fileName, int width, int height, String caption, String reading) {
        try {
            chart.write(work.resolve(fileName), width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write figure " + fileName, e);
        }
        figure(fileName, caption, reading);
    }

    /** A table with a header row; cells are plain text (escaped). */
    public void table(List<String> header, List<List<String>> rows) {
        body.append(Html.table(header, rows)).append('\n');
    }

    /** A link to a file of the report (e.g. {@code metrics.json}) with a description. */
    public void link(String fileName, String description) {
        files.add(fileName);
        body.append("<li><a href=\"").append(Html.escape(fileName)).append("\">").append(Html.escape(fileName))
                .append("</a> — ").append(Html.escape(description)).append("</li>\n");
    }

    /** The names of every file the page refers to (figures, links). */
    public Set<String> files() {
        return Set.copyOf(files);
    }

    /** The full HTML page as it stands. */
    public String page() {
        StringBuilder page = new StringBuilder(body.length() + 4096);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n")
                .append("<body>\n<header><h1>").append(Html.escape(title)).append("</h1>\n<nav>");
        for (String[] entry : toc) {
            page.append("<a href=\"#").append(Html.escape(entry[0])).append("\">").append(Html.escape(entry[1]))
                    .append("</a> ");
        }
        page.append("</nav>\n</header>\n<main>\n").append(body);
        if (!toc.isEmpty()) {
            page.append("</section>\n");
        }
        page.append("</main>\n</body>\n</html>\n");
        return page.toString();
    }

    /**
     * Writes {@code index.html} and moves the finished folder into place, replacing a previous report. Returns the
     * final folder.
     *
     * @throws UncheckedIOException if the report cannot be moved into place; the message says where the new report
     *     and the previous one are (neither is deleted)
     */
    public Path publish() {
        return publish(ReportFolder.RENAME);
    }

    /** {@link #publish()} with the folder moves done by {@code move} (tests inject failures). */
    Path publish(ReportFolder.Move move) {
        try {
            Files.writeString(work.resolve("index.html"), page(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            folder.close();
            throw new UncheckedIOException("could not write the report's page in " + Printable.of(work), e);
        }
        return folder.publish(move);
    }

    /** Deletes the temporary folder of a report that was never published, and lets another study use the folder. */
    @Override
    public void close() {
        folder.close();
    }

    /** Deletes a folder and everything in it, if it exists. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222;
                   background: #fafafa; line-height: 1.45; }
            header { background: #1f3b57; color: #fff; padding: 1em 2em; position: sticky; top: 0; z-index: 1; }
            header h1 { margin: 0 0 .3em 0; font-size: 1.5em; }
            nav a { color: #cfe3f7; margin-right: 1em; text-decoration: none; font-size: .9em; white-space: nowrap; }
            main { max-width: 1100px; margin: 0 auto; padding: 1em 2em 4em 2em; }
            section { border-bottom: 1px solid #ddd; padding-bottom: 1em; }
            h2 { color: #1f3b57; margin-top: 1.6em; }
            figure { margin: 1.2em 0; background: #fff; border: 1px solid #e3e3e3; padding: .8em; border-radius: 4px; }
            figure img { max-width: 100%; height: auto; display: block; margin: 0 auto; image-rendering: auto; }
            figcaption { margin-top: .5em; font-size: .95em; }
            table { border-collapse: collapse; margin: 1em 0; background: #fff; font-size: .92em; }
            th, td { border: 1px solid #ddd; padding: .3em .7em; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            th { background: #eef3f8; }
            pre { background: #fff; border: 1px solid #e3e3e3; padding: .8em; overflow-x: auto; font-size: .85em; }
            .good { color: #1a7f37; font-weight: bold; } .bad { color: #b42318; font-weight: bold; }
            .note { color: #555; font-size: .9em; }
            """;
}
