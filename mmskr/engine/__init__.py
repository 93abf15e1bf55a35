from . import hooks, optimizers  # noqa: F401

__all__ = ['hooks', 'optimizers']
