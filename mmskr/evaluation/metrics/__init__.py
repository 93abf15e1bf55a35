"""Metrics registered in mmagic's ``METRICS`` registry."""
from .base_image_set_metric import ImageSetMetric
from .clean_fid import CleanFID
from .ms_ssim_diversity import (MS_SSIM_FAKE_KEY, MS_SSIM_REAL_KEY,
                                MSSSIMDiversity)
from .pggan_swd import PGGANSWD
from .vessel_metric import VesselMetric

__all__ = [
    'ImageSetMetric', 'CleanFID', 'MSSSIMDiversity', 'MS_SSIM_FAKE_KEY',
    'MS_SSIM_REAL_KEY', 'PGGANSWD', 'VesselMetric'
]
