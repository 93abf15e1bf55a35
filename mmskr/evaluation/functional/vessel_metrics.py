"""Vessel segmentation metrics of the SkrGAN paper's Table 2.

Pure functions over probability maps, binary vessel labels and field-of-view
(FOV) masks. Only FOV pixels count: the black border of a fundus photograph
is trivially "background" and would inflate accuracy. The pixels of all test
images are pooled before computing each metric (one confusion matrix, one
ROC curve), as in the DRIVE literature the paper follows:

* SEN = TP / (TP + FN) and ACC = (TP + TN) / (TP + FP + TN + FN), with a
  pixel called vessel when its probability is ``>= threshold`` (0.5);
* AUC: area under the ROC curve of the probabilities (threshold-free);
* SPE = TN / (TN + FP) and F1 = 2 TP / (2 TP + FP + FN) (the Dice of the
  thresholded map) are returned too (the paper reports neither).

The counting and the ROC are scikit-learn's (``confusion_matrix``,
``roc_auc_score``), imported on first use so that ``import mmskr`` does not
pay for scikit-learn.
"""
from typing import Dict, Sequence, Union

import numpy as np

__all__ = [
    'ACC', 'AUC', 'F1', 'METRIC_KEYS', 'SEN', 'SPE', 'pooled_fov_pixels',
    'vessel_metrics'
]

SEN = 'sen'
ACC = 'acc'
AUC = 'auc'
SPE = 'spe'
F1 = 'f1'
#: The paper's Table 2 columns, in order.
METRIC_KEYS = (SEN, ACC, AUC)

ArrayOrList = Union[np.ndarray, Sequence[np.ndarray]]


def _as_list(x: ArrayOrList) -> list:
    return [x] if isinstance(x, np.ndarray) else list(x)


def pooled_fov_pixels(probs: ArrayOrList, labels: ArrayOrList,
                      fovs: ArrayOrList) -> tuple:
    """Concatenate the FOV pixels of all images.

    Args:
        probs (np.ndarray | list[np.ndarray]): Vessel probabilities in
            [0, 1], one array per image or one stacked array; images may
            differ in size.
        labels (np.ndarray | list[np.ndarray]): Ground truth, same shapes,
            values {0, 1} (bool or integer).
        fovs (np.ndarray | list[np.ndarray]): FOV masks, same shapes, values
            {0, 1}; nonzero = inside the field of view.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(y_true, y_prob)``: 1-D uint8
        labels and float64 probabilities of the FOV pixels.

    Raises:
        ValueError: counts or shapes differ, probabilities are not finite
            values in [0, 1], labels or masks are not binary, or no pixel
            lies inside a FOV.
    """
    probs, labels, fovs = _as_list(probs), _as_list(labels), _as_list(fovs)
    if not len(probs) == len(labels) == len(fovs):
        raise ValueError(f'got {len(probs)} probability maps, {len(labels)} '
                         f'labels and {len(fovs)} FOV masks; need one each '
                         'per image')
    y_true, y_prob = [], []
    for i, (p, y, m) in enumerate(zip(probs, labels, fovs)):
        p, y, m = np.asarray(p), np.asarray(y), np.asarray(m)
        if not p.shape == y.shape == m.shape:
            raise ValueError(
                f'image {i}: probabilities {p.shape}, labels {y.shape} and '
                f'FOV mask {m.shape} must have the same shape')
        for name, a in (('labels', y), ('FOV mask', m)):
            if not np.isin(a, (0, 1)).all():
                raise ValueError(
                    f'image {i}: {name} must be binary (0/1 or bool), found '
                    f'values {np.unique(a)[:8].tolist()}')
        inside = m.astype(bool)
        p = p[inside].astype(np.float64)
        if p.size and not (np.isfinite(p).all() and p.min() >= 0
                           and p.max() <= 1):
            raise ValueError(
                f'image {i}: probabilities must be finite and in [0, 1], '
                f'found range [{np.nanmin(p)}, {np.nanmax(p)}]')
        y_true.append(y[inside].astype(np.uint8))
        y_prob.append(p)
    y_true, y_prob = np.concatenate(y_true), np.concatenate(y_prob)
    if y_true.size == 0:
        raise ValueError('no pixel lies inside a FOV mask')
    return y_true, y_prob


def vessel_metrics(probs: ArrayOrList,
                   labels: ArrayOrList,
                   fovs: ArrayOrList,
                   threshold: float = 0.5) -> Dict[str, float]:
    """SEN, ACC, AUC (and SPE, F1) over the FOV pixels of all images.

    Args:
        probs, labels, fovs: As in :func:`pooled_fov_pixels`.
        threshold (float): A pixel is predicted vessel when its probability
            is ``>= threshold``. Defaults to 0.5 (the paper's protocol).

    Returns:
        dict: ``sen``, ``acc``, ``auc``, ``spe``, ``f1`` (floats in [0, 1]),
        ``fov_pixels`` and ``vessel_pixels`` (ints, the counts they were
        computed over).

    Raises:
        ValueError: see :func:`pooled_fov_pixels`; also when the FOV pixels
            hold only one class (SEN or AUC undefined).
    """
    # scikit-learn costs about 1.3 s to import: load it only when measuring
    from sklearn.metrics import confusion_matrix, roc_auc_score
    y_true, y_prob = pooled_fov_pixels(probs, labels, fovs)
    n_vessel = int(y_true.sum())
    if n_vessel in (0, y_true.size):
        only = 'background' if n_vessel == 0 else 'vessel'
        raise ValueError(f'the FOV pixels are all {only} ({y_true.size} '
                         'pixels): SEN and AUC need both classes')
    y_pred = (y_prob >= threshold).astype(np.uint8)
    tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return {
        SEN: float(tp / (tp + fn)),
        ACC: float((tp + tn) / y_true.size),
        AUC: float(roc_auc_score(y_true, y_prob)),
        SPE: float(tn / (tn + fp)),
        F1: float(2 * tp / (2 * tp + fp + fn)),
        'fov_pixels': int(y_true.size),
        'vessel_pixels': n_vessel,
    }
