"""Values the SkrGAN paper reports in its Table 1 (MICCAI 2019, mean).

Printed beside our measurements, always labelled "reported": they come from
the paper (``shared/paper``), not from a run of this harness, and were
measured at 512x512 with the authors' own metric code (its SWD scale is not
the PGGAN protocol's x1e3, so compare rankings, not magnitudes). The paper
has no WGAN-GP column and treats MS-SSIM as higher-is-better.
"""
from typing import Dict

__all__ = ['REPORTED', 'REPORTED_SOURCE']

REPORTED_SOURCE = ('Zhang et al., SkrGAN, MICCAI 2019, Table 1 '
                   '(512x512, 100 generated images)')

_COLUMNS = ('skrgan', 'dcgan', 'acgan', 'wgan', 'pggan')


def _row(*values: float) -> Dict[str, float]:
    return dict(zip(_COLUMNS, values))


# REPORTED[modality][metric][method]
REPORTED: Dict[str, Dict[str, Dict[str, float]]] = {
    'fundus': {
        'swd': _row(0.025, 0.160, 0.149, 0.078, 0.036),
        'ms_ssim': _row(0.614, 0.418, 0.490, 0.584, 0.537),
        'fid': _row(27.59, 64.83, 96.72, 240.7, 110.8),
    },
    'chestxray': {
        'swd': _row(0.026, 0.118, 0.139, 0.196, 0.031),
        'ms_ssim': _row(0.506, 0.269, 0.301, 0.401, 0.493),
        'fid': _row(114.6, 260.3, 235.2, 300.7, 124.2),
    },
    'lungct': {
        'swd': _row(0.020, 0.333, 0.317, 0.236, 0.057),
        'ms_ssim': _row(0.359, 0.199, 0.235, 0.277, 0.328),
        'fid': _row(79.97, 285.0, 222.5, 349.1, 91.89),
    },
    'brainmri': {
        'swd': _row(0.028, 0.163, 0.122, 0.036, 0.042),
        'ms_ssim': _row(0.436, 0.277, 0.235, 0.314, 0.411),
        'fid': _row(27.51, 285.0, 222.5, 176.1, 33.76),
    },
}
