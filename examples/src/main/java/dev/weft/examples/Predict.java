package dev.weft.examples;

import java.io.PrintStream;
import java.util.List;

/** The {@code predict} command (being integrated). */
final class Predict {
    private Predict() {
    }

    static int run(List<String> args, PrintStream out) {
        throw new UsageException("predict is not wired up yet");
    }
}
