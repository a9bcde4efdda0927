/**
 * The experiments behind the notebooks ({@code notebooks/*.ipynb}): classes that do a notebook's work (build or
 * train a network, explain frames, make the figures as {@link java.awt.image.BufferedImage}s or HTML), so that the
 * notebook cells stay a few lines long and the work is tested here. Notebook 1 (the method, Figures 1-3):
 * {@link org.visualbackprop.experiments.MethodFigures} and {@link org.visualbackprop.experiments.BarTraining}. Notebook 2 (training,
 * Figure 7): {@link org.visualbackprop.experiments.TrainingFigures}. Notebook 3 (road scenes, Figures 8-17):
 * {@link org.visualbackprop.experiments.RoadComparisons}, {@link org.visualbackprop.experiments.RoadEvaluation} and
 * {@link org.visualbackprop.experiments.AuthorsFrames}. Notebook 4 (Figures 20-21):
 * {@link org.visualbackprop.experiments.ClassifierFigures}. Notebook 5 (timing): {@link org.visualbackprop.experiments.Timing}.
 * Notebook 6 (theory): {@link org.visualbackprop.experiments.TheoryFigures}. {@code vbp figures} runs them all.
 * Where a size matters, it comes from a {@code Config} with a full and a quick variant; {@code Config.fromEnvironment()}
 * picks the quick one when {@code VBP_QUICK} is set (as {@code notebooks/jupyter/run-notebooks.sh --quick} and CI do).
 * Nothing here prints or writes files.
 */
package org.visualbackprop.experiments;
