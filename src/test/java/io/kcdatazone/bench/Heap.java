package io.kcdatazone.bench;

/** What the objects a benchmark keeps alive cost: the heap in use once the garbage is collected. */
public final class Heap {

    private Heap() {
    }

    /**
     * Used heap in bytes after a few full collections: one {@code System.gc()} is only a request, and may leave objects
     * that wait for finalization or reference processing.
     */
    public static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
