package dev.weft.examples;

import java.io.PrintStream;

/** The Fashion-MNIST study (pipeline being integrated). */
final class Study {
    private final StudyOptions options;
    private final PrintStream out;

    Study(StudyOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    void run() {
        throw new UsageException("the study is not wired up yet");
    }
}
