package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path tmp;

    @Test
    void isWrittenAsideAndOnlyAppearsWhenPublished() throws IOException {
        Path out = tmp.resolve("report");
        Report report = Report.create(out, "T");
        Files.writeString(report.file("a.txt"), "x");

        assertThat(out).doesNotExist();
        assertThat(report.dir()).isNotEqualTo(out.toAbsolutePath());

        report.publish();

        assertThat(out.resolve("index.html")).exists();
        assertThat(out.resolve("a.txt")).hasContent("x");
        assertThat(report.dir()).doesNotExist();
    }

    @Test
    void replacesAPreviousReportButNotAForeignFolder() throws IOException {
        Path out = tmp.resolve("report");
        Report first = Report.create(out, "T");
        Files.writeString(first.file("old.txt"), "old");
        first.publish();

        Report.create(out, "T").publish();
        assertThat(out.resolve("old.txt")).doesNotExist();

        Path foreign = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(foreign.resolve("thesis.tex"), "precious");
        assertThatThrownBy(() -> Report.create(foreign, "T"))
                .isInstanceOf(UsageException.class).hasMessageContaining("not a Weft report");
        assertThat(foreign.resolve("thesis.tex")).hasContent("precious");
    }

    @Test
    void escapesTextAndListsEveryReferencedFile() {
        Report report = Report.create(tmp.resolve("r"), "A <b> & \"c\"");
        report.section("s", "Section & more");
        report.figure("f.png", "Fig <1>", "reads \"well\"");
        report.table(List.of("h"), List.of(List.of("<td>")));

        String page = report.page();

        assertThat(page).contains("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>", "Section &amp; more",
                "<img src=\"f.png\"", "Fig &lt;1&gt;", "reads &quot;well&quot;", "<td>&lt;td&gt;</td>");
        assertThat(page).containsOnlyOnce("</section>");
        assertThat(report.files()).containsExactly("f.png");
    }

    @Test
    void aChartFigureIsDrawnAtItsSizeIntoTheFolderAndListed() throws IOException {
        Report report = Report.create(tmp.resolve("r"), "T");
        report.section("s", "S");

        report.figure((width, height) -> new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "c.png",
                120, 80, "A chart", "It reads.");

        BufferedImage written = ImageIO.read(report.dir().resolve("c.png").toFile());
        assertThat(written.getWidth()).isEqualTo(120);
        assertThat(written.getHeight()).isEqualTo(80);
        assertThat(report.page()).contains("<img src=\"c.png\"", "<b>A chart.</b> It reads.");
        assertThat(report.files()).containsExactly("c.png");
    }
}
