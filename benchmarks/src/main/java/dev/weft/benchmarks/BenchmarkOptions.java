package dev.weft.benchmarks;

import dev.weft.data.RecipeVariant;
import java.io.PrintStream;
import java.util.Set;

/**
 * The command-line parsing {@link TimeToAccuracy} and {@link TrainThroughput} share: {@code --flag value} pairs
 * and value-less switches, numbers checked as they are read, and the {@code --model} and {@code --variant} names.
 * A bad option is an {@link IllegalArgumentException} whose message names it; {@link #exit} prints it with the
 * usage and ends the program with exit code 2.
 */
final class BenchmarkOptions {

    /** Receives each option in order: its flag and its value ({@code null} for a switch). */
    @FunctionalInterface
    interface Handler {
        /** Applies one option; throws {@link IllegalArgumentException} (or {@link NumberFormatException}). */
        void accept(String flag, String value);
    }

    private BenchmarkOptions() {
    }

    /** Walks {@code args}, handing each flag in {@code switches} alone and every other flag with the next word. */
    static void parse(String[] args, Set<String> switches, Handler handler) {
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (switches.contains(flag)) {
                handler.accept(flag, null);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            try {
                handler.accept(flag, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " expects a number, got '" + value + "'");
            }
        }
    }

    /** Prints {@code problem}'s message and {@code usage} to standard error and exits with code 2. */
    static void exit(IllegalArgumentException problem, String usage) {
        System.err.println(problem.getMessage());
        System.err.println("usage: " + usage);
        System.exit(2);
    }

    /** {@code value} as an integer of at least 1. */
    static int positive(String flag, String value) {
        int parsed = Integer.parseInt(value);
        if (parsed < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, was " + parsed);
        }
        return parsed;
    }

    /** The model {@code --model given} names: reference or weft; {@code seed}, its former name, with a note. */
    static String modelName(String given, PrintStream err) {
        if (given.equals("seed")) {
            err.println("note: --model seed is deprecated and will be removed in the next release; the"
                    + " reference study's network is now the 'reference' model (--model reference).");
            return "reference";
        }
        if (!given.equals("reference") && !given.equals("weft")) {
            throw new IllegalArgumentException("--model must be reference or weft, was " + given);
        }
        return given;
    }

    /** The variant {@code --variant value} names, refused unless the model is weft (the only one with variants). */
    static RecipeVariant variant(String value) {
        try {
            return RecipeVariant.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--variant must be one of " + RecipeVariant.labels() + ", was "
                    + value);
        }
    }

    /** Refuses a variant other than the baseline for the reference model, whose recipe is reproduced as it is. */
    static void requireWeftFor(RecipeVariant variant, String modelName) {
        if (variant != RecipeVariant.BASELINE && !modelName.equals("weft")) {
            throw new IllegalArgumentException("--variant applies to --model weft only; the reference model keeps"
                    + " the reference study's recipe");
        }
    }
}
