from . import hooks, model_wrappers, optimizers  # noqa: F401

__all__ = ['hooks', 'model_wrappers', 'optimizers']
