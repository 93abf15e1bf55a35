from .class_frequency_hook import ClassFrequencyHook
from .dist_consistency_hook import DistConsistencyHook
from .skrgan_sample_hook import SkrGANSampleHook

__all__ = ['SkrGANSampleHook', 'ClassFrequencyHook', 'DistConsistencyHook']
