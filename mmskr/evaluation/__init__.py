"""Evaluation: SWD (PGGAN protocol), MS-SSIM diversity, FID/KID (clean-fid),
FRD v1 (2D), memorisation and the vessel metrics of Table 2.

``functional`` holds the maths as pure functions on image arrays (what the
experiments call); ``metrics`` wraps them as metrics registered in
``mmagic.registry.METRICS`` (``PGGANSWD``, ``MSSSIMDiversity``,
``CleanFID``, ``VesselMetric``) for configs. See ``docs/metrics.md``.
"""
from . import functional
from .metrics import (MS_SSIM_FAKE_KEY, MS_SSIM_REAL_KEY, PGGANSWD, CleanFID,
                      ImageSetMetric, MSSSIMDiversity, VesselMetric)

__all__ = [
    'functional', 'MS_SSIM_FAKE_KEY', 'MS_SSIM_REAL_KEY', 'PGGANSWD',
    'CleanFID', 'ImageSetMetric', 'MSSSIMDiversity', 'VesselMetric'
]
