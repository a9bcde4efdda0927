package org.visualbackprop.data;

import org.visualbackprop.tensor.Shape;

/**
 * The two camera views of the paper's Section 5, as windows of one camera image whose pixel units are those of
 * the NetSVF view.
 *
 * <p>NetSVF sees 640 x 125 pixels of the lower part of the camera image. NetHVF's input "has approximately two times
 * higher vertical field of view, but then is scaled down by that factor": here it is the window of 698 x 250 pixels
 * with the same bottom row and the same centre column, reaching 125 rows higher (past the horizon), averaged over
 * 2 x 2 blocks to 349 x 125. So a point on the road appears in both views, at {@code (x, y)} in NetSVF and at
 * {@code ((x + 29) / 2, (y + 125) / 2)} in NetHVF.
 */
public enum RoadView {
    /** NetSVF's input: 1 x 125 x 640. */
    SVF(125, 640, 0, 0, 1),
    /** NetHVF's input: 1 x 125 x 349, a 698 x 250 window scaled down by 2. */
    HVF(125, 349, -125, -29, 2);

    private final int height;
    private final int width;
    private final int top;
    private final int left;
    private final int factor;

    RoadView(int height, int width, int top, int left, int factor) {
        this.height = height;
        this.width = width;
        this.top = top;
        this.left = left;
        this.factor = factor;
    }

    /** Rows of the view. */
    public int height() {
        return height;
    }

    /** Columns of the view. */
    public int width() {
        return width;
    }

    /** Row of the NetSVF coordinate system where the view's window starts (before scaling). */
    public int top() {
        return top;
    }

    /** Column of the NetSVF coordinate system where the view's window starts. */
    public int left() {
        return left;
    }

    /** How many camera pixels, per axis, one view pixel averages. */
    public int factor() {
        return factor;
    }

    /** The network input shape, {@code 1 x 1 x height x width}. */
    public Shape inputShape() {
        return new Shape(1, 1, height, width);
    }
}
