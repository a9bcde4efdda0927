/**
 * The project's data sets: synthetic stand-ins for the paper's data and readers for the real formats.
 *
 * <ul>
 * <li>{@link org.visualbackprop.data.RoadScenes}: synthetic gray road frames from a pinhole camera over a flat road
 *     (lane markings, curves, shadows, cars, crosswalks), in NetSVF's 1 x 125 x 640 and NetHVF's 1 x 125 x 349 views,
 *     with a steering label (pure pursuit, degrees of steering-wheel angle) and a per-pixel {@link
 *     org.visualbackprop.data.Label} map; {@link org.visualbackprop.data.RoadScene} describes one scene and can be
 *     changed and advanced frame by frame; {@link org.visualbackprop.data.RoadDrive} is one continuous drive through
 *     curves, a marking that ends, shadows, crosswalks and other cars, with the true steering label of every frame.</li>
 * <li>{@link org.visualbackprop.data.TrafficSigns}: synthetic 3 x 125 x 125 traffic signs of the 43 GTSRB classes
 *     ({@link org.visualbackprop.data.SignClass}) with a ground-truth sign mask.</li>
 * <li>{@link org.visualbackprop.data.Idx} and {@link org.visualbackprop.data.FashionMnist}: the IDX format and
 *     Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it.</li>
 * <li>{@link org.visualbackprop.data.UdacityDriving}, {@link org.visualbackprop.data.Gtsrb} and
 *     {@link org.visualbackprop.data.Gtsdb}: readers for the real data, for users who have it.</li>
 * </ul>
 *
 * <p>Every generated sample is a pure function of a seed and an index, and every data set here is safe to load from
 * several threads, as {@link org.visualbackprop.train.Dataset} asks.
 *
 * <p>Why this package is in {@code core} although only the command line and the experiments use it today: the readers
 * of the real formats are library functionality (a user trains a net on Fashion-MNIST, Udacity or GTSRB with core's
 * {@link org.visualbackprop.train.Trainer}), the {@code notebooks} module is an application (the shaded command-line
 * jar), not something to depend on, and a module of its own would change the top-level module list the project keeps.
 * The package is a leaf: it uses {@code tensor}, {@code train}, {@code image} and {@code io}, and nothing else in
 * {@code core} uses it ({@code PackageBoundaryTest} checks), so it can become a module of its own without touching the
 * engine.
 */
package org.visualbackprop.data;
