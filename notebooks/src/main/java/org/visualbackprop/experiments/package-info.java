/**
 * The experiments behind the notebooks ({@code notebooks/*.ipynb}): classes that do a notebook's work (build or
 * train a network, explain frames, make the figures as {@link java.awt.image.BufferedImage}s or HTML), so that the
 * notebook cells stay a few lines long and the work is tested here. Notebook 1 (the method, Figures 1-3):
 * {@link org.visualbackprop.experiments.MethodFigures} and {@link org.visualbackprop.experiments.BarTraining}.
 * Where a size matters, it comes from a {@code Config} with a full and a quick variant; {@code Config.fromEnvironment()}
 * picks the quick one when {@code VBP_QUICK} is set (as {@code notebooks/jupyter/run-notebooks.sh --quick} and CI do).
 * Nothing here prints or writes files.
 */
package org.visualbackprop.experiments;
