"""Reading medical images of any common format into 8-bit RGB arrays.

Pure functions, no registry: :class:`~mmskr.datasets.MedicalImageDataset`
and :class:`~mmskr.datasets.transforms.LoadMedicalImage` wrap them.

Files are decoded with Pillow, which identifies the format from the content,
not from the extension (some brain-MRI ``.jpg`` files are PNG; DRIVE labels
and masks are GIF, which OpenCV cannot read). Every decoding failure becomes a
:class:`BadImageError` that names the file, says what was wrong and what to
do.

Intensity rules (how each Pillow mode becomes uint8):

==========================  ===============================================
mode                        rule
==========================  ===============================================
``L``, ``RGB``              kept (1 or 3 channels)
``1``                       0 / 255, 1 channel
``RGBA``, ``LA``            alpha composited on black: ``v * alpha / 255``
``P``, ``PA``               palette expanded to RGB (with its transparency,
                            composited on black), 3 channels
``CMYK``, ``YCbCr``, ...    converted to RGB by Pillow
signed integer              Hounsfield-like units (CT): clipped to ``window``
(TIFF ``SampleFormat=2``,   ``[lo, hi]`` and mapped linearly to 0..255;
or any negative value)      with ``window=None`` min-max as below
``I;16*``, unsigned ``I``,  min-max: the image's own ``[min, max]`` maps
``F``                       linearly to 0..255 (constant image -> 0)
any of the last two rows    with ``window='percentile'`` (the folder
                            configs' rule): the image's own
                            :data:`PERCENTILE_WINDOW` percentiles ``[p0.5,
                            p99.5]`` are the window (robust to a few hot or
                            dead pixels; a constant image -> 0)
==========================  ===============================================

Multi-frame files (animated GIF, multi-page TIFF) give their first frame.
TIFF bit depths that Pillow cannot decode (64-bit float, complex, 12-bit)
or decodes wrongly (signed 8-bit, read as unsigned) are refused with a
:class:`BadImageError` naming the depth (:data:`TIFF_READABLE_DEPTHS`).
EXIF orientation is not applied: pixels are returned as stored.
"""
import os
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from PIL import Image, ImageFile

#: File name endings (case-insensitive) listed by :func:`list_image_files`.
IMAGE_EXTENSIONS: Tuple[str, ...] = ('.bmp', '.gif', '.jpeg', '.jpg', '.pgm',
                                     '.png', '.ppm', '.tif', '.tiff', '.webp')
#: CT window in Hounsfield units used for signed 16-bit images (lung window
#: of the paper's CT data: air -1000 HU -> 0, dense tissue 400 HU -> 255).
DEFAULT_WINDOW: Tuple[float, float] = (-1000.0, 400.0)
#: Percentiles of an image's own intensities that ``window='percentile'``
#: maps to 0 and 255 (images with more than 8 bits per sample).
PERCENTILE_WINDOW: Tuple[float, float] = (0.5, 99.5)
#: Largest accepted ``width * height`` (100 megapixels, about 10000 x 10000).
#: Larger images are refused as possible decompression bombs. Pillow's own
#: hard limit (``2 * Image.MAX_IMAGE_PIXELS``, 179 megapixels by default)
#: still applies above this.
DEFAULT_MAX_PIXELS: int = 100_000_000

_RETRY_ADVICE = ('Re-download or re-export the file, or delete it; '
                 'MedicalImageDataset(skip_bad=True) drops such files with a '
                 'warning.')
_DEPTH_ADVICE = ('Convert it to 8-bit PNG or to 8/16-bit TIFF, or delete '
                 'it; MedicalImageDataset(skip_bad=True) drops such files '
                 'with a warning.')
#: TIFF (SampleFormat, BitsPerSample) pairs Pillow decodes to the values
#: stored: unsigned 1/2/4/8/16/32-bit, signed 16/32-bit, 32-bit float.
#: Others fail to open (64-bit float, complex, 12/24-bit) or, like signed
#: 8-bit, are silently read as unsigned.
TIFF_READABLE_DEPTHS = frozenset({(1, 1), (1, 2), (1, 4), (1, 8), (1, 16),
                                  (1, 32), (2, 16), (2, 32), (3, 32)})
_TIFF_SAMPLE_FORMATS = {
    1: 'unsigned integer',
    2: 'signed integer',
    3: 'floating point',
    5: 'complex integer',
    6: 'complex floating point'
}
#: Bytes at the end of a file searched for the format's end marker.
_TAIL_BYTES = 4096


class BadImageWarning(UserWarning):
    """Warned once by a data set that dropped unreadable files."""


class BadImageError(ValueError):
    """A file exists but cannot be decoded into a usable image.

    Attributes:
        path (str): The offending file.
        reason (str): What was wrong, in a few words.
    """

    def __init__(self, path: str, reason: str, advice: str = _RETRY_ADVICE):
        self.path = str(path)
        self.reason = reason
        super().__init__(f'bad image file {self.path!r}: {reason}. {advice}')


def list_image_files(root: str,
                     recursive: bool = True,
                     extensions: Sequence[str] = IMAGE_EXTENSIONS
                     ) -> List[str]:
    """List image files under a folder, sorted.

    Hidden files and folders (name starting with ``.``) are skipped. Names
    may contain spaces or non-ASCII characters.

    Args:
        root (str): Folder to search.
        recursive (bool): Also search sub-folders. Defaults to True.
        extensions (Sequence[str]): Accepted name endings, matched
            case-insensitively, with the dot (``'.png'``). Defaults to
            :data:`IMAGE_EXTENSIONS`.

    Returns:
        list[str]: ``osp.join(root, relative_path)`` for each file, sorted by
        relative path.

    Raises:
        FileNotFoundError: ``root`` is not a folder.
        ValueError: ``extensions`` is empty or an entry lacks the dot.
    """
    if not osp.isdir(root):
        raise FileNotFoundError(
            f'image folder {osp.abspath(root)!r} does not exist or is not a '
            'folder')
    if isinstance(extensions, str):
        extensions = (extensions, )
    exts = tuple(e.lower() for e in extensions)
    if not exts or not all(e.startswith('.') for e in exts):
        raise ValueError('extensions must be a non-empty sequence of name '
                         f"endings with a dot, like ('.png', '.jpg'); got "
                         f'{tuple(extensions)!r}')
    found: List[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith('.')]
        if not recursive:
            dirnames[:] = []
        for name in filenames:
            if not name.startswith('.') and name.lower().endswith(exts):
                found.append(osp.relpath(osp.join(dirpath, name), root))
    return [osp.join(root, rel) for rel in sorted(found)]


def _check_max_pixels(max_pixels: int) -> None:
    if not isinstance(max_pixels, int) or max_pixels <= 0:
        raise ValueError(
            f'max_pixels must be a positive int, got {max_pixels!r}')


def _as_tuple(value) -> tuple:
    """A TIFF tag value as a tuple (Pillow gives scalars or tuples)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, )


def _read_tiff_tags(path: str) -> Optional[dict]:
    """The first image directory of a TIFF file (tag -> value), read without
    decoding; None for other formats or an unreadable directory."""
    from PIL import TiffImagePlugin
    try:
        with open(path, 'rb') as f:
            head = f.read(8)
            if head[:4] not in (b'II*\x00', b'MM\x00*'):
                return None
            ifd = TiffImagePlugin.ImageFileDirectory_v2(head)
            f.seek(ifd.next)
            ifd.load(f)
            return dict(ifd)
    except Exception:  # a damaged directory: Pillow's error says more
        return None


def _check_tiff_depth(path: str, tags: Optional[dict]) -> None:
    """Refuse TIFF samples Pillow cannot decode or decodes wrongly.

    Raises:
        BadImageError: names the bit depth and sample format found.
    """
    if not tags:
        return
    bits = _as_tuple(tags.get(258, 1))[0]  # BitsPerSample
    fmt = _as_tuple(tags.get(339, 1))[0]  # SampleFormat (1 = unsigned int)
    if (fmt, bits) in TIFF_READABLE_DEPTHS:
        return
    raise BadImageError(
        path, f'unsupported bit depth: {bits}-bit '
        f'{_TIFF_SAMPLE_FORMATS.get(fmt, f"SampleFormat={fmt}")} samples '
        f'({tags.get(277, 1)} per pixel); readable TIFF samples are '
        'unsigned 1/2/4/8/16/32-bit, signed 16/32-bit and 32-bit float',
        _DEPTH_ADVICE)


def _tail_problem(path: str, im: Image.Image) -> Optional[str]:
    """Why a JPEG / PNG / TIFF file ends before its data does, or None.

    JPEG: no end-of-image marker (FF D9) near the end; PNG: no IEND chunk
    near the end; TIFF: a strip or tile extends past the end of the file.
    Other formats are not checked (None).
    """
    size = osp.getsize(path)
    if im.format in ('JPEG', 'PNG'):
        marker = b'\xff\xd9' if im.format == 'JPEG' else b'IEND'
        with open(path, 'rb') as f:
            f.seek(max(0, size - _TAIL_BYTES))
            if marker not in f.read():
                name = 'end-of-image marker' if im.format == 'JPEG' else \
                    'IEND chunk'
                return (f'truncated: the {im.format} {name} is missing '
                        f'({size} bytes)')
    elif im.format == 'TIFF':
        tags = im.tag_v2
        for offsets, counts in ((273, 279), (324, 325)):  # strips, tiles
            ends = [o + c for o, c in zip(_as_tuple(tags.get(offsets, ())),
                                          _as_tuple(tags.get(counts, ())))]
            if ends and max(ends) > size:
                return (f'truncated: the TIFF image data ends at byte '
                        f'{max(ends)} but the file has {size} bytes')
    return None


def _open(path: str, max_pixels: int) -> Image.Image:
    """Open ``path`` with Pillow (header only) and check its size.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        BadImageError: the file is empty, unidentifiable or too large.
    """
    _check_max_pixels(max_pixels)
    path = str(path)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'image file {osp.abspath(path)!r} does not exist')
    try:
        size = osp.getsize(path)
    except OSError as err:
        raise BadImageError(path, f'cannot be read ({err})') from err
    if size == 0:
        raise BadImageError(path, 'the file is empty (0 bytes)')
    try:
        with warnings.catch_warnings():
            # our own max_pixels check below replaces Pillow's warning
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            im = Image.open(path)
    except Image.DecompressionBombError as err:
        raise BadImageError(
            path, f'declares an image too large to decode safely ({err})',
            'If the image is genuine, downscale it before training.') from err
    except Exception as err:  # Pillow raises many types on corrupt headers
        _check_tiff_depth(path, _read_tiff_tags(path))
        if isinstance(err, Image.UnidentifiedImageError):
            raise BadImageError(
                path, f'not a readable image ({size} bytes; Pillow cannot '
                'identify the format, or the header is damaged or truncated)'
            ) from err
        raise BadImageError(
            path, f'damaged header ({type(err).__name__}: {err})') from err
    if im.format == 'TIFF':
        try:
            _check_tiff_depth(path, im.tag_v2)
        except BadImageError:
            im.close()
            raise
    width, height = im.size
    if width * height > max_pixels:
        im.close()
        raise BadImageError(
            path, f'declares {width}x{height} = {width * height} pixels, more '
            f'than max_pixels={max_pixels} (a decompression bomb or a huge '
            'image)', 'If the image is genuine, raise max_pixels or downscale '
            'it.')
    if width == 0 or height == 0:
        im.close()
        raise BadImageError(path, f'declares an empty size {width}x{height}')
    return im


def probe_image(path: str,
                max_pixels: int = DEFAULT_MAX_PIXELS,
                check_tail: bool = False) -> Dict[str, object]:
    """Read only the header of an image file (fast; no pixel decoding).

    Catches missing, empty, unidentifiable and oversized files and TIFF bit
    depths that cannot be read correctly, but not truncated pixel data
    unless ``check_tail``; :func:`read_medical_image` catches everything.

    Args:
        path (str): Image file.
        max_pixels (int): Largest accepted ``width * height``. Defaults to
            :data:`DEFAULT_MAX_PIXELS`.
        check_tail (bool): Also check that a JPEG, PNG or TIFF file is
            complete (end-of-image marker, IEND chunk, TIFF strips inside
            the file), from its last few KB; still no decoding. Defaults to
            False.

    Returns:
        dict: ``width`` (int), ``height`` (int), ``mode`` (str, Pillow mode)
        and ``format`` (str, e.g. ``'PNG'``, from the content).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        BadImageError: the header cannot be read, declares too many pixels
            or an unsupported bit depth, or (``check_tail``) the file is
            truncated.
    """
    im = _open(path, max_pixels)
    with im:
        problem = _tail_problem(str(path), im) if check_tail else None
        if problem:
            raise BadImageError(str(path), problem)
        return dict(
            width=im.size[0], height=im.size[1], mode=im.mode,
            format=im.format)


#: Largest channel difference (0-255) of a colour file that still holds a
#: grey image (JPEG's chroma rounding).
GREY_TOLERANCE = 2


def holds_grey(path: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> bool:
    """Whether a colour file (RGB, RGBA, P, CMYK, ...) holds a grey image:
    every pixel's channels within :data:`GREY_TOLERANCE` of each other
    (alpha ignored). Decodes the pixels.

    Raises:
        FileNotFoundError, BadImageError: as :func:`probe_image`.
    """
    im = _open(path, max_pixels)
    with im:
        try:
            rgb = np.asarray(im.convert('RGB'), dtype=np.int16)
        except (OSError, ValueError) as err:
            raise BadImageError(str(path), f'cannot be decoded ({err})') \
                from err
    spread = np.abs(rgb[..., :1] - rgb[..., 1:])
    return bool(spread.max(initial=0) <= GREY_TOLERANCE)


def normalize_window(window: Union[None, str, Sequence[float]]
                     ) -> Union[None, str, Tuple[float, float]]:
    """Check a ``(lo, hi)`` window (tuple or config list) and make it floats.

    Args:
        window (Sequence[float] | str | None): ``(lo, hi)``,
            ``'percentile'`` or None.

    Returns:
        tuple[float, float] | str | None: ``(float(lo), float(hi))``,
        ``'percentile'`` or None.

    Raises:
        ValueError: not two numbers with ``lo < hi``, nor ``'percentile'``.
    """
    if window is None or window == 'percentile':
        return window
    if isinstance(window, str):
        raise ValueError("window must be (lo, hi) with lo < hi, "
                         f"'percentile' or None, got {window!r}")
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        lo, hi = 0.0, 0.0
    if not lo < hi:
        raise ValueError(
            f'window must be (lo, hi) with lo < hi, got {window!r}')
    return lo, hi


def window_to_uint8(values: np.ndarray, window: Tuple[float, float]
                    ) -> np.ndarray:
    """Clip intensities to a window and map it linearly onto 0..255.

    ``out = floor((clip(v, lo, hi) - lo) / (hi - lo) * 255 + 0.5)``, so
    ``lo -> 0``, ``hi -> 255`` and halves round up.

    Args:
        values (np.ndarray): Any shape, any real dtype (e.g. int16 HU).
        window (tuple[float, float]): ``(lo, hi)`` with ``lo < hi``.

    Returns:
        np.ndarray: Same shape, uint8 in [0, 255].

    Raises:
        ValueError: ``window`` is not two numbers with ``lo < hi``.
    """
    lo, hi = normalize_window(window)
    scaled = (np.clip(values.astype(np.float64), lo, hi) - lo) / (hi - lo)
    return np.floor(scaled * 255.0 + 0.5).astype(np.uint8)


def percentile_to_uint8(values: np.ndarray) -> np.ndarray:
    """Window an array by its own :data:`PERCENTILE_WINDOW` percentiles
    (:func:`window_to_uint8`); NaNs are ignored, and a window of zero width
    gives :func:`minmax_to_uint8`."""
    lo, hi = (float(v) for v in np.nanpercentile(
        values.astype(np.float64), PERCENTILE_WINDOW))
    if hi <= lo:
        return minmax_to_uint8(values)
    return window_to_uint8(np.nan_to_num(values, nan=lo), (lo, hi))


def minmax_to_uint8(values: np.ndarray) -> np.ndarray:
    """Map an array's own ``[min, max]`` linearly onto 0..255.

    Args:
        values (np.ndarray): Any shape, any real dtype (e.g. uint16, float32).
            NaNs are treated as ``min``.

    Returns:
        np.ndarray: Same shape, uint8; a constant array gives zeros.
    """
    v = np.nan_to_num(values.astype(np.float64), nan=np.nanmin(values))
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        return np.zeros(values.shape, np.uint8)
    return np.floor((v - lo) / (hi - lo) * 255.0 + 0.5).astype(np.uint8)


def convert_channels(img: np.ndarray, channels: Optional[int]) -> np.ndarray:
    """Convert an HxWx1 or HxWx3 uint8 image to the requested channel count.

    Gray -> RGB replicates the channel; RGB -> gray uses the ITU-R 601-2
    luma weights Pillow uses (``(299 R + 587 G + 114 B) / 1000``, rounded).

    Args:
        img (np.ndarray): HxWxC uint8, C in {1, 3}.
        channels (int | None): 1, 3, or None to keep C.

    Returns:
        np.ndarray: HxWx``channels`` uint8.

    Raises:
        ValueError: ``channels`` is not 1, 3 or None.
    """
    if channels not in (1, 3, None):
        raise ValueError(f'channels must be 1, 3 or None, got {channels!r}')
    c = img.shape[2]
    if channels is None or channels == c:
        return img
    if channels == 3:
        return np.repeat(img, 3, axis=2)
    rgb = img.astype(np.uint32)
    luma = (299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2] +
            500) // 1000
    return luma.astype(np.uint8)[..., None]


def _is_signed(im: Image.Image, arr: np.ndarray) -> bool:
    """Whether integer pixel data is signed (Hounsfield-like units)."""
    if np.issubdtype(arr.dtype, np.floating):
        return False
    sample_format = getattr(im, 'tag_v2', {}).get(339)  # TIFF SampleFormat
    if sample_format is not None:
        formats = (sample_format if isinstance(sample_format, (tuple, list))
                   else (sample_format, ))
        if 2 in formats:
            return True
    return np.issubdtype(arr.dtype, np.signedinteger) and arr.min() < 0


def _composite_on_black(arr: np.ndarray) -> np.ndarray:
    """HxWx(C+1) uint8 with alpha last -> HxWxC uint8 over black."""
    color = arr[..., :-1].astype(np.uint32)
    alpha = arr[..., -1:].astype(np.uint32)
    return ((color * alpha + 127) // 255).astype(np.uint8)


def _to_uint8_native(im: Image.Image,
                     window: Union[None, str, Tuple[float, float]]
                     ) -> np.ndarray:
    """Decoded Pillow image -> HxWxC uint8, C = 1 (gray modes) or 3."""
    mode = im.mode
    if mode == '1':
        im, mode = im.convert('L'), 'L'
    elif mode in ('P', 'PA'):
        im, mode = im.convert('RGBA'), 'RGBA'
    elif mode not in ('L', 'LA', 'RGB', 'RGBA', 'I', 'F') and \
            not mode.startswith('I;16'):
        im, mode = im.convert('RGB'), 'RGB'  # CMYK, YCbCr, LAB, HSV, RGBX
    arr = np.array(im)  # a writable copy (np.asarray is read-only)
    if mode in ('RGBA', 'LA'):
        arr = _composite_on_black(arr.reshape(arr.shape[:2] + (-1, )))
    elif arr.dtype != np.uint8:  # I;16*, I, F
        if window == 'percentile':
            arr = percentile_to_uint8(arr)
        elif window is not None and _is_signed(im, arr):
            arr = window_to_uint8(arr, window)
        else:
            arr = minmax_to_uint8(arr)
    if arr.ndim == 2:
        arr = arr[..., None]
    return arr


def read_medical_image(path: str,
                       channels: Optional[int] = 3,
                       window: Union[None, str, Tuple[float, float]] =
                       DEFAULT_WINDOW,
                       max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Decode an image file into an HxWxC uint8 RGB (or gray) array.

    The format is taken from the content (a PNG named ``.jpg`` works).
    Pixels are fully decoded, so truncated JPEG / PNG / TIFF files raise
    instead of being padded with grey (this relies on Pillow's default
    ``ImageFile.LOAD_TRUNCATED_IMAGES = False``; if some other code set it to
    True, a ValueError says so). See the module docstring for how each
    Pillow mode, 16-bit and signed CT data become uint8.

    Args:
        path (str): Image file (any format Pillow reads: PNG, JPEG, TIFF
            incl. 16-bit signed, GIF, BMP, PPM/PGM, WebP).
        channels (int | None): 3 for RGB, 1 for gray, None to keep the
            file's native count (1 for gray modes ``1/L/LA/I/F/I;16``, 3
            otherwise). Defaults to 3.
        window (tuple[float, float] | None): ``(lo, hi)`` intensity window
            for signed integer data (CT in Hounsfield-like units), mapped to
            0..255. None min-max scales signed data too; ``'percentile'``
            windows all data of more than 8 bits per sample by the image's
            own percentiles (module docstring). A tuple is ignored for
            unsigned and 8-bit data. Defaults to :data:`DEFAULT_WINDOW`
            ``(-1000, 400)``.
        max_pixels (int): Largest accepted ``width * height``; larger files
            are refused as possible decompression bombs. Defaults to
            :data:`DEFAULT_MAX_PIXELS` (100 megapixels).

    Returns:
        np.ndarray: HxWxC uint8 in [0, 255], C = ``channels`` (channel order
        RGB for C = 3), C-contiguous and writable.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        BadImageError: the file is empty, not an image, damaged, truncated
            or larger than ``max_pixels``.
        ValueError: invalid ``channels``, ``window`` or ``max_pixels``, or
            ``ImageFile.LOAD_TRUNCATED_IMAGES`` was set to True elsewhere.
    """
    if channels not in (1, 3, None):
        raise ValueError(f'channels must be 1, 3 or None, got {channels!r}')
    window = normalize_window(window)
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise ValueError(
            'PIL.ImageFile.LOAD_TRUNCATED_IMAGES is True (set by some other '
            'code), so truncated files would be silently padded; set it back '
            'to False before reading medical images')
    im = _open(path, max_pixels)
    with im:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                im.load()
        except Exception as err:  # OSError, SyntaxError, zlib.error, ...
            truncated = 'truncated' in str(err).lower()
            what = 'truncated' if truncated else 'damaged'
            raise BadImageError(
                str(path), f'pixel data is {what} ({im.format} {im.size[0]}x'
                f'{im.size[1]} mode {im.mode}; {type(err).__name__}: {err})'
            ) from err
        try:
            img = _to_uint8_native(im, window)
        except Exception as err:
            raise BadImageError(
                str(path), f'unsupported pixel layout ({im.format} mode '
                f'{im.mode}; {type(err).__name__}: {err})',
                'Convert it to 8-bit PNG, or open an issue with the file.'
            ) from err
    return convert_channels(img, channels)
