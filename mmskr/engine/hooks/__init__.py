from .skrgan_sample_hook import SkrGANSampleHook

__all__ = ['SkrGANSampleHook']
