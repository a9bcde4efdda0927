"""Reference values for SimilarityTest: scipy's spearmanr and pearsonr, scikit-image's structural_similarity and hog,
called as Quantus calls them (abs, then normalise_by_max, for SSIM and HOG). Made with Debian's python3-scipy 1.10.1 and
python3-skimage 0.19.3:  /usr/bin/python3 make_similarity_fixtures.py > similarity.txt
"""
import numpy as np
import scipy.stats
import skimage.feature
import skimage.metrics

rng = np.random.default_rng(20170101)


def norm(a):
    a = np.abs(a)
    m = np.max(a)
    return a / m if m > 0 else a


def case(name, a, b):
    h, w = a.shape
    na, nb = norm(a), norm(b)
    rng_ = float(np.abs(np.max(np.concatenate([na, nb])) - np.min(np.concatenate([na, nb]))))
    ssim = skimage.metrics.structural_similarity(na, nb, win_size=None, data_range=rng_)
    ha = skimage.feature.hog(na, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(3, 3), block_norm='L2-Hys')
    hb = skimage.feature.hog(nb, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(3, 3), block_norm='L2-Hys')
    print("case", name, h, w)
    print("a", " ".join(repr(float(v)) for v in a.ravel()))
    print("b", " ".join(repr(float(v)) for v in b.ravel()))
    print("spearman_abs", repr(float(scipy.stats.spearmanr(np.abs(a).ravel(), np.abs(b).ravel())[0])))
    print("spearman", repr(float(scipy.stats.spearmanr(a.ravel(), b.ravel())[0])))
    print("ssim", repr(float(ssim)))
    print("hog_pearson", repr(float(scipy.stats.pearsonr(ha, hb)[0])))
    print("hog_a", " ".join(repr(float(v)) for v in ha))


a = rng.uniform(0, 1, (30, 40))
case("uniform-correlated", a, a + 0.3 * rng.uniform(0, 1, (30, 40)))
a = np.round(rng.normal(0, 1, (28, 28)) * 2) / 2
case("signed-with-ties", a, np.round((a + rng.normal(0, 1, (28, 28))) * 2) / 2)
a = np.zeros((25, 50))
a[5:15, 10:30] = 1.0
a += 0.05 * rng.uniform(0, 1, (25, 50))
case("blob-vs-shifted", a, np.roll(a, 3, axis=1) * 2.0 - 0.5)
