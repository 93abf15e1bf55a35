from .image_grid import pair_grid, save_png, tile, to_uint8_images
from .json_lines import append_json_line, newest_json_lines

__all__ = [
    'append_json_line', 'newest_json_lines', 'pair_grid', 'save_png', 'tile',
    'to_uint8_images'
]
