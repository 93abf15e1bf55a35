"""Memoise the deterministic head of a pipeline per image file."""
from collections import OrderedDict
from typing import List, Optional

import numpy as np
from mmcv.transforms import BaseTransform, Compose
from mmagic.registry import TRANSFORMS


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def flat_pipeline(pipeline) -> list:
    """The steps of a pipeline config with wrapped ``transforms`` inlined.

    ``[CachedTransforms([Load, Resize]), Pack]`` -> ``[Load, Resize, Pack]``
    (the step dicts themselves, so editing one edits the config).
    """
    out = []
    for step in pipeline or ():
        inner = step.get('transforms') if isinstance(step, dict) else None
        if isinstance(inner, (list, tuple)):
            out.extend(flat_pipeline(inner))
        else:
            out.append(step)
    return out


@TRANSFORMS.register_module()
class CachedTransforms(BaseTransform):
    """Run ``transforms`` once per image file, then reuse the result.

    Decoding a 512x512 16-bit CT slice, drawing its sketch at full
    resolution and area-resizing both costs milliseconds per image, every
    time the sampler returns to that image. When these steps are
    deterministic (``LoadMedicalImage``, ``SketchDraft``, ``Resize``: no
    random flip or crop) their output depends only on the file, so this
    wrapper keeps it in memory, keyed by ``results[key_field]``, and hands
    out copies: the training batches are bitwise the ones the uncached
    pipeline gives, from the second epoch on without reading the disk.

    Each data-loader worker has its own cache (the loaders of the configs
    keep their workers for the whole run); ``max_items`` bounds it (least
    recently used entries leave first). Failures are not cached: a bad file
    raises the same error each time it is drawn.

    Args:
        transforms (list[dict]): Deterministic transforms to memoise.
        key_field (str): Result field that identifies the input.
            Defaults to ``'gt_path'`` (``LoadMedicalImage(key='gt')``).
        max_items (int, optional): Most entries kept; None keeps all.
    """

    def __init__(self,
                 transforms: List[dict],
                 key_field: str = 'gt_path',
                 max_items: Optional[int] = None):
        if max_items is not None and max_items < 1:
            raise ValueError(f'max_items must be >= 1 or None, got '
                             f'{max_items}')
        self.transforms = Compose(transforms)
        self.key_field = key_field
        self.max_items = max_items
        self._cache: 'OrderedDict[str, dict]' = OrderedDict()
        self.hits = 0
        self.misses = 0

    def transform(self, results: dict) -> Optional[dict]:
        if self.key_field not in results:
            raise KeyError(
                f'CachedTransforms needs results[{self.key_field!r}] to '
                f'identify the image; the data set gives '
                f'{sorted(results)}. Set key_field to the path field.')
        key = str(results[self.key_field])
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.hits += 1
            out = dict(results)
            out.update(_copy(cached))
            return out
        self.misses += 1
        before = dict(results)
        out = self.transforms(results)
        if out is None:
            return None
        # keep what the transforms set, not the data set's own fields
        self._cache[key] = _copy({
            k: v
            for k, v in out.items() if k not in before or v is not before[k]
        })
        if self.max_items is not None and len(self._cache) > self.max_items:
            self._cache.popitem(last=False)
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(transforms={self.transforms}, '
                f'key_field={self.key_field!r}, '
                f'max_items={self.max_items})')
