package dev.weft.testing;

import java.lang.management.ManagementFactory;

/**
 * The property every fuzz target checks (see docs/fuzzing.md): a reader given any bytes either returns or throws
 * the checked exception it documents, and it allocates no more than a constant plus what the input paid for.
 * Anything else (an unchecked exception, an {@link Error}, an allocation the input did not pay for) propagates as
 * a failure, which Jazzer reports as a finding.
 *
 * <p>Allocation is counted per thread ({@code com.sun.management.ThreadMXBean}), so the code under test must run
 * on the calling thread; the readers do for inputs of the sizes a fuzzer makes. The fuzzing runs also cap the heap,
 * so an allocation that fails before it can be counted is an {@link OutOfMemoryError}, a finding too.
 *
 * <p>Shared by the fuzz tests of every module through weft-layers' test jar.
 */
public final class FuzzProperty {

    /** A read that only refuses or returns. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    private FuzzProperty() {
    }

    /**
     * Runs {@code read}; returns normally if it returned or threw an instance of {@code documented}, and throws an
     * {@link AssertionError} if it allocated more than {@code allowance} bytes. Other throwables propagate.
     */
    public static void check(Class<? extends Exception> documented, long allowance, Read read) throws Exception {
        long allocated = allocatedBy(documented, read);
        if (allocated > allowance) {
            // The first run of a code path loads (and, under Jazzer, instruments) classes on this thread, which
            // allocates too: only an input that costs too much twice is a finding.
            allocated = allocatedBy(documented, read);
        }
        if (allocated > allowance) {
            throw new AssertionError("allocated " + allocated + " bytes, more than the " + allowance
                    + " this input pays for");
        }
    }

    /** The bytes {@code read} allocated (0 if this JVM does not count them), rethrowing undocumented throwables. */
    private static long allocatedBy(Class<? extends Exception> documented, Read read) throws Exception {
        long before = allocatedBytes();
        try {
            read.run();
        } catch (Exception e) {
            if (!documented.isInstance(e)) {
                throw e;
            }
        }
        return before < 0 ? 0 : allocatedBytes() - before;
    }

    /** Bytes allocated so far by the calling thread, or -1 if this JVM does not count them. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
