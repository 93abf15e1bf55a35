from . import optimizers  # noqa: F401

__all__ = ['optimizers']
