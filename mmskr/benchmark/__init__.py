"""The Table 1 harness behind ``benchmarks/compare.py``: presets, cells
(train / evaluate one method on one modality), the evaluation protocol and
the table renderer."""
from .presets import METHODS, MODALITIES, PRESETS, Preset, parse_only

__all__ = ['METHODS', 'MODALITIES', 'PRESETS', 'Preset', 'parse_only']
