package org.visualbackprop.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.image.Images;

/**
 * Writes sample pictures of the synthetic data sets to a folder (default {@code /tmp/data-samples}), for a person to
 * look at: road frames of every {@link SceneKind} in both views beside their coloured label maps, consecutive frames,
 * and a grid of the 43 traffic-sign classes. Not a test; run it with
 * {@code java -cp core/target/classes:core/target/test-classes org.visualbackprop.data.DataSamples [folder]}.
 */
public final class DataSamples {
    private DataSamples() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/data-samples");
        for (SceneKind kind : SceneKind.values()) {
            List<BufferedImage> svf = new ArrayList<>();
            List<BufferedImage> hvf = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RoadScene scene = RoadScenes.generate(RoadScenes.DEFAULT_SEED, i, kind);
                RoadFrame a = RoadScenes.render(scene, RoadView.SVF);
                RoadFrame b = RoadScenes.render(scene, RoadView.HVF);
                svf.add(a.toImage());
                svf.add(a.labelImage(0.35));
                hvf.add(row(b.toImage(), b.labelImage(0.35)));
            }
            Images.writePng(column(svf), dir.resolve("road-svf-" + kind.name().toLowerCase() + ".png"));
            Images.writePng(column(hvf), dir.resolve("road-hvf-" + kind.name().toLowerCase() + ".png"));
        }
        RoadScene scene = RoadScenes.generate(RoadScenes.DEFAULT_SEED, 0, SceneKind.MISSING_MARKING);
        List<BufferedImage> drive = new ArrayList<>();
        for (RoadFrame f : RoadScenes.drive(scene, RoadView.SVF, 4, 3.4)) {
            drive.add(f.toImage());
        }
        Images.writePng(column(drive), dir.resolve("road-svf-consecutive.png"));
        List<BufferedImage> any = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            any.add(RoadScenes.render(RoadScenes.generate(7, i, SceneKind.ANY), RoadView.SVF).toImage());
        }
        Images.writePng(column(any), dir.resolve("road-svf-mixture.png"));
        writeSigns(dir);
    }

    private static void writeSigns(Path dir) throws IOException {
        int cell = TrafficSigns.SIZE + 3;
        for (int variant = 0; variant < 3; variant++) {
            BufferedImage grid = new BufferedImage(7 * cell, 7 * cell, BufferedImage.TYPE_INT_RGB);
            BufferedImage masks = new BufferedImage(7 * cell, 7 * cell, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = grid.createGraphics();
            Graphics2D gm = masks.createGraphics();
            for (Graphics2D x : new Graphics2D[] {g, gm}) {
                x.setColor(Color.WHITE);
                x.fillRect(0, 0, 7 * cell, 7 * cell);
            }
            for (SignClass c : SignClass.values()) {
                TrafficSigns.SignSample s = TrafficSigns.render(c, TrafficSigns.DEFAULT_SEED, variant);
                int x = c.id() % 7 * cell;
                int y = c.id() / 7 * cell;
                g.drawImage(Images.toImage(s.image(), 0), x, y, null);
                gm.drawImage(Images.toImage(s.mask(), 0), x, y, null);
            }
            g.dispose();
            gm.dispose();
            Images.writePng(grid, dir.resolve("signs-43-classes-" + variant + ".png"));
            Images.writePng(masks, dir.resolve("signs-43-masks-" + variant + ".png"));
        }
    }

    static BufferedImage row(BufferedImage a, BufferedImage b) {
        BufferedImage out = new BufferedImage(a.getWidth() + b.getWidth() + 4, Math.max(a.getHeight(), b.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, a.getWidth() + 4, 0, null);
        g.dispose();
        return out;
    }

    static BufferedImage column(List<BufferedImage> images) {
        int w = 0;
        int h = 0;
        for (BufferedImage i : images) {
            w = Math.max(w, i.getWidth());
            h += i.getHeight() + 3;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, 0, y, null);
            y += i.getHeight() + 3;
        }
        g.dispose();
        return out;
    }
}
