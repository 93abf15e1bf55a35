from .cpu_amp_optim_wrapper import CPUAmpOptimWrapper
from .skrgan_optim_wrapper_constructor import SkrGANOptimWrapperConstructor

__all__ = ['CPUAmpOptimWrapper', 'SkrGANOptimWrapperConstructor']
