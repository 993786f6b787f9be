package dev.weft.analysis.linalg;

/**
 * Thrown when the implicit QL iteration of {@link SymmetricEigen} does not deflate an eigenvalue within its
 * iteration cap. With finite input this does not happen in practice (the QL algorithm with Wilkinson-like shifts
 * converges cubically); the cap exists so that a bug or a pathological input fails loudly instead of looping.
 */
public final class EigenConvergenceException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the eigenvalue index and the iteration count. */
    public EigenConvergenceException(String message) {
        super(message);
    }
}
