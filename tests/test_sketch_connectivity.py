"""sketch_connectivity: connected components of sketch strokes."""
import cv2
import numpy as np
import pytest

from mmskr.evaluation.functional import sketch_connectivity


def _tree() -> np.ndarray:
    """A 64 px sketch: one branching grey stroke (a vessel tree)."""
    s = np.zeros((64, 64), np.uint8)
    cv2.line(s, (5, 32), (60, 32), 100, 1)
    cv2.line(s, (30, 32), (50, 5), 100, 1)
    cv2.line(s, (30, 32), (50, 60), 100, 1)
    return s


def test_one_tree_is_one_component_and_dashes_are_many():
    tree = _tree()
    dashes = tree.copy()
    dashes[:, ::6] = 0  # cut every stroke every 6 columns
    out = sketch_connectivity(np.stack([tree, tree])[:, None])
    assert out == dict(components=1.0, largest=1.0,
                       strokes=pytest.approx((tree >= 64).mean()), num=2)
    cut = sketch_connectivity(dashes[None])
    assert cut['components'] > 10 and cut['largest'] < 0.25
    # a set's values are the means over its images
    both = sketch_connectivity(np.stack([tree, dashes]))
    assert both['components'] == pytest.approx(
        (1 + cut['components']) / 2)
    assert both['largest'] == pytest.approx((1 + cut['largest']) / 2)


def test_threshold_and_specks():
    tree = _tree()
    assert sketch_connectivity(tree[None], threshold=101)['strokes'] == 0
    assert sketch_connectivity(tree[None], threshold=101)['largest'] == 0
    specks = tree.copy()
    specks[2, 2] = specks[60, 2] = 255  # single pixels: below min_pixels
    assert sketch_connectivity(specks[None])['components'] == 1
    assert sketch_connectivity(specks[None], min_pixels=1)['components'] == 3


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match='one channel'):
        sketch_connectivity(np.zeros((2, 3, 8, 8), np.uint8))
    with pytest.raises(ValueError, match='uint8'):
        sketch_connectivity(np.zeros((2, 8, 8), np.float32))
    with pytest.raises(ValueError, match='non-empty'):
        sketch_connectivity(np.zeros((0, 8, 8), np.uint8))
