package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.visualbackprop.data.BarPositions;
import org.visualbackprop.data.FashionMnist;
import org.visualbackprop.data.Gtsrb;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.TrafficSigns;
import org.visualbackprop.data.UdacityDriving;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;

/** The data sets the commands know by name, and folders of real data. */
final class DataSources {
    private DataSources() {
    }

    /** A training and a validation set and the loss that fits them. */
    record Split(Dataset train, Dataset validation, Loss loss, boolean classifier, int outputs) {
    }

    /** The names accepted by {@code --data}. */
    static final String NAMES = "roads, signs, fashion-mnist, bars, or a folder holding Udacity's interpolated.csv or GTSRB's GT-*.csv";

    /** Salt that separates the validation stream from the training stream of the same seed. */
    private static final long VALIDATION_SALT = 0x5DEECE66DL;

    /**
     * The named data set with {@code samples} training and {@code validationSamples} validation samples, drawn from
     * {@code seed} (the validation set from a different stream of the same seed; real data is split by position:
     * the last {@code validationSamples} samples are held out, as the paper holds out the last frames; Fashion-MNIST
     * validates on the last pictures of its training split, leaving the test split to {@code vbp evaluate}). Synthetic
     * roads come in the view the network needs: NetHVF's for {@code nethvf}, NetSVF's otherwise.
     */
    static Split resolve(String name, PaperNets.Architecture arch, int samples, int validationSamples, long seed) throws IOException {
        if (samples < 1 || validationSamples < 1) {
            throw new IllegalArgumentException("need >= 1 training and validation sample, got " + samples + " and " + validationSamples);
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "bars":
                return new Split(BarPositions.of(32, 64, samples, seed), BarPositions.of(32, 64, validationSamples, seed ^ VALIDATION_SALT),
                        Loss.mse(), false, 1);
            case "roads": {
                RoadView view = arch == PaperNets.Architecture.NETHVF ? RoadView.HVF : RoadView.SVF;
                return new Split(RoadScenes.of(seed, samples, view), RoadScenes.of(seed ^ VALIDATION_SALT, validationSamples, view),
                        Loss.mse(), false, 1);
            }
            case "signs":
                return new Split(TrafficSigns.of(seed, samples), TrafficSigns.of(seed ^ VALIDATION_SALT, validationSamples),
                        Loss.nll(), true, PaperNets.SIGN_CLASSES);
            case "fashion-mnist": {
                // validation: the last pictures of the training split; the test split stays untouched for vbp evaluate
                FashionMnist train = fashion(FashionMnist.Split.TRAIN, arch);
                int held = Math.min(validationSamples, train.size() / 2);
                return new Split(Datasets.range(train, 0, Math.min(samples, train.size() - held)),
                        Datasets.range(train, train.size() - held, train.size()), Loss.nll(), true, FashionMnist.CLASS_NAMES.size());
            }
            default:
                return folder(Path.of(name), arch, samples, validationSamples);
        }
    }

    /** A Fashion-MNIST split at the input size the network takes (3 x 125 x 125, resampled, for signnet). */
    static FashionMnist fashion(FashionMnist.Split split, PaperNets.Architecture arch) throws IOException {
        FashionMnist f = FashionMnist.load(split);
        return arch == PaperNets.Architecture.SIGNNET ? f.withInput(3, 125, 125, FashionMnist.Placement.RESIZE) : f;
    }

    private static Split folder(Path dir, PaperNets.Architecture arch, int samples, int validationSamples) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("unknown data set '" + dir + "': expected " + NAMES);
        }
        Dataset all;
        boolean classifier;
        int outputs;
        if (Files.isRegularFile(dir.resolve("interpolated.csv"))) {
            RoadView view = arch == PaperNets.Architecture.NETHVF ? RoadView.HVF : RoadView.SVF;
            all = UdacityDriving.read(dir.resolve("interpolated.csv"), UdacityDriving.Options.paper()).dataset(view, RoadScenes.Target.NORMALIZED);
            classifier = false;
            outputs = 1;
        } else {
            all = Gtsrb.dataset(Gtsrb.scan(dir), true, "GTSRB signs in " + dir);
            classifier = true;
            outputs = PaperNets.SIGN_CLASSES;
        }
        if (all.size() < 2) {
            throw new IllegalArgumentException(dir + " holds " + all.size() + " usable samples; need at least 2");
        }
        int held = Math.min(validationSamples, all.size() / 2);
        int train = Math.min(samples, all.size() - held);
        return new Split(Datasets.range(all, 0, train), Datasets.range(all, all.size() - held, all.size()),
                classifier ? Loss.nll() : Loss.mse(), classifier, outputs);
    }
}
