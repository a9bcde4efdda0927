package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.TrafficSigns;
import org.visualbackprop.data.UdacityDriving;
import org.visualbackprop.image.Images;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Where {@code vbp explain} takes its frames from, a batch at a time (nothing holds more than one batch): image or
 * {@code .npy} files ({@link Inputs}), the frames of a Udacity {@code interpolated.csv} in their order, or frames the
 * synthetic generators make, which come with ground-truth regions (lane markings, cars, ...; the sign) for the
 * summary's mask-mass table.
 */
abstract class ExplainFrames {
    /** Number of frames. */
    abstract int size();

    /** The name of frame {@code i}'s outputs. */
    abstract String stem(int i);

    /** Frames {@code from .. from + count - 1} as one batch. */
    abstract Tensor load(int from, int count) throws IOException;

    /** What the frames are, for messages and the progress record. */
    abstract String describe();

    /** The names of the ground-truth regions the frames have (empty when none). */
    List<String> regions() {
        return List.of();
    }

    /**
     * Region {@code r} of frame {@code from + i} of the batch last {@link #load loaded}, one flag per pixel; null when the
     * frame has none of it.
     */
    boolean[] region(int i, int r) {
        throw new IllegalStateException("these frames have no regions");
    }

    /** Image and {@code .npy} files. */
    static ExplainFrames files(List<Inputs.Item> items, Shape input, Images.Fit fit, String description) {
        return new ExplainFrames() {
            @Override
            int size() {
                return items.size();
            }

            @Override
            String stem(int i) {
                return items.get(i).stem();
            }

            @Override
            Tensor load(int from, int count) throws IOException {
                List<Tensor> xs = new ArrayList<>(count);
                for (int i = from; i < from + count; i++) {
                    xs.add(Inputs.load(items.get(i), input, fit));
                }
                return Tensor.stack(xs);
            }

            @Override
            String describe() {
                return description + " (" + items.size() + " inputs)";
            }
        };
    }

    /** The frames a Udacity {@code interpolated.csv} names (centre camera, the paper's speed filter), in order. */
    static ExplainFrames udacity(Path csv, Shape input, Images.Fit fit) throws IOException {
        List<UdacityDriving.Frame> frames = UdacityDriving.read(csv, UdacityDriving.Options.paper()).frames();
        if (frames.isEmpty()) {
            throw new IllegalArgumentException(csv + " names no frames of the centre camera at 5 m/s or more");
        }
        List<Inputs.Item> items = new ArrayList<>(frames.size());
        for (UdacityDriving.Frame f : frames) {
            String name = f.image().getFileName().toString();
            int dot = name.lastIndexOf('.');
            items.add(new Inputs.Item(dot > 0 ? name.substring(0, dot) : name, f.image(), 0));
        }
        return files(items, input, fit, csv.toString());
    }

    /**
     * Synthetic frames: {@code roads} (the road generator, seen as the network's input size says: NetSVF's or NetHVF's
     * view) with the label regions of {@link Label}, or {@code signs} with the sign as region.
     */
    static ExplainFrames synthetic(String kind, int count, long seed, Shape input) {
        if (count < 1) {
            throw new IllegalArgumentException("--frames must be >= 1, got " + count);
        }
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.equals("roads")) {
            RoadView view = null;
            for (RoadView v : RoadView.values()) {
                if (v.inputShape().equals(input.withBatch(1))) {
                    view = v;
                }
            }
            if (view == null) {
                throw new ShapeException("synthetic roads come as 1 x 125 x 640 (NetSVF's view) or 1 x 125 x 349 (NetHVF's); the "
                        + "network takes " + input.describeSample());
            }
            return roads(RoadScenes.of(seed, count, view), seed);
        }
        if (k.equals("signs")) {
            if (!input.withBatch(1).equals(new Shape(1, 3, TrafficSigns.SIZE, TrafficSigns.SIZE))) {
                throw new ShapeException("synthetic signs come as 3 x 125 x 125; the network takes " + input.describeSample());
            }
            return signs(TrafficSigns.of(seed, count), seed);
        }
        throw new IllegalArgumentException("--data must be roads or signs, got '" + kind + "'");
    }

    /** The labels of road frames the summary reports, in this order. */
    static final List<Label> ROAD_REGIONS = List.of(Label.LANE_MARKING, Label.HORIZONTAL_MARKING, Label.CAR, Label.SHADOW, Label.ROAD);

    private static ExplainFrames roads(RoadScenes scenes, long seed) {
        return new ExplainFrames() {
            private List<RoadFrame> batch = List.of();

            @Override
            int size() {
                return scenes.size();
            }

            @Override
            String stem(int i) {
                return String.format(Locale.ROOT, "road%06d", i);
            }

            @Override
            Tensor load(int from, int count) {
                List<RoadFrame> fs = new ArrayList<>(count);
                List<Tensor> xs = new ArrayList<>(count);
                for (int i = from; i < from + count; i++) {
                    RoadFrame f = scenes.frame(i);
                    fs.add(f);
                    xs.add(f.image());
                }
                batch = fs;
                return Tensor.stack(xs);
            }

            @Override
            String describe() {
                return scenes.size() + " synthetic road frames, seed " + seed + ", " + scenes.view() + " view";
            }

            @Override
            List<String> regions() {
                return ROAD_REGIONS.stream().map(l -> l.name().toLowerCase(Locale.ROOT).replace('_', ' ')).toList();
            }

            @Override
            boolean[] region(int i, int r) {
                RoadFrame f = batch.get(i);
                Label l = ROAD_REGIONS.get(r);
                if (f.count(l) == 0) {
                    return null;
                }
                boolean[] m = new boolean[f.height() * f.width()];
                byte[] codes = f.labelCodes();
                for (int q = 0; q < m.length; q++) {
                    m[q] = codes[q] == l.ordinal();
                }
                return m;
            }
        };
    }

    private static ExplainFrames signs(TrafficSigns signs, long seed) {
        return new ExplainFrames() {
            private List<TrafficSigns.SignSample> batch = List.of();

            @Override
            int size() {
                return signs.size();
            }

            @Override
            String stem(int i) {
                return String.format(Locale.ROOT, "sign%06d", i);
            }

            @Override
            Tensor load(int from, int count) {
                List<TrafficSigns.SignSample> ss = new ArrayList<>(count);
                List<Tensor> xs = new ArrayList<>(count);
                for (int i = from; i < from + count; i++) {
                    TrafficSigns.SignSample s = signs.sample(i);
                    ss.add(s);
                    xs.add(s.image());
                }
                batch = ss;
                return Tensor.stack(xs);
            }

            @Override
            String describe() {
                return signs.size() + " synthetic traffic signs, seed " + seed;
            }

            @Override
            List<String> regions() {
                return List.of("sign");
            }

            @Override
            boolean[] region(int i, int r) {
                float[] mask = batch.get(i).mask().data();
                boolean[] m = new boolean[mask.length];
                for (int q = 0; q < m.length; q++) {
                    m[q] = mask[q] > 0.5f;
                }
                return m;
            }
        };
    }

    /** The frames {@code --input} names: a Udacity {@code interpolated.csv}, or images and {@code .npy} files. */
    static ExplainFrames of(Path input, Shape shape, Images.Fit fit) throws IOException {
        if (Files.isRegularFile(input) && input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return udacity(input, shape, fit);
        }
        return files(Inputs.list(input), shape, fit, input.toString());
    }
}
