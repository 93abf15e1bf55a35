"""A folder of medical images, optionally one sub-folder per class."""
import os
import os.path as osp
import warnings
from typing import Callable, List, Optional, Sequence, Tuple, Union

from mmengine.dataset import BaseDataset

from mmagic.registry import DATASETS
from .io import (DEFAULT_MAX_PIXELS, IMAGE_EXTENSIONS, BadImageError,
                 BadImageWarning, list_image_files, normalize_window,
                 probe_image, read_medical_image)

CHECK_MODES = ('none', 'header', 'tail', 'full')


@DATASETS.register_module()
class MedicalImageDataset(BaseDataset):
    """Images in one or more folders, for unconditional or class-conditional
    generation.

    Layouts (``{root}`` is ``data_root`` joined with the ``data_prefix``
    folder):

    .. code-block:: none

        classes=None                 classes='auto' or ['NORMAL', ...]
        {root}/a.png                 {root}/NORMAL/a.jpeg
        {root}/any/depth/b.tif       {root}/PNEUMONIA/b.jpeg

    Each data info is ``dict(gt_path=str, sample_idx=int)`` plus
    ``gt_label=int`` (index into ``metainfo['classes']``) when classes are
    used. Unlabeled data sets have no ``gt_label`` key at all (no -1
    placeholder), so a class-conditional model fails loudly on them.
    The path key follows ``data_prefix``: ``dict(img='x')`` gives
    ``img_path``; the label key is always ``gt_label``, which mmagic's
    ``PackInputs`` packs into ``data_samples.gt_label``.

    ``metainfo`` holds ``num_images`` (int) and, with classes,
    ``classes`` (tuple[str], label order) and ``class_counts`` (tuple[int],
    images per class, same order), e.g. for ACGAN class frequencies. They
    describe the data list after bad files are dropped and ``indices``
    applied (so a count can be 0), and are set by ``full_init`` (with
    ``lazy_init=True``, only once it has run).

    Args:
        data_root (str): Root joined with ``data_prefix``. Defaults to ''.
        data_prefix (str | dict): The image folder relative to
            ``data_root`` (absolute paths are used as they are): a string, or
            mmagic style ``dict(gt='folder')`` with exactly one key, the key
            naming the path field (``gt`` -> ``gt_path``). The folder may be
            a list of folders, whose images are concatenated in that order
            (e.g. two splits). Defaults to ``dict(gt='')``.
        pipeline (list[dict | Callable]): Transforms. Defaults to [].
        classes (None | str | Sequence[str]): None: unlabeled, every image
            file under the folder (``recursive``) is used. ``'auto'``: the
            immediate sub-folders (sorted, hidden ones skipped) are the
            classes, label = index. A list: these sub-folders, in this
            order, are the classes; other sub-folders are ignored. With
            classes, image files directly in the folder raise ValueError.
            Defaults to None.
        recursive (bool): Search sub-folders (of each class folder when
            classes are used). Defaults to True.
        extensions (Sequence[str]): Accepted name endings, case-insensitive.
            Only the name is filtered; files are decoded by content.
            Defaults to :data:`~mmskr.datasets.io.IMAGE_EXTENSIONS`.
        check_files (str): Verify every file at init: ``'none'``;
            ``'header'`` (open the header: catches empty, non-image,
            damaged-header, oversized and unsupported-bit-depth files, ~0.1
            ms per file); ``'tail'`` (header, and the last few KB: also
            catches JPEG / PNG / TIFF files cut short, without decoding);
            ``'full'`` (decode every pixel: also catches damaged pixel data
            inside a complete file, ~1 to 50 ms per file). A bad file that
            passes the check raises BadImageError when the pipeline loads
            it. Defaults to ``'tail'``.
        skip_bad (bool): False: the first bad file found by the check raises
            BadImageError naming it. True: bad files are dropped and listed
            in one :class:`~mmskr.datasets.io.BadImageWarning` with their
            count. Defaults to False.
        min_images (int): Fewest images accepted after the check (configs
            set it to the batch size); fewer raise ValueError. Defaults
            to 1.
        window (tuple[float, float] | str | None): How the files' intensities
            of more than 8 bits per sample become 0..255, for every image of
            this set: ``(lo, hi)`` or ``'percentile'`` (each image's own
            0.5 / 99.5 percentiles), given to ``LoadMedicalImage`` through
            each data info's ``f'{key}_window'``. None leaves the pipeline's
            ``LoadMedicalImage`` rule (signed data: the CT lung window).
            Defaults to None.
        max_pixels (int): Largest accepted ``width * height`` for the check.
            Defaults to :data:`~mmskr.datasets.io.DEFAULT_MAX_PIXELS`.
        metainfo (dict, optional): Extra meta information; ``classes``,
            ``class_counts`` and ``num_images`` are overwritten from the
            files. Defaults to None.
        test_mode, serialize_data, lazy_init, indices, max_refetch: as in
            :class:`mmengine.dataset.BaseDataset` (defaults False, True,
            False, None, 1000).

    Raises:
        FileNotFoundError: a folder or class folder is missing, or holds no
            image file, an empty class folder included (the message gives
            the path, the extensions searched and the expected layout).
        ValueError: bad arguments; files beside class folders; fewer than
            ``min_images`` images.
        BadImageError: a bad file, with ``check_files`` on and
            ``skip_bad=False``.
    """

    METAINFO = dict(
        dataset_type='medical_image_dataset', task_name='generation')

    def __init__(self,
                 data_root: Optional[str] = '',
                 data_prefix: Union[str, dict] = dict(gt=''),
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 classes: Union[None, str, Sequence[str]] = None,
                 recursive: bool = True,
                 extensions: Sequence[str] = IMAGE_EXTENSIONS,
                 check_files: str = 'tail',
                 skip_bad: bool = False,
                 min_images: int = 1,
                 window: Union[None, str, Sequence[float]] = None,
                 max_pixels: int = DEFAULT_MAX_PIXELS,
                 metainfo: Optional[dict] = None,
                 test_mode: bool = False,
                 serialize_data: bool = True,
                 lazy_init: bool = False,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 max_refetch: int = 1000):
        if isinstance(data_prefix, (str, list, tuple)):
            data_prefix = dict(gt=data_prefix)
        if not isinstance(data_prefix, dict) or len(data_prefix) != 1:
            raise ValueError(
                "data_prefix must be a folder string or a dict with one key "
                f"like dict(gt='images'), got {data_prefix!r}")
        if check_files not in CHECK_MODES:
            raise ValueError(f'check_files must be one of {CHECK_MODES}, '
                             f'got {check_files!r}')
        if isinstance(classes, str) and classes != 'auto':
            raise ValueError("classes must be None, 'auto' or a list of "
                             f'sub-folder names, got {classes!r}')
        if classes is not None and not isinstance(classes, str):
            classes = tuple(classes)
            if not classes or len(set(classes)) != len(classes) or not all(
                    isinstance(c, str) and c for c in classes):
                raise ValueError('classes must be a non-empty list of '
                                 f'distinct sub-folder names, got {classes!r}')
        if not isinstance(min_images, int) or min_images < 1:
            raise ValueError(
                f'min_images must be an int >= 1, got {min_images!r}')
        self.key = next(iter(data_prefix))
        self.classes = classes
        self.recursive = recursive
        self.extensions = (extensions, ) if isinstance(extensions,
                                                       str) else tuple(
                                                           extensions)
        self.check_files = check_files
        self.skip_bad = skip_bad
        self.min_images = min_images
        self.window = normalize_window(window)
        self.max_pixels = max_pixels
        super().__init__(
            metainfo=metainfo,
            data_root=data_root or '',
            data_prefix=data_prefix,
            pipeline=list(pipeline),
            test_mode=test_mode,
            serialize_data=serialize_data,
            lazy_init=lazy_init,
            indices=indices,
            max_refetch=max_refetch)

    def _join_prefix(self) -> None:
        """Join ``data_root`` with the folder(s) of ``data_prefix``.

        The folder value becomes a list of paths (BaseDataset's version
        only handles a single string).
        """
        folders = self.data_prefix[self.key]
        if isinstance(folders, str):
            folders = [folders]
        if (not isinstance(folders, (list, tuple)) or not folders
                or not all(isinstance(f, str) for f in folders)):
            raise ValueError(
                f'data_prefix[{self.key!r}] must be a folder or a non-empty '
                f'list of folders, got {folders!r}')
        self.data_prefix = {
            self.key: [
                osp.normpath(osp.join(self.data_root, f)) for f in folders
            ]
        }

    @property
    def folders(self) -> List[str]:
        """list[str]: The image folders, joined with ``data_root``."""
        return list(self.data_prefix[self.key])

    def _layout(self) -> str:
        if self.classes is None:
            return '{folder}/**/<image files>'
        return '{folder}/<class name>/**/<image files>'

    def _missing_folder(self, folder: str, what: str) -> FileNotFoundError:
        return FileNotFoundError(
            f'{what} {osp.abspath(folder)!r} does not exist. Expected layout '
            f'{self._layout()} with data_root={self.data_root!r}, '
            f'data_prefix={self.data_prefix!r} (configs read data_root from '
            'the MMSKR_DATA_ROOT environment variable).')

    def _class_names(self) -> Tuple[str, ...]:
        """The class names, checked against every folder."""
        per_folder = []
        for folder in self.folders:
            per_folder.append(
                sorted(d for d in os.listdir(folder)
                       if not d.startswith('.')
                       and osp.isdir(osp.join(folder, d))))
            loose = list_image_files(
                folder, recursive=False, extensions=self.extensions)
            if loose:
                raise ValueError(
                    f'{len(loose)} image files lie directly in {folder!r} '
                    f'(e.g. {osp.basename(loose[0])!r}), but classes='
                    f'{self.classes!r} expects only class sub-folders '
                    f'({self._layout()}). Move them into a class folder, or '
                    'use classes=None for unlabeled images.')
        if self.classes == 'auto':
            names = per_folder[0]
            if not names:
                raise ValueError(
                    f"classes='auto' found no sub-folders in "
                    f'{self.folders[0]!r}; expected {self._layout()}')
            for folder, other in zip(self.folders[1:], per_folder[1:]):
                if other != names:
                    raise ValueError(
                        f"classes='auto' found sub-folders {other} in "
                        f'{folder!r} but {names} in {self.folders[0]!r}; '
                        'give classes as a list to choose.')
            return tuple(names)
        for folder, present in zip(self.folders, per_folder):
            for name in self.classes:
                if name not in present:
                    raise self._missing_folder(
                        osp.join(folder, name), f'class folder {name!r}')
        return tuple(self.classes)

    def _list_files(self, folder: str) -> List[str]:
        files = list_image_files(folder, self.recursive, self.extensions)
        if not files:
            raise FileNotFoundError(
                f'no image files in {osp.abspath(folder)!r} (searched '
                f'{"recursively " if self.recursive else ""}for '
                f'{", ".join(self.extensions)}). Expected layout '
                f'{self._layout()}.')
        return files

    def _check(self, infos: List[dict]) -> List[dict]:
        """Drop (``skip_bad``) or raise on files that fail the check."""
        if self.check_files == 'none':
            return infos
        good, bad = [], []
        for info in infos:
            path = info[f'{self.key}_path']
            try:
                if self.check_files == 'full':
                    read_medical_image(path, None, max_pixels=self.max_pixels)
                else:
                    probe_image(path, self.max_pixels,
                                check_tail=self.check_files == 'tail')
            except BadImageError as err:
                if not self.skip_bad:
                    raise
                bad.append(err)
                continue
            good.append(info)
        if bad:
            listing = '; '.join(f'{e.path} ({e.reason})' for e in bad)
            warnings.warn(
                f'{len(bad)} of {len(infos)} image files in {self.folders} '
                f'are unreadable and were skipped (check_files='
                f"'{self.check_files}'): {listing}", BadImageWarning)
        return good

    def load_data_list(self) -> List[dict]:
        """List the image files (and labels) and check them.

        Returns:
            list[dict]: ``{key}_path``, ``sample_idx`` and, with classes,
            ``gt_label``.
        """
        for folder in self.folders:
            if not osp.isdir(folder):
                raise self._missing_folder(folder, 'image folder')
        infos: List[dict] = []
        if self.classes is None:
            self._class_tuple = None
            for folder in self.folders:
                infos += [{
                    f'{self.key}_path': p
                } for p in self._list_files(folder)]
        else:
            self._class_tuple = self._class_names()
            for label, name in enumerate(self._class_tuple):
                for folder in self.folders:
                    infos += [{
                        f'{self.key}_path': p,
                        'gt_label': label
                    } for p in self._list_files(osp.join(folder, name))]
        infos = self._check(infos)
        if len(infos) < self.min_images:
            raise ValueError(
                f'{len(infos)} usable images found in {self.folders}, but '
                f'min_images={self.min_images} are needed (configs set it to '
                'the batch size). Add images or lower the batch size.')
        for idx, info in enumerate(infos):
            info['sample_idx'] = idx
            if self.window is not None:
                info[f'{self.key}_window'] = self.window
        return infos

    def full_init(self) -> None:
        """Load the data list, then record ``num_images`` and the class
        names and counts in ``metainfo``."""
        if self._fully_initialized:
            return
        super().full_init()
        self._metainfo['num_images'] = len(self)
        if self._class_tuple is not None:
            counts = [0] * len(self._class_tuple)
            for idx in range(len(self)):
                counts[self.get_data_info(idx)['gt_label']] += 1
            self._metainfo['classes'] = self._class_tuple
            self._metainfo['class_counts'] = tuple(counts)
