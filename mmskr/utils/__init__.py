from .image_grid import pair_grid, save_png, tile, to_uint8_images
from .json_lines import append_json_line, newest_json_lines
from .uint8 import array_to_uint8, tensor_to_uint8

__all__ = [
    'array_to_uint8', 'tensor_to_uint8', 'append_json_line', 'newest_json_lines', 'pair_grid', 'save_png', 'tile',
    'to_uint8_images'
]
