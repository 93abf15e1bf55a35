"""Table 2 of the paper: DRIVE vessel segmentation with and without
pretraining on synthetic pairs (``benchmarks/vessel_seg.py``)."""
