"""Evaluation: SWD (PGGAN protocol), MS-SSIM diversity, FID/KID (clean-fid).

``functional`` holds the maths as pure functions on image arrays (what the
benchmark harness calls); ``metrics`` wraps them as mmagic generative
metrics (registered in ``mmagic.registry.METRICS``: ``PGGANSWD``,
``MSSSIMDiversity``, ``CleanFID``) for configs; ``conventions`` says which
direction is better for each Table 1 column. See ``docs/metrics.md``.
"""
from . import functional
from .conventions import (CLOSEST_TO_REAL, HIGHER_IS_BETTER, LOWER_IS_BETTER,
                          TABLE1_COLUMNS, Column)
from .metrics import (MS_SSIM_FAKE_KEY, MS_SSIM_REAL_KEY, PGGANSWD, CleanFID,
                      ImageSetMetric, MSSSIMDiversity)

__all__ = [
    'functional', 'CLOSEST_TO_REAL', 'HIGHER_IS_BETTER', 'LOWER_IS_BETTER', 'TABLE1_COLUMNS',
    'Column', 'MS_SSIM_FAKE_KEY', 'MS_SSIM_REAL_KEY', 'PGGANSWD', 'CleanFID',
    'ImageSetMetric', 'MSSSIMDiversity'
]
