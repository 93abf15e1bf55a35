"""Table 1 of the paper: SWD, MS-SSIM and FID of each method on each
modality (``benchmarks/compare.py``)."""
