package dev.weft.examples;

/**
 * A problem the user can fix by changing the command line or the environment (a bad option, missing data, an
 * unreadable image). {@link Main} prints its message as one paragraph and exits non-zero, without a stack trace.
 */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error whose message tells the user what was wrong and how to fix it. */
    public UsageException(String message) {
        super(message);
    }

    /** The same, keeping the underlying cause for debugging ({@code -Dweft.debug=true} prints it). */
    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
