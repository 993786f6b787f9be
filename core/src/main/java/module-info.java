/**
 * Weft's core: the {@link dev.weft.core.Tensor} type (float32, NCHW), the {@link dev.weft.core.simd.Kernels} SIMD
 * seam with its scalar twin, the parallel matrix product, convolution and pooling, and the shared thread pool.
 *
 * <p>{@code jdk.incubator.vector} is required {@code static}: the dependence is needed to compile the Vector API
 * implementation (package-private {@code VectorKernels}, loaded by name), but optional at run time. On the module
 * path as on the class path, the SIMD kernels run when the JVM is started with
 * {@code --add-modules jdk.incubator.vector}; without it the scalar kernels run and a log line says which flag
 * fixes it. A plain {@code requires} would make every JVM that resolves this module load an incubator module,
 * and a JDK (or a jlink image) without it could not start Weft at all, instead of falling back.
 */
module dev.weft.core {
    requires static jdk.incubator.vector;
    requires java.logging;

    exports dev.weft.core;
    exports dev.weft.core.conv;
    exports dev.weft.core.simd;
}
