package dev.weft.core.simd;

import java.util.logging.Logger;

/**
 * Chooses, once per JVM, which {@link Kernels} implementation Weft uses, and logs the choice.
 *
 * <p>The Vector API implementation is loaded by name only after checking that the {@code jdk.incubator.vector}
 * module is in the boot layer (otherwise loading it would fail with {@code NoClassDefFoundError}). The system
 * property {@code weft.simd} forces the choice: {@code false} selects the scalar kernels, {@code true} fails
 * loudly if SIMD is unavailable.
 */
final class KernelsProvider {
    private static final Logger LOG = Logger.getLogger("dev.weft.core");
    private static final String VECTOR_IMPL = "dev.weft.core.simd.VectorKernels";

    static final Kernels INSTANCE = choose();

    private KernelsProvider() {
    }

    private static Kernels choose() {
        String flag = System.getProperty("weft.simd", "").trim();
        if (flag.equalsIgnoreCase("false")) {
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
        if (flag.equalsIgnoreCase("true")) {
            throw new IllegalStateException("-Dweft.simd=true but " + reason);
        }
        LOG.warning("Weft kernels: scalar, because " + reason);
        return new ScalarKernels();
    }
}
