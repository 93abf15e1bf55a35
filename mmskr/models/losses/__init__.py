from .vessel_losses import masked_bce, masked_dice

__all__ = ['masked_bce', 'masked_dice']
