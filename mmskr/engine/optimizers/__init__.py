from .skrgan_optim_wrapper_constructor import SkrGANOptimWrapperConstructor

__all__ = ['SkrGANOptimWrapperConstructor']
