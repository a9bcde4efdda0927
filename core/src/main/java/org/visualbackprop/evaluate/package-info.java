/**
 * How faithful an explanation method is: the tests the field expects of a saliency method, each a function of (network,
 * inputs, {@link org.visualbackprop.explain.Explainer}), after Quantus's metric classes (Hedström et al. 2023), each
 * citing its paper and naming its defaults: model-parameter randomization and random logits ({@link Randomization};
 * Adebayo et al. 2018, Sixt et al. 2020), region perturbation ({@link RegionPerturbation}; Samek et al. 2017),
 * localisation against ground-truth masks ({@link Localisation}; Arras et al. 2022, Zhang et al. 2018), input invariance
 * ({@link InputInvariance}; Kindermans et al. 2017), and cost ({@link Cost}). The similarity measures the randomization
 * tests report live in {@link Similarity}.
 *
 * <p>The package reads networks, tensors and masks only (not the data sets of {@code org.visualbackprop.data}): the
 * command {@code vbp evaluate-methods} in the notebooks module pairs it with the data and their ground truth.
 */
package org.visualbackprop.evaluate;
