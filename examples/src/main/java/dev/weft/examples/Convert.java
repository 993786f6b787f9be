package dev.weft.examples;

import java.io.PrintStream;
import java.util.List;

/** The {@code convert} command (being integrated). */
final class Convert {
    private Convert() {
    }

    static int run(List<String> args, PrintStream out) {
        throw new UsageException("convert is not wired up yet");
    }
}
