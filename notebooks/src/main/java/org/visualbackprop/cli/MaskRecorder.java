package org.visualbackprop.cli;

import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.Explainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.TrainingListener;

/**
 * Draws VisualBackProp masks of fixed samples at checkpoints during training (the paper's Figure 7): one PNG per
 * checkpoint (the samples' red overlays side by side), staged in an {@link OutputFolder} (so a run that fails leaves
 * none of them), and a grid of all checkpoints at the end.
 */
final class MaskRecorder implements TrainingListener {
    private final Tensor frames;
    private final OutputFolder folder;
    private final String subfolder;
    private final int trainingSize;
    private final List<BufferedImage[]> rows = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();

    /**
     * @param data         where the fixed samples come from (the first {@code samples} of it)
     * @param subfolder    the folder inside {@code folder} for the checkpoint pictures {@code epoch-E.png}
     * @param trainingSize samples per training epoch, to label checkpoints with the number of samples seen
     */
    MaskRecorder(Dataset data, int samples, OutputFolder folder, String subfolder, int trainingSize) {
        this.frames = Datasets.batch(data, 0, Math.max(1, samples)).inputs();
        this.folder = folder;
        this.subfolder = subfolder;
        this.trainingSize = trainingSize;
    }

    @Override
    public void checkpoint(double epochs, Network network) {
        Explanation e = Explainer.of("vbp", network).explain(frames, Target.predicted()).details().orElseThrow();
        int n = frames.shape().n();
        BufferedImage[] row = new BufferedImage[n];
        for (int i = 0; i < n; i++) {
            row[i] = Pictures.overlay(frames, i, Pictures.map(e.mask(), i));
        }
        String label = String.format(java.util.Locale.ROOT, "after %s epochs (%,d training samples)",
                epochs == Math.rint(epochs) ? String.valueOf((long) epochs) : String.valueOf(epochs), Math.round(epochs * trainingSize));
        rows.add(row);
        labels.add(label);
        BufferedImage picture = Pictures.grid(List.<BufferedImage[]>of(row), List.of(label), Pictures.displayWidth(frames.shape().w()));
        try {
            folder.stage(subfolder + "/epoch-" + epochs + ".png", tmp -> Images.writePng(picture, tmp));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** All checkpoints, one row each. */
    BufferedImage grid() {
        return Pictures.grid(rows, labels, Pictures.displayWidth(frames.shape().w()));
    }
}
