package org.visualbackprop.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.tensor.Tensor;

/**
 * What an {@link InferenceEngine} computed for one batch, and on which device. Immutable by convention (the tensors
 * are not copies).
 *
 * @param device      the device that computed it
 * @param predictions the network's output in evaluation mode ({@code n x k x 1 x 1})
 * @param vbp         VisualBackProp's mask as an attribution (with its {@link Attribution#details()} when the request
 *                    asked for them), or null when not asked for
 * @param lrp         LRP relevance, or null when not asked for
 */
public record Result(DeviceInfo device, Tensor predictions, Attribution vbp, Attribution lrp) {

    public Result {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(predictions, "predictions");
    }

    /** Batch size. */
    public int size() {
        return predictions.shape().n();
    }

    /** The results of consecutive parts of one batch, joined along the batch axis. */
    public static Result concat(List<Result> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Result first = parts.get(0);
        List<Tensor> p = new ArrayList<>();
        List<Attribution> v = new ArrayList<>();
        List<Attribution> r = new ArrayList<>();
        for (Result part : parts) {
            p.add(part.predictions);
            if (part.vbp != null) {
                v.add(part.vbp);
            }
            if (part.lrp != null) {
                r.add(part.lrp);
            }
        }
        return new Result(first.device, Tensor.stack(p), v.isEmpty() ? null : Attribution.concat(v),
                r.isEmpty() ? null : Attribution.concat(r));
    }
}
