from .nested_separate_ddp import (NestedSeparateDistributedDataParallel,
                                  TransparentDDP)

__all__ = ['NestedSeparateDistributedDataParallel', 'TransparentDDP']
