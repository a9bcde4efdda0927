package org.visualbackprop.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.visualbackprop.data.RoadScene.Camera;
import org.visualbackprop.data.RoadScene.Car;
import org.visualbackprop.data.RoadScene.CrossMarking;
import org.visualbackprop.data.RoadScene.LaneLine;
import org.visualbackprop.data.RoadScene.Pavement;
import org.visualbackprop.data.RoadScene.Road;
import org.visualbackprop.data.RoadScene.Shadow;
import org.visualbackprop.data.RoadScene.Surface;

/**
 * Renders a {@link RoadScene} into a view: a pinhole camera over a flat ground plane, scan line by scan line.
 *
 * <p>For the pixel centred at {@code (x, y)} (NetSVF pixel units) the ground point is {@code Z = f h / (y + horizon)}
 * ahead and {@code X = (x - 320) Z / f} across ({@code f} = {@link RoadScenes#FOCAL_PX}, {@code h} the camera
 * height); its road coordinates are {@code u = (X - X_c(Z)) cos(atan X_c'(Z))} and {@code s = odometer + Z}.
 * A pixel covers {@code du = Z cos / f} metres across and the rows from {@code y - 1/2} to {@code y + 1/2} cover
 * {@code [f h / (d + 1/2), f h / (d - 1/2)]} along; every painted feature is anti-aliased by the exact fraction of
 * that footprint it covers (lines, dashes, crosswalk stripes) and textures fade out where the footprint exceeds their
 * grain. Cars are vertical boxes, sampled 2 x 2 per pixel.
 *
 * <p>Stateless; every call allocates its own buffers, so it is safe from several threads.
 */
final class RoadRenderer {
    static final double FOCAL = RoadScenes.FOCAL_PX;
    static final double CX = 320.0;
    private static final double PROFILE_STEP = 0.02;
    private static final int PROFILE_N = (int) Math.round(2 * RoadScene.MAX_U / PROFILE_STEP) + 1;
    private static final int LUT_N = 2048;
    private static final double LUT_MAX = 2.0;

    private static final byte SKY = (byte) Label.SKY.ordinal();
    private static final byte OFF = (byte) Label.OFF_ROAD.ordinal();
    private static final byte ROAD = (byte) Label.ROAD.ordinal();
    private static final byte SHADOW = (byte) Label.SHADOW.ordinal();
    private static final byte CURB = (byte) Label.CURB.ordinal();
    private static final byte HMARK = (byte) Label.HORIZONTAL_MARKING.ordinal();
    private static final byte LMARK = (byte) Label.LANE_MARKING.ordinal();
    private static final byte CAR = (byte) Label.CAR.ordinal();

    private RoadRenderer() {
    }

    /**
     * A painted element: the set of {@code (u, s)} with {@code u} in {@code [uA, uB]} on a periodic pattern
     * ({@code uOn} of every {@code uPeriod} from {@code uPhase}) and likewise along {@code s}.
     */
    private record Paint(double uA, double uB, double uOn, double uPeriod, double uPhase,
            double sA, double sB, double sOn, double sPeriod, double sPhase, double albedo, byte label) {
        static Paint stripe(double uc, double width, double sA, double sB, double sOn, double sPeriod, double sPhase,
                double albedo, byte label) {
            return new Paint(uc - width / 2, uc + width / 2, width, width, uc - width / 2, sA, sB, sOn, sPeriod, sPhase, albedo, label);
        }
    }

    /**
     * Renders {@code scene} as {@code view}: pixel values in [0, 1] (quantised to multiples of 1/255 like an 8-bit
     * camera) into {@code out} from {@code off}, row-major, and, when {@code labels} is not null, the label map
     * ({@link Label#ordinal()} per pixel) into {@code labels} from 0.
     */
    static void render(RoadScene scene, RoadView view, float[] out, int off, byte[] labels) {
        int f = view.factor();
        int vh = view.height();
        int vw = view.width();
        int h = vh * f;
        int w = vw * f;
        float[] rad = new float[h * w];
        byte[] lab = new byte[h * w];
        renderRadiance(scene, view.top(), view.left(), h, w, rad, lab);
        float[] small = rad;
        if (f > 1) {
            small = new float[vh * vw];
            float norm = 1f / (f * f);
            for (int y = 0; y < vh; y++) {
                for (int x = 0; x < vw; x++) {
                    float sum = 0;
                    for (int dy = 0; dy < f; dy++) {
                        int row = (y * f + dy) * w + x * f;
                        for (int dx = 0; dx < f; dx++) {
                            sum += rad[row + dx];
                        }
                    }
                    small[y * vw + x] = sum * norm;
                }
            }
        }
        photometry(scene, view, small, out, off);
        if (labels != null) {
            if (f == 1) {
                System.arraycopy(lab, 0, labels, 0, h * w);
            } else {
                downsampleLabels(lab, w, f, vh, vw, labels);
            }
        }
    }

    /** Majority vote over each {@code f x f} block; ties go to the label of higher priority. */
    private static void downsampleLabels(byte[] lab, int w, int f, int vh, int vw, byte[] out) {
        int n = Label.values().length;
        int[] count = new int[n];
        for (int y = 0; y < vh; y++) {
            for (int x = 0; x < vw; x++) {
                java.util.Arrays.fill(count, 0);
                for (int dy = 0; dy < f; dy++) {
                    int row = (y * f + dy) * w + x * f;
                    for (int dx = 0; dx < f; dx++) {
                        count[lab[row + dx]]++;
                    }
                }
                int best = 0;
                for (int k = 1; k < n; k++) {
                    if (count[k] >= count[best]) {
                        best = k;
                    }
                }
                out[y * vw + x] = (byte) best;
            }
        }
    }

    private static void photometry(RoadScene scene, RoadView view, float[] rad, float[] out, int off) {
        Camera cam = scene.camera();
        int vh = view.height();
        int vw = view.width();
        float[] lut = new float[LUT_N + 1];
        for (int i = 0; i <= LUT_N; i++) {
            lut[i] = (float) Math.pow(i * LUT_MAX / LUT_N, cam.gamma());
        }
        float exposure = (float) cam.exposure();
        float noise = (float) cam.noise();
        float vig = (float) cam.vignetting();
        long seed = Noise.mix(scene.textureSeed() ^ 0x51a5eL, Double.doubleToLongBits(scene.odometer()) + 31L * view.ordinal());
        float cy = (vh - 1) / 2f;
        float cx = (vw - 1) / 2f;
        float r2max = cx * cx + cy * cy;
        float scaleLut = LUT_N / (float) LUT_MAX;
        for (int y = 0; y < vh; y++) {
            float dy = y - cy;
            for (int x = 0; x < vw; x++) {
                int i = y * vw + x;
                float v = rad[i] * exposure;
                if (v <= 0) {
                    v = 0;
                } else if (v >= LUT_MAX) {
                    v = lut[LUT_N] * (float) Math.pow(v / LUT_MAX, cam.gamma());
                } else {
                    float t = v * scaleLut;
                    int k = (int) t;
                    float a = t - k;
                    v = lut[k] + (lut[k + 1] - lut[k]) * a;
                }
                float dx = x - cx;
                v *= 1f - vig * (dx * dx + dy * dy) / r2max;
                v += noise * Noise.gauss(Noise.mix(seed + i), 0);
                v = v < 0 ? 0 : Math.min(v, 1f);
                out[off + i] = Math.round(v * 255f) / 255f;
            }
        }
    }

    /** Albedo times light (before exposure) and labels of the window rows {@code [top, top+h)}, columns {@code [left, left+w)}. */
    static void renderRadiance(RoadScene scene, int top, int left, int h, int w, float[] rad, byte[] lab) {
        Road road = scene.road();
        Surface surf = scene.surface();
        Camera cam = scene.camera();
        double hc = cam.height();
        double horizon = cam.horizon();
        double odo = scene.odometer();
        long seed = scene.textureSeed();
        double sky = cam.skyBrightness();
        double haze = cam.haze();

        // background: a tree line / buildings at bgDist, with a gap where the road passes
        double bgDist = 120 + 180 * Noise.unit(Noise.mix(seed, 1));
        double bgHeight = 3 + 9 * Noise.unit(Noise.mix(seed, 2));
        double bgAlbedo = surf.offRoadAlbedo() * (0.6 + 0.6 * Noise.unit(Noise.mix(seed, 3)));
        float[] silhouette = new float[w];
        double roadAtBg = road.centreX(bgDist);
        double halfRoad = 0.5 * (road.pavementRight() - road.pavementLeft()) + 4;
        double roadMid = 0.5 * (road.pavementRight() + road.pavementLeft());
        double bgOff = (seed >>> 20 & 0xfff);
        for (int c = 0; c < w; c++) {
            double x = left + c + 0.5;
            double az = (x - CX) / FOCAL;
            double n = Noise.sample(az * 60 + bgOff, 7.5) * 0.5 + Noise.sample(az * 400 + bgOff, 77.5) * 0.25;
            double heightM = bgHeight * (0.75 + 0.5 * n);
            double xRoad = roadAtBg + roadMid;
            double gap = Math.abs(az * bgDist - xRoad) / halfRoad;
            heightM *= 0.35 + 0.65 * RoadScene.ramp(gap - 1.0);
            silhouette[c] = (float) (FOCAL * Math.max(0, heightM) / bgDist);
        }
        double hazeAtBg = Math.exp(-bgDist / haze);
        float bgRad = (float) (bgAlbedo * hazeAtBg + sky * (1 - hazeAtBg));

        List<Paint> paints = paints(scene);
        List<Shadow> shadows = new ArrayList<>(scene.shadows());
        for (Car car : scene.cars()) {
            double s0 = odo + car.distance();
            shadows.add(new RoadScene.Patch(car.lateral() - car.width() / 2 - 0.1, car.lateral() + car.width() / 2 + 0.1,
                    s0 - 0.15, s0 + car.length() + 0.1, 0.25, 0.8));
        }
        Profiles profiles = new Profiles(road, surf, seed);
        double pavL = road.pavementLeft();
        double pavR = road.pavementRight();
        double curbW = 0.25;
        double curbLA = road.curbLeft() ? pavL - curbW : pavL;
        double curbRB = road.curbRight() ? pavR + curbW : pavR;
        double roadAlb = surf.roadAlbedo();
        double offAlb = surf.offRoadAlbedo();
        double curbAlb = surf.curbAlbedo();
        double tex = surf.texture();
        boolean concrete = surf.pavement() == Pavement.CONCRETE;
        double o1x = (seed >>> 8 & 0x3ff) * 1.37;
        double o1y = (seed >>> 18 & 0x3ff) * 1.91;
        double o2x = (seed >>> 28 & 0x3ff) * 1.13;
        double o2y = (seed >>> 38 & 0x3ff) * 1.71;
        double o3x = (seed >>> 48 & 0x3ff) * 1.29;
        double streakAmp = concrete ? 0.16 : 0.06;
        long grainSeed = Noise.mix(seed, Double.doubleToLongBits(odo));
        double grainAmp = 0.10 + 0.10 * tex;
        double laneW = road.laneWidth();
        double b0 = road.boundaryU(0);
        double[] shadowLight = new double[w];

        for (int r = 0; r < h; r++) {
            double y = top + r + 0.5;
            double d = y + horizon;
            int rowOff = r * w;
            double z = d > 0 ? FOCAL * hc / d : Double.POSITIVE_INFINITY;
            if (d <= 0 || z > bgDist) {
                for (int c = 0; c < w; c++) {
                    if (d > 0 || -d < silhouette[c]) {
                        rad[rowOff + c] = bgRad;
                        lab[rowOff + c] = OFF;
                    } else {
                        double elev = -d / FOCAL;
                        rad[rowOff + c] = (float) (sky * (0.9 + 0.6 * Math.min(1, elev * 3)));
                        lab[rowOff + c] = SKY;
                    }
                }
                continue;
            }
            double zNear = FOCAL * hc / (d + 0.5);
            double zFar = d > 0.5 ? Math.min(bgDist, FOCAL * hc / (d - 0.5)) : bgDist;
            double dz = zFar - zNear;
            double xc = road.centreX(z);
            double sl = road.slope(z);
            double cosf = 1 / Math.sqrt(1 + sl * sl);
            double mpp = z / FOCAL;
            double du = mpp * cosf;
            double u0 = ((left + 0.5 - CX) * mpp - xc) * cosf;
            double s = odo + z;
            double sNear = odo + zNear;
            double sFar = odo + zFar;
            double fp = Math.max(du, dz);
            double fade1 = clamp01(1 - fp / 0.6);
            double fade2 = clamp01(1 - fp / 0.12);
            double fadeS = clamp01(1 - du / 0.02) * streakAmp;
            double hz = Math.exp(-z / haze);
            float[] prof = profiles.level(du);

            // transverse features: joints (concrete) or cracks (asphalt), slab brightness per lane (concrete)
            double rowMul = 1;
            long slab = (long) Math.floor(s / surf.jointSpacing());
            if (concrete) {
                rowMul -= 0.45 * measure(sNear, sFar, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0.02,
                        surf.jointSpacing(), 0) / (sFar - sNear);
            } else {
                double period = surf.jointSpacing() * 2.5;
                long k = (long) Math.floor(s / period);
                if (Noise.unit(Noise.mix(seed ^ 0xc7ac, k)) < 0.35) {
                    double at = k * period + period * Noise.unit(Noise.mix(seed ^ 0xc7ad, k));
                    rowMul -= 0.3 * overlap(sNear, sFar, at, at + 0.03) / (sFar - sNear);
                }
            }
            // an asphalt repair patch in this cell of the road, or nothing
            double patchA = 0;
            double patchB = 0;
            double patchMul = 0;
            if (!concrete) {
                long k = slab;
                long hp = Noise.mix(seed ^ 0xba7c, k);
                if (Noise.unit(hp) < 0.3) {
                    double sA = k * surf.jointSpacing() + surf.jointSpacing() * 0.5 * Noise.unit(Noise.mix(hp, 1));
                    double sB = sA + surf.jointSpacing() * (0.2 + 0.3 * Noise.unit(Noise.mix(hp, 2)));
                    double lcov = overlap(sNear, sFar, sA, sB) / (sFar - sNear);
                    if (lcov > 0) {
                        double span = pavR - pavL;
                        patchA = pavL + span * 0.8 * Noise.unit(Noise.mix(hp, 3));
                        patchB = patchA + 1 + (span - 1) * 0.6 * Noise.unit(Noise.mix(hp, 4));
                        patchMul = lcov * (Noise.unit(Noise.mix(hp, 5)) - 0.55) * 0.45;
                    }
                }
            }

            for (int c = 0; c < w; c++) {
                double u = u0 + c * du;
                double a = u - du / 2;
                double b = u + du / 2;
                double covRoad = overlap(a, b, pavL, pavR) / du;
                double covCurb = (overlap(a, b, curbLA, pavL) + overlap(a, b, pavR, curbRB)) / du;
                double covOff = Math.max(0, 1 - covRoad - covCurb);
                long hsh = Noise.mix(grainSeed + (long) (top + r) * 100_003L + (left + c));
                double value = 0;
                double n1 = fade1 > 0 ? Noise.sample(u * 8.3 + o1x, s * 8.3 + o1y) * fade1 : 0;
                double n2 = fade2 > 0 ? Noise.sample(u * 50 + o2x, s * 50 + o2y) * fade2 : 0;
                double grain = Noise.gauss(hsh, 0);
                if (covRoad > 0) {
                    double pv = profile(prof, u);
                    double m = 1 + tex * (0.16 * n1 + 0.2 * n2 + grainAmp * grain);
                    if (fadeS > 0) {
                        m += tex * fadeS * Noise.sample(u * 250 + o3x, s * 1.6 + o1y);
                    }
                    if (concrete) {
                        int lane = (int) Math.floor((u - b0) / laneW);
                        m *= 1 + 0.12 * surf.laneContrast() * (Noise.unit(Noise.mix(seed + lane, slab)) - 0.5) * 2;
                    } else if (patchMul != 0) {
                        m *= 1 + patchMul * overlap(a, b, patchA, patchB) / du;
                    }
                    value += covRoad * roadAlb * pv * m * rowMul;
                }
                if (covCurb > 0) {
                    value += covCurb * curbAlb * (1 + 0.15 * n1 + 0.1 * grain);
                }
                if (covOff > 0) {
                    double n3 = Noise.sample(u * 2.1 + o2y, s * 2.1 + o1x);
                    value += covOff * offAlb * (1 + 0.3 * n3 + 0.3 * n1 + 0.25 * n2 + 0.25 * grain);
                }
                rad[rowOff + c] = (float) Math.max(0, value);
                lab[rowOff + c] = covRoad >= covCurb && covRoad >= covOff ? ROAD : covCurb >= covOff ? CURB : OFF;
            }

            // paint: lane lines, reflectors, stop lines, crosswalks
            for (Paint p : paints) {
                double lcov = measure(sNear, sFar, p.sA, p.sB, p.sOn, p.sPeriod, p.sPhase) / (sFar - sNear);
                if (lcov <= 0) {
                    continue;
                }
                int c0 = Math.max(0, (int) Math.floor((p.uA - du - u0) / du));
                int c1 = Math.min(w - 1, (int) Math.ceil((p.uB + du - u0) / du));
                double thin = Math.min(du, p.uOn);
                for (int c = c0; c <= c1; c++) {
                    double u = u0 + c * du;
                    double m = measure(u - du / 2, u + du / 2, p.uA, p.uB, p.uOn, p.uPeriod, p.uPhase);
                    if (m <= 0) {
                        continue;
                    }
                    double cov = Math.min(1, m / du * lcov);
                    double wear = 1 + 0.12 * fade1 * Noise.sample(u * 20 + o3x, s * 3 + o2y);
                    int i = rowOff + c;
                    rad[i] = (float) (rad[i] * (1 - cov) + cov * p.albedo * wear);
                    if (lcov >= 0.5 && m >= 0.5 * thin && lab[i] < p.label) {
                        lab[i] = p.label;
                    }
                }
            }

            // shadows, then haze
            boolean anyShadow = false;
            for (Shadow sh : shadows) {
                if (sh.maxS() >= sNear && sh.minS() <= sFar) {
                    if (!anyShadow) {
                        java.util.Arrays.fill(shadowLight, 1.0);
                        anyShadow = true;
                    }
                    double dark = sh.darkness();
                    for (int c = 0; c < w; c++) {
                        double cov = sh.coverage(u0 + c * du, s, fp);
                        if (cov > 0) {
                            shadowLight[c] *= 1 - dark * cov;
                            if (cov >= 0.5 && lab[rowOff + c] == ROAD) {
                                lab[rowOff + c] = SHADOW;
                            }
                        }
                    }
                }
            }
            float hzf = (float) hz;
            float skyPart = (float) (sky * (1 - hz));
            for (int c = 0; c < w; c++) {
                int i = rowOff + c;
                float v = rad[i];
                if (anyShadow) {
                    v *= (float) shadowLight[c];
                }
                rad[i] = v * hzf + skyPart;
            }
        }

        List<Car> cars = new ArrayList<>(scene.cars());
        cars.sort(Comparator.comparingDouble(Car::distance).reversed());
        for (Car car : cars) {
            paintCar(scene, car, top, left, h, w, rad, lab);
        }
    }

    /** Every painted element of the scene in road coordinates. */
    private static List<Paint> paints(RoadScene scene) {
        Road road = scene.road();
        List<Paint> out = new ArrayList<>();
        for (int i = 0; i < scene.lines().size(); i++) {
            LaneLine l = scene.lines().get(i);
            double uc = road.boundaryU(i);
            double alb = l.brightness();
            // the stretches [from, to) minus the gap, if any
            double[][] spans = !l.hasGap() ? new double[][] {{l.from(), l.to()}}
                    : new double[][] {{l.from(), Math.min(l.to(), l.gapFrom())}, {Math.max(l.from(), l.gapTo()), l.to()}};
            for (double[] span : spans) {
                double from = span[0];
                double to = span[1];
                if (!(from < to)) {
                    continue;
                }
                switch (l.type()) {
                    case NONE -> {
                    }
                    case SOLID -> out.add(Paint.stripe(uc, l.width(), from, to, 1, 1, 0, alb, LMARK));
                    case DASHED -> {
                        out.add(Paint.stripe(uc, l.width(), from, to, l.dashLength(), l.period(), l.phase(), alb, LMARK));
                        if (l.reflectors() && l.period() - l.dashLength() > 0.5) {
                            double mid = l.phase() + l.dashLength() + (l.period() - l.dashLength()) / 2 - 0.05;
                            out.add(Paint.stripe(uc, 0.10, from, to, 0.10, l.period(), mid, Math.min(1, alb * 1.1), LMARK));
                        }
                    }
                    case DOTTED -> out.add(Paint.stripe(uc, l.width(), from, to, Math.min(l.dashLength(), l.width()),
                            l.period(), l.phase(), alb, LMARK));
                    case DOUBLE_SOLID -> {
                        out.add(Paint.stripe(uc - l.width(), l.width(), from, to, 1, 1, 0, alb, LMARK));
                        out.add(Paint.stripe(uc + l.width(), l.width(), from, to, 1, 1, 0, alb, LMARK));
                    }
                    default -> throw new IllegalStateException(l.type().toString());
                }
            }
        }
        for (CrossMarking m : scene.crossMarkings()) {
            double alb = m.brightness();
            switch (m.kind()) {
                case STOP_LINE -> out.add(new Paint(m.uFrom(), m.uTo(), 1, 1, 0, m.s(), m.s() + m.depth(), 1, 1, 0, alb, HMARK));
                case ZEBRA -> out.add(new Paint(m.uFrom(), m.uTo(), 0.5, 1.1, m.uFrom(), m.s(), m.s() + m.depth(), 1, 1, 0, alb, HMARK));
                case TWO_LINES -> {
                    double wl = Math.min(0.3, m.depth() / 4);
                    out.add(new Paint(m.uFrom(), m.uTo(), 1, 1, 0, m.s(), m.s() + wl, 1, 1, 0, alb, HMARK));
                    out.add(new Paint(m.uFrom(), m.uTo(), 1, 1, 0, m.s() + m.depth() - wl, m.s() + m.depth(), 1, 1, 0, alb, HMARK));
                }
                default -> throw new IllegalStateException(m.kind().toString());
            }
        }
        return out;
    }

    /** Lateral brightness profiles of the pavement (lanes, tyre tracks, cracks) at three levels of blur. */
    private static final class Profiles {
        final float[] fine = new float[PROFILE_N];
        final float[] mid;
        final float[] coarse;

        Profiles(Road road, Surface surf, long seed) {
            boolean concrete = surf.pavement() == Pavement.CONCRETE;
            double lw = road.laneWidth();
            double track = (Noise.unit(Noise.mix(seed, 11)) - 0.3) * 0.12;
            double oil = -0.10 * Noise.unit(Noise.mix(seed, 12)) * (concrete ? 0.5 : 1);
            int cracks = (int) (3 * Noise.unit(Noise.mix(seed, 13)) * Noise.unit(Noise.mix(seed, 14)) * 1.5);
            double[] crackU = new double[cracks];
            double[] crackW = new double[cracks];
            for (int k = 0; k < cracks; k++) {
                crackU[k] = road.pavementLeft() + (road.pavementRight() - road.pavementLeft()) * Noise.unit(Noise.mix(seed, 20 + k));
                crackW[k] = 0.015 + 0.03 * Noise.unit(Noise.mix(seed, 40 + k));
            }
            for (int i = 0; i < PROFILE_N; i++) {
                double u = -RoadScene.MAX_U + i * PROFILE_STEP;
                int lane = (int) Math.floor((u - road.boundaryU(0)) / lw);
                double laneMul = 1 + surf.laneContrast() * 0.25 * (Noise.unit(Noise.mix(seed + 1000, lane)) - 0.5) * 2;
                double v = laneMul;
                if (lane >= 0 && lane < road.laneCount()) {
                    double t = u - road.boundaryU(0) - (lane + 0.5) * lw;
                    v += track * (bump((t - 0.8) / 0.3) + bump((t + 0.8) / 0.3)) + oil * bump(t / 0.45);
                }
                for (int k = 0; k < cracks; k++) {
                    if (Math.abs(u - crackU[k]) < crackW[k] / 2) {
                        v *= 0.7;
                    }
                }
                if (concrete) {
                    for (int b = 0; b <= road.laneCount(); b++) {
                        double ub = road.boundaryU(b) + 0.18;
                        if (Math.abs(u - ub) < 0.012) {
                            v *= 0.72;
                        }
                    }
                }
                fine[i] = (float) v;
            }
            mid = boxBlur(fine, 5);
            coarse = boxBlur(mid, 25);
        }

        float[] level(double du) {
            return du < 0.05 ? fine : du < 0.25 ? mid : coarse;
        }

        /** Mean over {@code [i - radius, i + radius]}, clipped to the array. */
        private static float[] boxBlur(float[] a, int radius) {
            int n = a.length;
            double[] prefix = new double[n + 1];
            for (int i = 0; i < n; i++) {
                prefix[i + 1] = prefix[i] + a[i];
            }
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                int lo = Math.max(0, i - radius);
                int hi = Math.min(n - 1, i + radius);
                out[i] = (float) ((prefix[hi + 1] - prefix[lo]) / (hi - lo + 1));
            }
            return out;
        }
    }

    private static double profile(float[] prof, double u) {
        double t = (u + RoadScene.MAX_U) / PROFILE_STEP;
        if (t <= 0) {
            return prof[0];
        }
        if (t >= PROFILE_N - 1) {
            return prof[PROFILE_N - 1];
        }
        int k = (int) t;
        double a = t - k;
        return prof[k] + (prof[k + 1] - prof[k]) * a;
    }

    private static double bump(double t) {
        return Math.exp(-t * t);
    }

    private static void paintCar(RoadScene scene, Car car, int top, int left, int h, int w, float[] rad, byte[] lab) {
        Road road = scene.road();
        Camera cam = scene.camera();
        double hc = cam.height();
        double horizon = cam.horizon();
        double zr = car.distance();
        double xc = road.centreX(zr) + car.lateral();
        double xl = xc - car.width() / 2;
        double xr = xc + car.width() / 2;
        // visible side: the one facing the camera's axis
        double xs = xr < 0 ? xr : xl > 0 ? xl : Double.NaN;
        double zFar = zr + car.length();
        double minX = CX + FOCAL * xl / zr;
        double maxX = CX + FOCAL * xr / zr;
        if (!Double.isNaN(xs)) {
            double xn = CX + FOCAL * xs / zr;
            double xf = CX + FOCAL * xs / zFar;
            minX = Math.min(minX, Math.min(xn, xf));
            maxX = Math.max(maxX, Math.max(xn, xf));
        }
        double yBottom = FOCAL * hc / zr - horizon;
        double yTop = FOCAL * (hc - car.height()) / zr - horizon;
        int c0 = Math.max(0, (int) Math.floor(minX - left) - 1);
        int c1 = Math.min(w - 1, (int) Math.ceil(maxX - left) + 1);
        int r0 = Math.max(0, (int) Math.floor(yTop - top) - 1);
        int r1 = Math.min(h - 1, (int) Math.ceil(yBottom - top) + 1);
        if (c0 > c1 || r0 > r1) {
            return;
        }
        double hz = Math.exp(-zr / cam.haze());
        double skyPart = cam.skyBrightness() * (1 - hz);
        double[] sub = {0.25, 0.75};
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                double sum = 0;
                int hits = 0;
                for (double sy : sub) {
                    for (double sx : sub) {
                        double v = carAlbedo(car, xl, xr, xs, zr, hc, horizon, left + c + sx, top + r + sy);
                        if (v >= 0) {
                            sum += v * hz + skyPart;
                            hits++;
                        }
                    }
                }
                if (hits > 0) {
                    int i = r * w + c;
                    rad[i] = (float) ((sum + (4 - hits) * rad[i]) / 4);
                    if (hits >= 2) {
                        lab[i] = CAR;
                    }
                }
            }
        }
    }

    /** Albedo of the car at image point {@code (x, y)}, or -1 where the point does not show the car. */
    private static double carAlbedo(Car car, double xl, double xr, double xs, double zr, double hc, double horizon,
            double x, double y) {
        double body = car.albedo();
        double pxl = CX + FOCAL * xl / zr;
        double pxr = CX + FOCAL * xr / zr;
        double yb = FOCAL * hc / zr - horizon;
        double yt = FOCAL * (hc - car.height()) / zr - horizon;
        if (x >= pxl && x <= pxr && y >= yt && y <= yb) {
            double a = (x - pxl) / (pxr - pxl);
            double b = (yb - y) / (yb - yt);
            if (b < 0.13) {
                return a < 0.17 || a > 0.83 ? 0.03 : -1;
            }
            if (b > 0.62) {
                double t = (b - 0.62) / 0.38;
                double inset = 0.05 + 0.13 * t + 0.06 * t * t * t * t;
                if (a < inset || a > 1 - inset) {
                    return -1;
                }
                return b < 0.9 ? 0.07 + 0.08 * b : body * 0.85;
            }
            if (b < 0.3) {
                if (a > 0.38 && a < 0.62 && b > 0.16 && b < 0.27) {
                    return 0.75;
                }
                return body * 0.55 + 0.02;
            }
            if (b > 0.4 && b < 0.55 && (a < 0.2 || a > 0.8)) {
                return 0.3;
            }
            return body;
        }
        if (Double.isNaN(xs) || (x - CX) * xs <= 0) {
            return -1;
        }
        double z = FOCAL * xs / (x - CX);
        if (z < zr || z > zr + car.length()) {
            return -1;
        }
        double ybs = FOCAL * hc / z - horizon;
        double yts = FOCAL * (hc - car.height()) / z - horizon;
        if (y < yts || y > ybs) {
            return -1;
        }
        double b = (ybs - y) / (ybs - yts);
        double along = (z - zr) / car.length();
        boolean wheel = (along > 0.1 && along < 0.26) || (along > 0.72 && along < 0.88);
        if (b < 0.28 && wheel) {
            return 0.03;
        }
        if (b < 0.13) {
            return -1;
        }
        if (b > 0.62) {
            double cabin0 = 0.22 + 0.15 * (b - 0.62) / 0.38;
            double cabin1 = 0.8 - 0.1 * (b - 0.62) / 0.38;
            if (along < cabin0 || along > cabin1) {
                return -1;
            }
            return b < 0.9 ? 0.06 + 0.06 * b : body * 0.8;
        }
        return body * 0.7;
    }

    /** Length of {@code [a, b]} intersected with {@code [lo, hi]}. */
    static double overlap(double a, double b, double lo, double hi) {
        double x = Math.max(a, lo);
        double y = Math.min(b, hi);
        return y > x ? y - x : 0;
    }

    /**
     * Measure of {@code [a, b] ∩ [lo, hi] ∩ {t : (t - phase) mod period < on}}: exact, so a row or a pixel spanning
     * many dashes gets their average.
     */
    static double measure(double a, double b, double lo, double hi, double on, double period, double phase) {
        double x = Math.max(a, lo);
        double y = Math.min(b, hi);
        if (!(y > x)) {
            return 0;
        }
        if (on >= period) {
            return y - x;
        }
        return cumulative(y, on, period, phase) - cumulative(x, on, period, phase);
    }

    private static double cumulative(double t, double on, double period, double phase) {
        double q = (t - phase) / period;
        double k = Math.floor(q);
        double r = (q - k) * period;
        return k * on + Math.min(r, on);
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
