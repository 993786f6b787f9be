package dev.weft.core.simd;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Chooses, once per JVM, which {@link Kernels} implementation Weft uses, and logs the choice.
 *
 * <p>The Vector API implementation is loaded by name only after checking that the {@code jdk.incubator.vector}
 * module is in the boot layer (otherwise loading it would fail with {@code NoClassDefFoundError}). The system
 * property {@code weft.simd} forces the choice: {@code false} selects the scalar kernels, {@code true} fails
 * loudly if SIMD is unavailable; any other value fails too. Either failure is the {@link IllegalArgumentException}
 * or {@link IllegalStateException} that caused the {@link ExceptionInInitializerError} of the first
 * {@link Kernels#get()}.
 */
final class KernelsProvider {
    private static final Logger LOG = Logger.getLogger("dev.weft.core");
    private static final String VECTOR_IMPL = "dev.weft.core.simd.VectorKernels";

    static final Kernels INSTANCE = choose();

    private KernelsProvider() {
    }

    private static Kernels choose() {
        String flag = flag(System.getProperty("weft.simd"));
        if (flag.equals("false")) {
            LOG.info("Weft kernels: scalar (SIMD switched off by -Dweft.simd=false)");
            return new ScalarKernels();
        }
        String reason;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            reason = "the jdk.incubator.vector module is not present; add --add-modules jdk.incubator.vector";
        } else {
            try {
                Kernels simd = (Kernels) Class.forName(VECTOR_IMPL).getDeclaredConstructor().newInstance();
                LOG.info("Weft kernels: " + simd.name() + " (Vector API)");
                return simd;
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                reason = "the Vector API implementation could not be loaded: " + e;
            }
        }
        if (flag.equals("true")) {
            throw new IllegalStateException("-Dweft.simd=true but " + reason);
        }
        LOG.warning("Weft kernels: scalar, because " + reason);
        return new ScalarKernels();
    }

    /**
     * The value of {@code -Dweft.simd} in lower case: {@code true}, {@code false}, or empty when unset.
     *
     * @throws IllegalArgumentException naming the property for any other value, so a typo never silently does
     *     nothing
     */
    static String flag(String value) {
        String flag = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!flag.isEmpty() && !flag.equals("true") && !flag.equals("false")) {
            throw new IllegalArgumentException("-Dweft.simd must be true or false (or unset: SIMD when available), "
                    + "was '" + value + "'");
        }
        return flag;
    }
}
