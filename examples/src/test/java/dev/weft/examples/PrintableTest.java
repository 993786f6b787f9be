package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Text from outside cannot steer the terminal or break a message's paragraph. */
class PrintableTest {

    @Test
    void escapesControlAndBidirectionalCharacters() {
        assertThat(Printable.of("a\u001b[31mb")).isEqualTo("a\\u001B[31mb");
        assertThat(Printable.of("line\nnext\tcol\rback")).isEqualTo("line\\nnext\\tcol\\rback");
        assertThat(Printable.of("evil\u202Egnp.exe")).isEqualTo("evil\\u202Egnp.exe");
        assertThat(Printable.of("\u009b")).isEqualTo("\\u009B");
    }

    @Test
    void leavesOrdinaryNamesAloneInAnyScript() {
        assertThat(Printable.of(Path.of("data", "Müller's 衬衫 (1).png"))).isEqualTo(
                Path.of("data", "Müller's 衬衫 (1).png").toString());
        assertThat(Printable.of(null)).isEqualTo("null");
    }

    @Test
    void aWholeMessageKeepsItsLineBreaksForTheParagraphToFold() {
        assertThat(Printable.message("Searched:\n  a\u0007b\n")).isEqualTo("Searched:\n  a\\u0007b\n");
        assertThat(Main.paragraph("weft: no\nfile \u001b]0;x\u0007")).isEqualTo("weft: no file \\u001B]0;x\\u0007");
    }
}
