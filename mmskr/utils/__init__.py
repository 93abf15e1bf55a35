from .image_grid import pair_grid, save_png, tile, to_uint8_images

__all__ = ['pair_grid', 'save_png', 'tile', 'to_uint8_images']
