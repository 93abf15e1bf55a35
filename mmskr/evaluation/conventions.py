"""The Table 1 columns: which metric, which result key, which direction.

SkrGAN's Table 1 marks SWD and FID with a down arrow (lower is better) and
MS-SSIM with an up arrow: the paper calls MS-SSIM "the similarity of paired
images, where the higher MS-SSIM the better performance" without saying
which pairs. Computed, as here and in the PGGAN/ACGAN line of work, between
pairs of *generated* images, MS-SSIM measures sameness: 1 for a collapsed
model, and a good model sits near the value of real pairs (printed beside
it). Table 1 therefore ranks MS-SSIM by the distance to the real-pairs
value (:data:`CLOSEST_TO_REAL`) and keeps the paper's arrow for its
``reported`` rows.
"""
from dataclasses import dataclass
from typing import Tuple

LOWER_IS_BETTER = 'lower'
HIGHER_IS_BETTER = 'higher'
CLOSEST_TO_REAL = 'closest to real'


@dataclass(frozen=True)
class Column:
    """One metric column of Table 1.

    Attributes:
        title (str): Column title, as in the paper.
        metric (str): Registered metric type (``METRICS``) computing it.
        key (str): Result key with the metric's default prefix.
        better (str): :data:`LOWER_IS_BETTER`, :data:`HIGHER_IS_BETTER` or
            :data:`CLOSEST_TO_REAL`: how Table 1 picks the best value.
        arrow (str): The paper's arrow.
        note (str): What a reader must know to compare values.
    """
    title: str
    metric: str
    key: str
    better: str
    arrow: str
    note: str


TABLE1_COLUMNS: Tuple[Column, ...] = (
    Column('SWD', 'PGGANSWD', 'swd_pggan/avg', LOWER_IS_BETTER, '\u2193',
           'PGGAN protocol, x1e3, mean over pyramid levels down to 16 px'),
    Column('MS-SSIM', 'MSSSIMDiversity', 'ms_ssim/fake', CLOSEST_TO_REAL,
           '\u2191', 'pairs of generated images (lower = more diverse); best '
           'is closest to ms_ssim/real (pairs of real images). The paper '
           'reads it as higher-is-better'),
    Column('FID', 'CleanFID', 'clean_fid/fid', LOWER_IS_BETTER, '\u2193',
           'clean-fid Inception features; biased upwards below 2048 '
           'images, n/a without the Inception weights'),
    Column('KID', 'CleanFID', 'clean_fid/kid', LOWER_IS_BETTER, '\u2193',
           'unbiased, for small sets (not in the paper)'),
)
