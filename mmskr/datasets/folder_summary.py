"""What a folder of images holds, from the file headers (and the pixels of
colour files, to tell grey ones): the startup report
of training on a user's own images (:class:`~mmskr.engine.hooks.
DataSummaryHook`) and the facts a config fills in from the data."""
import os
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence

from .io import DEFAULT_MAX_PIXELS, holds_grey, probe_image

__all__ = ['GRAY_MODES', 'summarize_images', 'summary_lines']

#: Pillow modes of single-channel images (``LA``: gray with alpha).
GRAY_MODES = frozenset({'1', 'L', 'LA', 'I', 'F', 'I;16', 'I;16L', 'I;16B',
                        'I;16S', 'I;16BS', 'I;16LS'})
#: Modes stored with more than 8 bits per sample.
WIDE_MODES = frozenset({'I', 'F', 'I;16', 'I;16L', 'I;16B', 'I;16S',
                        'I;16BS', 'I;16LS'})
#: Sizes further apart than this factor (longest side) are reported.
SIZE_SPREAD_WARNING = 2.0


def summarize_images(paths: Sequence[str],
                     batch_size: Optional[int] = None,
                     classes: Optional[Sequence[str]] = None,
                     class_counts: Optional[Sequence[int]] = None,
                     folders: Sequence[str] = (),
                     max_pixels: int = DEFAULT_MAX_PIXELS) -> dict:
    """Describe a set of image files from their headers; colour files are
    decoded only to tell whether they hold grey images (until the first
    that does not).

    Args:
        paths (Sequence[str]): The image files (a data set's list).
        batch_size (int, optional): Warn when there are fewer images.
        classes, class_counts: The data set's classes and images per class,
            when it uses class sub-folders.
        folders (Sequence[str]): The data set's folders: their immediate
            sub-folders are reported as possible classes of an unlabeled
            set.
        max_pixels (int): As :func:`~mmskr.datasets.io.probe_image`.

    Returns:
        dict: ``num_images``; ``modes`` ({Pillow mode: count});
        ``channels`` (1 when every image is grey: a single-channel mode, or
        a colour file whose channels agree, :func:`~mmskr.datasets.io.
        holds_grey`; else 3); ``grey_as_colour`` (colour files holding grey
        images, counted when every image is grey);
        ``wide`` (images with more than 8 bits per sample); ``min_size`` /
        ``max_size`` ((width, height) of the smallest / largest by area);
        ``classes`` ({name: count} or None); ``sub_folders`` (list, for an
        unlabeled set); ``warnings`` (list of str).
    """
    probes = [probe_image(p, max_pixels) for p in paths]
    modes = Counter(p['mode'] for p in probes)
    sizes = [(p['width'], p['height']) for p in probes]
    gray = sum(n for m, n in modes.items() if m in GRAY_MODES)
    wide = sum(n for m, n in modes.items() if m in WIDE_MODES)
    grey_as_colour = 0
    for path, probe in zip(paths, probes):
        if probe['mode'] not in GRAY_MODES:
            if not holds_grey(path, max_pixels):
                grey_as_colour = None  # a colour image: 3 channels
                break
            grey_as_colour += 1
    all_grey = bool(paths) and grey_as_colour is not None
    warnings: List[str] = []
    if batch_size and len(paths) < batch_size:
        warnings.append(
            f'only {len(paths)} images for a batch of {batch_size}: lower '
            'train_dataloader.batch_size (and dataset.min_images) or add '
            'images')
    if 0 < gray < len(paths) and not all_grey:
        warnings.append(
            f'mixed modes {dict(modes)}: {gray} single-channel and '
            f'{len(paths) - gray} colour images; all are trained as colour '
            '(grey images replicated to 3 channels)')
    if 0 < wide < len(paths):
        warnings.append(
            f'{wide} of {len(paths)} images have more than 8 bits per '
            'sample and the others 8: their intensities are mapped to 8 '
            'bits by different rules (docs in mmskr/datasets/io.py)')
    small = min(sizes, key=lambda s: s[0] * s[1]) if sizes else None
    large = max(sizes, key=lambda s: s[0] * s[1]) if sizes else None
    if sizes and max(large) > SIZE_SPREAD_WARNING * min(small):
        warnings.append(
            f'sizes range from {small[0]}x{small[1]} to {large[0]}x'
            f'{large[1]} (more than {SIZE_SPREAD_WARNING:g}x): every image '
            'is resized to the training size, so small ones are upsampled '
            'and aspect ratios change; crop or sort them if that matters')
    sub_folders = []
    if classes is None:
        for folder in folders:
            if osp.isdir(folder):
                sub_folders += sorted(
                    d for d in os.listdir(folder) if not d.startswith('.')
                    and osp.isdir(osp.join(folder, d)))
    return dict(
        num_images=len(paths),
        modes=dict(modes),
        channels=1 if all_grey else 3,
        grey_as_colour=grey_as_colour or 0,
        wide=wide,
        min_size=small,
        max_size=large,
        classes=dict(zip(classes, class_counts)) if classes else None,
        sub_folders=sub_folders,
        warnings=warnings)


def summary_lines(summary: Dict[str, object], where: str = '') -> List[str]:
    """The summary as log lines (one fact per line, warnings last)."""
    s = summary
    lines = [
        f'data: {s["num_images"]} images' + (f' in {where}' if where else ''),
        'data: modes ' + ', '.join(f'{m} x{n}' for m, n in sorted(
            s['modes'].items())) + (
                (f' (all grey; {s["grey_as_colour"]} colour files hold grey '
                 'images)' if s.get('grey_as_colour') else
                 ' (all single-channel)') if s['channels'] == 1 else '')
        + (f'; {s["wide"]} with more than 8 bits per sample'
           if s['wide'] else ''),
    ]
    if s['min_size']:
        lines.append('data: sizes {}x{} .. {}x{}'.format(*s['min_size'],
                                                         *s['max_size']))
    if s['classes']:
        lines.append('data: classes ' + ', '.join(
            f'{k} ({v})' for k, v in s['classes'].items()))
    elif s['sub_folders']:
        lines.append(
            'data: unlabeled (classes=None); sub-folders '
            f'{s["sub_folders"]} could be classes: '
            "train_dataloader.dataset.classes='auto'")
    else:
        lines.append('data: unlabeled (no class sub-folders)')
    lines += [f'data: WARNING {w}' for w in s['warnings']]
    return lines
