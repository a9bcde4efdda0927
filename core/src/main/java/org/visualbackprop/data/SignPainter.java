package org.visualbackprop.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;

/**
 * Draws the 43 {@link SignClass}es as vector graphics in a unit coordinate system: the sign fills the square
 * {@code [-1, 1] x [-1, 1]}, {@code y} pointing down. Digits and letters are stroked paths, not fonts, so the
 * drawing is the same on every machine, headless or not.
 */
final class SignPainter {
    static final Color RED = new Color(200, 28, 40);
    static final Color BLUE = new Color(18, 72, 170);
    static final Color YELLOW = new Color(246, 190, 20);
    static final Color WHITE = new Color(242, 242, 238);
    static final Color BLACK = new Color(22, 22, 24);
    static final Color GRAY = new Color(128, 128, 130);
    static final Color AMBER = new Color(240, 160, 20);
    static final Color GREEN = new Color(30, 160, 70);

    private SignPainter() {
    }

    /** The outline of the sign (what the ground-truth mask covers). */
    static Shape silhouette(SignClass c) {
        return switch (c.shape()) {
            case CIRCLE -> new Ellipse2D.Double(-1, -1, 2, 2);
            case TRIANGLE -> roundedTriangle(false, 1.0);
            case INVERTED_TRIANGLE -> roundedTriangle(true, 1.0);
            case OCTAGON -> polygon(8, 1.0, Math.PI / 8);
            case DIAMOND -> polygon(4, 1.0, 0);
        };
    }

    /** Paints sign {@code c}; {@code g}'s transform maps the unit square onto the picture. */
    static void paint(Graphics2D g, SignClass c) {
        switch (c.kind()) {
            case PROHIBITORY -> {
                fill(g, new Ellipse2D.Double(-1, -1, 2, 2), RED);
                fill(g, new Ellipse2D.Double(-0.78, -0.78, 1.56, 1.56), WHITE);
            }
            case DANGER -> {
                fill(g, roundedTriangle(false, 1.0), RED);
                fill(g, inset(roundedTriangle(false, 1.0), 0.7, 0, 0.2233), WHITE);
            }
            case MANDATORY -> {
                fill(g, new Ellipse2D.Double(-1, -1, 2, 2), WHITE);
                fill(g, new Ellipse2D.Double(-0.94, -0.94, 1.88, 1.88), BLUE);
            }
            case END_OF_RESTRICTION -> {
                fill(g, new Ellipse2D.Double(-1, -1, 2, 2), GRAY);
                fill(g, new Ellipse2D.Double(-0.96, -0.96, 1.92, 1.92), WHITE);
            }
            case OTHER -> {
                // each draws its own face below
            }
        }
        switch (c) {
            case SPEED_20 -> digits(g, "20", BLACK);
            case SPEED_30 -> digits(g, "30", BLACK);
            case SPEED_50 -> digits(g, "50", BLACK);
            case SPEED_60 -> digits(g, "60", BLACK);
            case SPEED_70 -> digits(g, "70", BLACK);
            case SPEED_80 -> digits(g, "80", BLACK);
            case SPEED_100 -> digits(g, "100", BLACK);
            case SPEED_120 -> digits(g, "120", BLACK);
            case END_SPEED_80 -> {
                digits(g, "80", GRAY);
                endStripes(g);
            }
            case NO_PASSING -> {
                carRear(g, -0.36, 0.0, 0.5, RED);
                carRear(g, 0.36, 0.0, 0.5, BLACK);
            }
            case NO_PASSING_LORRIES -> {
                lorryRear(g, -0.36, 0.0, 0.5, RED);
                carRear(g, 0.38, 0.04, 0.46, BLACK);
            }
            case END_NO_PASSING -> {
                carRear(g, -0.36, 0.0, 0.5, GRAY);
                carRear(g, 0.36, 0.0, 0.5, GRAY);
                endStripes(g);
            }
            case END_NO_PASSING_LORRIES -> {
                lorryRear(g, -0.36, 0.0, 0.5, GRAY);
                carRear(g, 0.38, 0.04, 0.46, GRAY);
                endStripes(g);
            }
            case END_ALL_LIMITS -> endStripes(g);
            case NO_VEHICLES -> {
            }
            case NO_LORRIES -> lorrySide(g, BLACK);
            case NO_ENTRY -> {
                fill(g, new Ellipse2D.Double(-1, -1, 2, 2), RED);
                fill(g, new Rectangle2D.Double(-0.68, -0.17, 1.36, 0.34), WHITE);
            }
            case PRIORITY_ROAD -> {
                fill(g, polygon(4, 1.0, 0), WHITE);
                fill(g, polygon(4, 0.97, 0), BLACK);
                fill(g, polygon(4, 0.93, 0), WHITE);
                fill(g, polygon(4, 0.62, 0), BLACK);
                fill(g, polygon(4, 0.58, 0), YELLOW);
            }
            case YIELD -> {
                fill(g, roundedTriangle(true, 1.0), RED);
                fill(g, inset(roundedTriangle(true, 1.0), 0.62, 0, -0.2233), WHITE);
            }
            case STOP -> {
                fill(g, polygon(8, 1.0, Math.PI / 8), WHITE);
                fill(g, polygon(8, 0.93, Math.PI / 8), RED);
                text(g, "STOP", 0, 0, 0.5, WHITE);
            }
            case RIGHT_OF_WAY -> symbol(g, () -> {
                fill(g, new Rectangle2D.Double(-0.13, -0.7, 0.26, 1.4), BLACK);
                fill(g, new Rectangle2D.Double(-0.6, -0.07, 1.2, 0.14), BLACK);
            });
            case CAUTION -> symbol(g, () -> {
                Path2D p = new Path2D.Double();
                p.moveTo(-0.12, -0.75);
                p.lineTo(0.12, -0.75);
                p.lineTo(0.06, 0.25);
                p.lineTo(-0.06, 0.25);
                p.closePath();
                fill(g, p, BLACK);
                fill(g, new Ellipse2D.Double(-0.12, 0.42, 0.24, 0.24), BLACK);
            });
            case CURVE_LEFT -> symbol(g, () -> curve(g, false));
            case CURVE_RIGHT -> symbol(g, () -> curve(g, true));
            case DOUBLE_CURVE -> symbol(g, () -> {
                Path2D p = new Path2D.Double();
                p.moveTo(0.2, 0.75);
                p.lineTo(0.2, 0.4);
                p.curveTo(0.2, 0.05, -0.3, 0.15, -0.3, -0.15);
                p.curveTo(-0.3, -0.35, -0.05, -0.4, 0.1, -0.45);
                stroke(g, p, 0.2, BLACK);
                arrowHead(g, 0.1, -0.45, Math.toRadians(-30), 0.38, BLACK);
            });
            case BUMPY_ROAD -> symbol(g, () -> {
                Path2D p = new Path2D.Double();
                p.moveTo(-0.85, 0.5);
                p.curveTo(-0.6, 0.5, -0.6, -0.05, -0.4, -0.05);
                p.curveTo(-0.2, -0.05, -0.2, 0.5, 0, 0.5);
                p.curveTo(0.2, 0.5, 0.2, -0.05, 0.4, -0.05);
                p.curveTo(0.6, -0.05, 0.6, 0.5, 0.85, 0.5);
                p.lineTo(0.85, 0.62);
                p.lineTo(-0.85, 0.62);
                p.closePath();
                fill(g, p, BLACK);
            });
            case SLIPPERY_ROAD -> symbol(g, () -> {
                AffineTransform t = g.getTransform();
                g.rotate(Math.toRadians(-14), 0, -0.3);
                carRear(g, 0, -0.35, 0.55, BLACK);
                g.setTransform(t);
                Path2D a = new Path2D.Double();
                a.moveTo(-0.45, 0.7);
                a.curveTo(-0.1, 0.45, -0.55, 0.25, -0.2, 0.05);
                stroke(g, a, 0.09, BLACK);
                Path2D b = new Path2D.Double();
                b.moveTo(0.2, 0.7);
                b.curveTo(0.55, 0.45, 0.1, 0.25, 0.45, 0.05);
                stroke(g, b, 0.09, BLACK);
            });
            case ROAD_NARROWS_RIGHT -> symbol(g, () -> {
                fill(g, new Rectangle2D.Double(-0.38, -0.72, 0.18, 1.44), BLACK);
                Path2D p = new Path2D.Double();
                p.moveTo(0.3, 0.72);
                p.lineTo(0.3, 0.2);
                p.lineTo(0.08, -0.15);
                p.lineTo(0.08, -0.72);
                stroke(g, p, 0.18, BLACK);
            });
            case ROAD_WORK -> symbol(g, () -> {
                fill(g, new Ellipse2D.Double(-0.05, -0.78, 0.26, 0.26), BLACK);
                Path2D body = new Path2D.Double();
                body.moveTo(0.05, -0.45);
                body.lineTo(-0.15, 0.1);
                stroke(g, body, 0.2, BLACK);
                Path2D legs = new Path2D.Double();
                legs.moveTo(-0.15, 0.1);
                legs.lineTo(-0.45, 0.65);
                legs.moveTo(-0.15, 0.1);
                legs.lineTo(0.05, 0.65);
                stroke(g, legs, 0.14, BLACK);
                Path2D arms = new Path2D.Double();
                arms.moveTo(0.0, -0.3);
                arms.lineTo(0.3, -0.05);
                stroke(g, arms, 0.12, BLACK);
                stroke(g, new Line2D.Double(0.15, -0.25, 0.55, 0.45), 0.07, BLACK);
                Path2D pile = new Path2D.Double();
                pile.moveTo(0.3, 0.68);
                pile.quadTo(0.6, 0.2, 0.85, 0.68);
                pile.closePath();
                fill(g, pile, BLACK);
            });
            case TRAFFIC_SIGNALS -> symbol(g, () -> {
                fill(g, new RoundRectangle2D.Double(-0.27, -0.78, 0.54, 1.5, 0.2, 0.2), BLACK);
                fill(g, new Ellipse2D.Double(-0.17, -0.68, 0.34, 0.34), RED);
                fill(g, new Ellipse2D.Double(-0.17, -0.2, 0.34, 0.34), AMBER);
                fill(g, new Ellipse2D.Double(-0.17, 0.28, 0.34, 0.34), GREEN);
            });
            case PEDESTRIANS -> symbol(g, () -> walker(g, 0.0, 0.0, 1.0));
            case CHILDREN -> symbol(g, () -> {
                walker(g, -0.3, -0.05, 0.85);
                walker(g, 0.35, 0.15, 0.62);
            });
            case BICYCLES -> symbol(g, () -> {
                stroke(g, new Ellipse2D.Double(-0.78, 0.02, 0.58, 0.58), 0.09, BLACK);
                stroke(g, new Ellipse2D.Double(0.2, 0.02, 0.58, 0.58), 0.09, BLACK);
                Path2D f = new Path2D.Double();
                f.moveTo(-0.49, 0.31);
                f.lineTo(-0.1, 0.31);
                f.lineTo(0.3, -0.12);
                f.lineTo(-0.22, -0.12);
                f.closePath();
                f.moveTo(0.3, -0.12);
                f.lineTo(0.49, 0.31);
                f.moveTo(-0.22, -0.12);
                f.lineTo(-0.28, -0.28);
                f.moveTo(-0.38, -0.28);
                f.lineTo(-0.14, -0.28);
                f.moveTo(0.3, -0.12);
                f.lineTo(0.24, -0.34);
                f.lineTo(0.4, -0.36);
                stroke(g, f, 0.08, BLACK);
            });
            case ICE_SNOW -> symbol(g, () -> {
                Path2D p = new Path2D.Double();
                for (int k = 0; k < 6; k++) {
                    double a = k * Math.PI / 3 - Math.PI / 2;
                    double cx = Math.cos(a);
                    double sy = Math.sin(a);
                    p.moveTo(0, 0);
                    p.lineTo(0.7 * cx, 0.7 * sy);
                    double bx = 0.42 * cx;
                    double by = 0.42 * sy;
                    for (int side = -1; side <= 1; side += 2) {
                        double b = a + side * Math.PI / 4;
                        p.moveTo(bx, by);
                        p.lineTo(bx + 0.22 * Math.cos(b), by + 0.22 * Math.sin(b));
                    }
                }
                stroke(g, p, 0.09, BLACK);
            });
            case WILD_ANIMALS -> symbol(g, () -> {
                Path2D d = new Path2D.Double();
                d.moveTo(-0.6, 0.05);
                d.curveTo(-0.5, -0.2, 0.1, -0.25, 0.3, -0.15);
                d.lineTo(0.5, -0.45);
                d.lineTo(0.62, -0.42);
                d.lineTo(0.5, -0.05);
                d.curveTo(0.4, 0.15, 0.0, 0.15, -0.4, 0.15);
                d.closePath();
                fill(g, d, BLACK);
                Path2D legs = new Path2D.Double();
                legs.moveTo(0.25, 0.05);
                legs.lineTo(0.55, 0.5);
                legs.moveTo(0.15, 0.05);
                legs.lineTo(0.3, 0.6);
                legs.moveTo(-0.4, 0.1);
                legs.lineTo(-0.75, 0.45);
                legs.moveTo(-0.45, 0.05);
                legs.lineTo(-0.62, 0.62);
                legs.moveTo(0.52, -0.42);
                legs.lineTo(0.42, -0.72);
                legs.moveTo(0.47, -0.58);
                legs.lineTo(0.3, -0.68);
                legs.moveTo(0.58, -0.45);
                legs.lineTo(0.68, -0.72);
                stroke(g, legs, 0.08, BLACK);
            });
            case TURN_RIGHT -> turn(g, true);
            case TURN_LEFT -> turn(g, false);
            case AHEAD_ONLY -> {
                stroke(g, new Line2D.Double(0, 0.62, 0, -0.3), 0.22, WHITE);
                arrowHead(g, 0, -0.3, -Math.PI / 2, 0.42, WHITE);
            }
            case STRAIGHT_OR_RIGHT -> straightOr(g, true);
            case STRAIGHT_OR_LEFT -> straightOr(g, false);
            case KEEP_RIGHT -> keep(g, true);
            case KEEP_LEFT -> keep(g, false);
            case ROUNDABOUT -> {
                for (int k = 0; k < 3; k++) {
                    double start = 90 + k * 120 + 15;
                    Arc2D arc = new Arc2D.Double(-0.48, -0.48, 0.96, 0.96, start, 80, Arc2D.OPEN);
                    stroke(g, arc, 0.17, WHITE);
                    double end = Math.toRadians(start + 80);
                    double ex = 0.48 * Math.cos(end);
                    double ey = -0.48 * Math.sin(end);
                    // counter-clockwise on screen: the tangent direction at angle a is (-sin a, -cos a)
                    arrowHead(g, ex, ey, Math.atan2(-Math.cos(end), -Math.sin(end)), 0.3, WHITE);
                }
            }
            default -> throw new IllegalStateException("no drawing for " + c);
        }
    }

    /** Runs {@code r} with the transform moved to the triangle's symbol area. */
    private static void symbol(Graphics2D g, Runnable r) {
        AffineTransform t = g.getTransform();
        g.translate(0, 0.24);
        g.scale(0.48, 0.48);
        r.run();
        g.setTransform(t);
    }

    private static void curve(Graphics2D g, boolean right) {
        double m = right ? 1 : -1;
        Path2D p = new Path2D.Double();
        p.moveTo(-0.2 * m, 0.75);
        p.lineTo(-0.2 * m, 0.1);
        p.curveTo(-0.2 * m, -0.25, 0.0, -0.4, 0.25 * m, -0.45);
        stroke(g, p, 0.22, BLACK);
        arrowHead(g, 0.25 * m, -0.45, right ? Math.toRadians(-15) : Math.toRadians(195), 0.42, BLACK);
    }

    private static void turn(Graphics2D g, boolean right) {
        double m = right ? 1 : -1;
        Path2D p = new Path2D.Double();
        p.moveTo(-0.25 * m, 0.62);
        p.lineTo(-0.25 * m, 0.0);
        p.quadTo(-0.25 * m, -0.3, 0.05 * m, -0.3);
        p.lineTo(0.2 * m, -0.3);
        stroke(g, p, 0.2, WHITE);
        arrowHead(g, 0.2 * m, -0.3, right ? 0 : Math.PI, 0.4, WHITE);
    }

    private static void straightOr(Graphics2D g, boolean right) {
        double m = right ? 1 : -1;
        stroke(g, new Line2D.Double(-0.18 * m, 0.65, -0.18 * m, -0.3), 0.18, WHITE);
        arrowHead(g, -0.18 * m, -0.3, -Math.PI / 2, 0.36, WHITE);
        Path2D p = new Path2D.Double();
        p.moveTo(-0.18 * m, 0.3);
        p.quadTo(-0.18 * m, 0.02, 0.2 * m, 0.02);
        p.lineTo(0.3 * m, 0.02);
        stroke(g, p, 0.16, WHITE);
        arrowHead(g, 0.3 * m, 0.02, right ? 0 : Math.PI, 0.34, WHITE);
    }

    private static void keep(Graphics2D g, boolean right) {
        double m = right ? 1 : -1;
        stroke(g, new Line2D.Double(-0.42 * m, -0.42, 0.14 * m, 0.14), 0.22, WHITE);
        arrowHead(g, 0.14 * m, 0.14, right ? Math.PI / 4 : 3 * Math.PI / 4, 0.45, WHITE);
    }

    private static void walker(Graphics2D g, double x, double y, double s) {
        AffineTransform t = g.getTransform();
        g.translate(x, y);
        g.scale(s, s);
        fill(g, new Ellipse2D.Double(-0.13, -0.8, 0.26, 0.26), BLACK);
        Path2D b = new Path2D.Double();
        b.moveTo(0, -0.5);
        b.lineTo(-0.03, 0.1);
        stroke(g, b, 0.2, BLACK);
        Path2D l = new Path2D.Double();
        l.moveTo(-0.03, 0.1);
        l.lineTo(-0.3, 0.7);
        l.moveTo(-0.03, 0.1);
        l.lineTo(0.2, 0.4);
        l.lineTo(0.3, 0.7);
        l.moveTo(0, -0.4);
        l.lineTo(-0.28, -0.05);
        l.moveTo(0, -0.4);
        l.lineTo(0.25, -0.1);
        stroke(g, l, 0.13, BLACK);
        g.setTransform(t);
    }

    private static void carRear(Graphics2D g, double x, double y, double s, Color c) {
        AffineTransform t = g.getTransform();
        g.translate(x, y);
        g.scale(s, s);
        fill(g, new RoundRectangle2D.Double(-0.55, -0.1, 1.1, 0.5, 0.2, 0.2), c);
        Path2D cab = new Path2D.Double();
        cab.moveTo(-0.42, -0.08);
        cab.lineTo(-0.3, -0.5);
        cab.lineTo(0.3, -0.5);
        cab.lineTo(0.42, -0.08);
        cab.closePath();
        fill(g, cab, c);
        fill(g, new Rectangle2D.Double(-0.5, 0.35, 0.22, 0.22), c);
        fill(g, new Rectangle2D.Double(0.28, 0.35, 0.22, 0.22), c);
        g.setTransform(t);
    }

    private static void lorryRear(Graphics2D g, double x, double y, double s, Color c) {
        AffineTransform t = g.getTransform();
        g.translate(x, y);
        g.scale(s, s);
        fill(g, new Rectangle2D.Double(-0.55, -0.7, 1.1, 1.05), c);
        fill(g, new Rectangle2D.Double(-0.5, 0.33, 0.28, 0.25), c);
        fill(g, new Rectangle2D.Double(0.22, 0.33, 0.28, 0.25), c);
        g.setTransform(t);
    }

    private static void lorrySide(Graphics2D g, Color c) {
        fill(g, new Rectangle2D.Double(-0.62, -0.3, 0.85, 0.45), c);
        Path2D cab = new Path2D.Double();
        cab.moveTo(0.27, 0.15);
        cab.lineTo(0.27, -0.22);
        cab.lineTo(0.5, -0.22);
        cab.lineTo(0.62, -0.02);
        cab.lineTo(0.62, 0.15);
        cab.closePath();
        fill(g, cab, c);
        fill(g, new Ellipse2D.Double(-0.52, 0.1, 0.2, 0.2), c);
        fill(g, new Ellipse2D.Double(-0.28, 0.1, 0.2, 0.2), c);
        fill(g, new Ellipse2D.Double(0.36, 0.1, 0.2, 0.2), c);
    }

    private static void endStripes(Graphics2D g) {
        Shape clip = g.getClip();
        g.clip(new Ellipse2D.Double(-0.96, -0.96, 1.92, 1.92));
        for (int k = -2; k <= 2; k++) {
            double o = k * 0.09;
            stroke(g, new Line2D.Double(0.75 + o, -0.75 + o, -0.75 + o, 0.75 + o), 0.045, BLACK);
        }
        g.setClip(clip);
    }

    /** An arrow head with its tip at {@code (x, y)} pointing along {@code angle} (radians, screen coordinates). */
    private static void arrowHead(Graphics2D g, double x, double y, double angle, double size, Color c) {
        double cx = Math.cos(angle);
        double sy = Math.sin(angle);
        double tipX = x + cx * size * 0.7;
        double tipY = y + sy * size * 0.7;
        double bx = x - cx * size * 0.1;
        double by = y - sy * size * 0.1;
        Path2D p = new Path2D.Double();
        p.moveTo(tipX, tipY);
        p.lineTo(bx - sy * size * 0.5, by + cx * size * 0.5);
        p.lineTo(bx + sy * size * 0.5, by - cx * size * 0.5);
        p.closePath();
        fill(g, p, c);
    }

    private static void digits(Graphics2D g, String s, Color c) {
        double h = s.length() == 3 ? 0.62 : 0.82;
        text(g, s, 0, 0, h, c);
    }

    /** Stroked glyphs of height {@code h} centred on {@code (x, y)}. */
    static void text(Graphics2D g, String s, double x, double y, double h, Color c) {
        double gw = 0.6 * h;
        double gap = 0.16 * h;
        double total = s.length() * gw + (s.length() - 1) * gap;
        double x0 = x - total / 2;
        double y0 = y - h / 2;
        for (int i = 0; i < s.length(); i++) {
            Path2D p = glyph(s.charAt(i));
            AffineTransform t = AffineTransform.getTranslateInstance(x0 + i * (gw + gap), y0);
            t.scale(h, h);
            Shape shape = t.createTransformedShape(p);
            g.setColor(c);
            g.setStroke(new BasicStroke((float) (0.15 * h), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(shape);
        }
    }

    /** A glyph in the box {@code [0, 0.6] x [0, 1]}. */
    private static Path2D glyph(char ch) {
        Path2D p = new Path2D.Double();
        switch (ch) {
            case '0', 'O' -> p.append(new Ellipse2D.Double(0.02, 0.02, 0.56, 0.96), false);
            case '1' -> {
                p.moveTo(0.12, 0.22);
                p.lineTo(0.36, 0.02);
                p.lineTo(0.36, 0.98);
            }
            case '2' -> {
                p.moveTo(0.04, 0.24);
                p.curveTo(0.06, -0.06, 0.58, -0.04, 0.56, 0.28);
                p.curveTo(0.55, 0.5, 0.12, 0.7, 0.03, 0.98);
                p.lineTo(0.58, 0.98);
            }
            case '3' -> {
                p.moveTo(0.04, 0.15);
                p.curveTo(0.16, -0.04, 0.58, -0.02, 0.54, 0.26);
                p.curveTo(0.52, 0.44, 0.34, 0.47, 0.22, 0.47);
                p.curveTo(0.66, 0.47, 0.64, 1.02, 0.3, 0.98);
                p.curveTo(0.16, 0.98, 0.06, 0.93, 0.02, 0.84);
            }
            case '5' -> {
                p.moveTo(0.54, 0.02);
                p.lineTo(0.1, 0.02);
                p.lineTo(0.06, 0.46);
                p.curveTo(0.3, 0.32, 0.6, 0.42, 0.58, 0.7);
                p.curveTo(0.56, 1.02, 0.14, 1.04, 0.02, 0.86);
            }
            case '6' -> {
                p.moveTo(0.5, 0.06);
                p.curveTo(0.2, -0.04, 0.02, 0.28, 0.03, 0.66);
                p.append(new Ellipse2D.Double(0.03, 0.4, 0.54, 0.58), false);
            }
            case '7' -> {
                p.moveTo(0.02, 0.02);
                p.lineTo(0.58, 0.02);
                p.lineTo(0.2, 0.98);
            }
            case '8' -> {
                p.append(new Ellipse2D.Double(0.07, 0.02, 0.46, 0.44), false);
                p.append(new Ellipse2D.Double(0.02, 0.46, 0.56, 0.52), false);
            }
            case '9' -> {
                p.moveTo(0.1, 0.94);
                p.curveTo(0.4, 1.04, 0.58, 0.72, 0.57, 0.34);
                p.append(new Ellipse2D.Double(0.03, 0.02, 0.54, 0.58), false);
            }
            case '4' -> {
                p.moveTo(0.44, 0.98);
                p.lineTo(0.44, 0.02);
                p.lineTo(0.02, 0.7);
                p.lineTo(0.6, 0.7);
            }
            case 'S' -> {
                p.moveTo(0.55, 0.14);
                p.curveTo(0.42, -0.04, 0.03, 0.0, 0.05, 0.26);
                p.curveTo(0.07, 0.5, 0.55, 0.44, 0.57, 0.72);
                p.curveTo(0.6, 1.02, 0.15, 1.04, 0.03, 0.86);
            }
            case 'T' -> {
                p.moveTo(0.0, 0.02);
                p.lineTo(0.6, 0.02);
                p.moveTo(0.3, 0.02);
                p.lineTo(0.3, 0.98);
            }
            case 'P' -> {
                p.moveTo(0.06, 0.98);
                p.lineTo(0.06, 0.02);
                p.lineTo(0.32, 0.02);
                p.curveTo(0.64, 0.02, 0.64, 0.52, 0.32, 0.52);
                p.lineTo(0.06, 0.52);
            }
            default -> throw new IllegalArgumentException("no glyph for '" + ch + "'");
        }
        return p;
    }

    private static Path2D roundedTriangle(boolean inverted, double r) {
        double m = inverted ? -1 : 1;
        Path2D p = new Path2D.Double();
        p.moveTo(0, -0.93 * m * r);
        p.lineTo(1.0 * r, 0.8 * m * r);
        p.lineTo(-1.0 * r, 0.8 * m * r);
        p.closePath();
        return p;
    }

    /** {@code s} scaled by {@code k} about {@code (cx, cy)}. */
    private static Shape inset(Shape s, double k, double cx, double cy) {
        AffineTransform t = AffineTransform.getTranslateInstance(cx, cy);
        t.scale(k, k);
        t.translate(-cx, -cy);
        return t.createTransformedShape(s);
    }

    private static Path2D polygon(int n, double r, double rotation) {
        Path2D p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            double a = rotation + 2 * Math.PI * i / n - Math.PI / 2;
            double x = r * Math.cos(a);
            double y = r * Math.sin(a);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static void fill(Graphics2D g, Shape s, Color c) {
        g.setColor(c);
        g.fill(s);
    }

    private static void stroke(Graphics2D g, Shape s, double width, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
        g.draw(s);
    }
}
