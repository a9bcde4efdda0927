package org.visualbackprop.explain;

/**
 * Where a mask puts its mass: the share of a (non-negative) mask's total that falls on a region of the image,
 * compared with the region's share of the image's pixels. A ratio of 1 means the mask ignores the region; the paper's
 * claim that the network "learned to recognize lane markings" shows as a ratio of several times 1 on lane-marking
 * pixels, and "ignores horizontal markings" as a ratio near or below 1 on those.
 */
public final class MaskMass {
    private MaskMass() {
    }

    /**
     * One image's figures for one region.
     *
     * @param areaShare region pixels / all pixels
     * @param massShare mask mass on the region / total mask mass (NaN when the mask is all zero)
     */
    public record Share(double areaShare, double massShare) {
        /** {@code massShare / areaShare}: how many times more mass the region gets than its size alone would give it. */
        public double enrichment() {
            return massShare / areaShare;
        }
    }

    /**
     * The share of {@code mask}'s mass on {@code region}. Negative mask values are counted as 0 (for a relevance map:
     * its positive part).
     *
     * @param mask   values per pixel
     * @param region true for the pixels of the region; same length
     * @throws IllegalArgumentException for arrays of different length or an empty region
     */
    public static Share of(double[] mask, boolean[] region) {
        if (mask.length != region.length) {
            throw new IllegalArgumentException("mask has " + mask.length + " pixels, region " + region.length);
        }
        double total = 0;
        double on = 0;
        int pixels = 0;
        for (int q = 0; q < mask.length; q++) {
            double v = Math.max(0, mask[q]);
            total += v;
            if (region[q]) {
                on += v;
                pixels++;
            }
        }
        if (pixels == 0) {
            throw new IllegalArgumentException("the region is empty");
        }
        return new Share((double) pixels / mask.length, total > 0 ? on / total : Double.NaN);
    }
}
