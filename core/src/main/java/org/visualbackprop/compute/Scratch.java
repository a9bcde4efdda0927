package org.visualbackprop.compute;

/**
 * Per-thread scratch arrays, reused from call to call so that the kernels allocate (and the operating system
 * zero-fills) no new memory in steady state. Each kernel uses its own {@link Slot}; the returned array may be
 * larger than asked for and holds garbage.
 */
public final class Scratch {
    /** Distinct uses of scratch memory; a kernel must not hold two arrays of the same slot at once. */
    public enum Slot { PACK_A, PACK_B, TILE, PHASES, COLUMNS, PHASE_GRAD, GRAD_PAD, WEIGHTS, MISC }

    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[Slot.values().length][]);

    private Scratch() {
    }

    /** An array of at least {@code size} floats for the calling thread, contents undefined. */
    public static float[] get(Slot slot, int size) {
        float[][] all = ARRAYS.get();
        float[] a = all[slot.ordinal()];
        if (a == null || a.length < size) {
            a = new float[Math.max(size, a == null ? 0 : a.length + a.length / 2)];
            all[slot.ordinal()] = a;
        }
        return a;
    }
}
