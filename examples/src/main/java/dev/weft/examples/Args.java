package dev.weft.examples;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over command-line arguments that understands {@code --name value} and {@code --name=value}.
 * Every problem is a {@link UsageException} naming the option.
 */
final class Args {

    private final List<String> args;
    private int next;
    private String pendingValue;

    Args(List<String> args) {
        this.args = List.copyOf(args);
    }

    boolean hasNext() {
        return next < args.size();
    }

    /** The next option name (or positional argument); an inline {@code =value} is kept for {@link #value}. */
    String nextName() {
        String arg = args.get(next++);
        pendingValue = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
            pendingValue = arg.substring(eq + 1);
            return arg.substring(0, eq);
        }
        return arg;
    }

    /** The value of option {@code name}: its inline part, else the next argument. */
    String value(String name) {
        String value = pendingValue;
        pendingValue = null;
        if (value == null && next < args.size() && !args.get(next).startsWith("--")) {
            value = args.get(next++);
        }
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " needs a value, e.g. '" + name + " " + example(name)
                    + "'. Run with --help for the options.");
        }
        return value;
    }

    /** The value of option {@code name} as a file or folder name. */
    Path path(String name) {
        String value = value(name);
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(name + " " + Printable.of(value) + " is not a valid file name here: "
                    + Printable.of(e.getReason()) + ".", e);
        }
    }

    /** The value of option {@code name} as a whole number in {@code [1, max]}. */
    int positive(String name, int max) {
        return count(name, 1, max);
    }

    /** The value of option {@code name} as a whole number in {@code [min, max]}. */
    int count(String name, int min, int max) {
        String value = value(name);
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " expects a whole number from " + min + " to " + max + ", got '"
                    + Printable.of(value) + "'. Run with --help for the options.");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", got " + n
                    + ". Run with --help for the options.");
        }
        return n;
    }

    /** Fails if an option was given as {@code --flag=value} although it takes no value. */
    void noValue(String name) {
        if (pendingValue != null) {
            throw new UsageException(name + " takes no value, got '" + name + "=" + Printable.of(pendingValue)
                    + "'. Run with --help for the options.");
        }
    }

    /** All remaining arguments. */
    List<String> rest() {
        List<String> rest = new ArrayList<>(args.subList(next, args.size()));
        next = args.size();
        return rest;
    }

    private static String example(String name) {
        return switch (name) {
            case "--out" -> "report";
            case "--data" -> "/usr/share/datasets/fashion-mnist";
            case "--model" -> "both";
            case "--budget" -> "10m";
            default -> "5";
        };
    }
}
