package dev.weft.examples;

/** Recognises the data and model errors of the other modules that the user can fix. */
final class DataErrors {
    private DataErrors() {
    }

    /** A one-paragraph description of {@code e} if it is a user-fixable data or model problem, else null. */
    static String describe(RuntimeException e) {
        return null;
    }
}
