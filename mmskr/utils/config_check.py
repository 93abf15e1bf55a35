"""Checks of a training config that fail fast, before the Runner is built.

mmengine reports most config mistakes late (after building the model, the
data sets and the hooks) or cryptically (a ``KeyError`` from the registry,
a bare ``AssertionError`` from mmagic's ``MS_SSIM``, a shape error in the
first iteration). :func:`validate_config` reads only the config and the
file system, so ``tools/train.py`` calls it before anything is built or
trained.
"""
import os
import os.path as osp
from typing import Iterator, Optional, Tuple

from mmengine.config import Config

__all__ = ['generator_resolution', 'validate_config']

#: Config keys under ``model`` whose ``type`` is not a MODELS entry.
_NOT_MODELS = ('init_cfg', )
#: Keys of the image resolution a GAN's networks are built for.
_SCALE_KEYS = {
    'generator': ('out_scale', 'output_scale'),
    'discriminator': ('in_scale', 'input_scale')
}
#: Metrics that compare generated images in pairs.
_PAIR_METRICS = ('MS_SSIM', 'MSSSIMDiversity')


def _walk(node, path: str) -> Iterator[Tuple[str, dict]]:
    """Every dict of a nested config with its dotted path, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in _NOT_MODELS:
                yield from _walk(value, f'{path}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _walk(value, f'{path}.{i}')


def check_model_types(cfg: Config) -> None:
    """Every ``type`` under ``model`` names a registered model class.

    Raises:
        ValueError: names the type, where it is in the config, the registry
            searched and the config's ``custom_imports``.
    """
    from mmengine.registry import MODELS
    scope = cfg.get('default_scope') or 'mmengine'
    with MODELS.switch_scope_and_registry(scope) as registry:
        for path, node in _walk(cfg.get('model'), 'model'):
            name = node.get('type')
            if isinstance(name, str) and registry.get(name) is None:
                raise ValueError(
                    f'{path}.type={name!r} is not registered in the '
                    f'{registry.scope}::model registry. Check the spelling '
                    '(names are case-sensitive) and that custom_imports '
                    'imports the package that registers it (this config '
                    f'has custom_imports={cfg.get("custom_imports")}; mmskr '
                    "configs need custom_imports=dict(imports=['mmskr'])).")


def _train_image_size(cfg: Config) -> Optional[Tuple[int, int]]:
    """(width, height) of the training pipeline's ``Resize``, or None."""
    dataset = (cfg.get('train_dataloader') or {}).get('dataset') or {}
    from ..datasets.transforms.cached import flat_pipeline
    for step in flat_pipeline(dataset.get('pipeline')):
        if isinstance(step, dict) and step.get('type') == 'Resize' and \
                not step.get('keep_ratio', False):
            scale = step.get('scale')
            if isinstance(scale, int):
                return scale, scale
            if isinstance(scale, (tuple, list)) and len(scale) == 2:
                return int(scale[0]), int(scale[1])
    return None


def _check_schedule(path: str, schedule) -> int:
    """A progressive schedule's scales; returns the last one."""
    try:
        scales = [int(k) for k in schedule]
    except (TypeError, ValueError):
        scales = []
    doubling = all(b == 2 * a for a, b in zip(scales, scales[1:]))
    if not scales or not doubling or scales[0] < 4 or \
            scales[0] & (scales[0] - 1):
        raise ValueError(
            f'{path}.nkimgs_per_scale must map image sizes, each twice the '
            "previous, to thousands of images (e.g. {'4': 2, '8': 4, ..., "
            f"'64': 12}}); found keys {list(schedule)}")
    return scales[-1]


def _network_scales(node: dict) -> Iterator[Tuple[str, int]]:
    """(``part.key``, value) of the image resolution a GAN's networks are
    built for: the generator's output and the discriminator's input."""
    for part, keys in _SCALE_KEYS.items():
        sub = node.get(part)
        for key in keys if isinstance(sub, dict) else ():
            if isinstance(sub.get(key), int):
                yield f'{part}.{key}', sub[key]


def generator_resolution(cfg: Config) -> Optional[int]:
    """The side in pixels of the images a config's GAN draws: the first
    generator output resolution (``out_scale`` / ``output_scale``) under
    ``model``, depth first (SkrGAN: its sketch generator's, which G_P
    renders at); None when the config has none."""
    for _, node in _walk(cfg.get('model'), 'model'):
        for key, value in _network_scales(node):
            if key.startswith('generator.'):
                return value
    return None


def check_resolutions(cfg: Config) -> None:
    """Progressive schedules and networks match the training image size.

    Raises:
        ValueError: a ``nkimgs_per_scale`` that is not a doubling sequence,
            or a schedule end or network resolution that differs from the
            networks' or from the ``Resize`` of the training pipeline.
    """
    size = _train_image_size(cfg)
    for path, node in _walk(cfg.get('model'), 'model'):
        last = None
        if 'nkimgs_per_scale' in node:
            last = _check_schedule(path, node['nkimgs_per_scale'])
            if size is not None and (last, last) != size:
                raise ValueError(
                    f'{path}.nkimgs_per_scale ends at {last} px but the '
                    f'training pipeline resizes images to {size[0]}x'
                    f'{size[1]} (Resize scale in train_dataloader.dataset.'
                    'pipeline): the schedule must end at the image size')
        for key, value in _network_scales(node):
            if last is not None and value != last:
                raise ValueError(
                    f'{path}.nkimgs_per_scale ends at {last} px but '
                    f'{path}.{key}={value}: the progressive schedule must '
                    "end at the networks' resolution")
            if size is not None and (value, value) != size:
                raise ValueError(
                    f'{path}.{key}={value} but the training pipeline resizes '
                    f'images to {size[0]}x{size[1]} (Resize scale in '
                    'train_dataloader.dataset.pipeline): use one resolution')


def check_pair_metrics(cfg: Config) -> None:
    """MS-SSIM metrics get an even number of generated images.

    Raises:
        ValueError: an odd or too small ``fake_nums``, or (mmagic's
            ``MS_SSIM``, which pairs images within a batch) an odd batch
            size of the loader it runs on.
    """
    for split in ('val', 'test'):
        evaluator = cfg.get(f'{split}_evaluator') or {}
        metrics = evaluator.get('metrics', evaluator) if isinstance(
            evaluator, dict) else evaluator
        if isinstance(metrics, dict):
            metrics = [metrics]
        for i, metric in enumerate(metrics or ()):
            if not isinstance(metric, dict) or \
                    metric.get('type') not in _PAIR_METRICS:
                continue
            where = f'{split}_evaluator.metrics.{i} ({metric["type"]})'
            num = metric.get('fake_nums')
            if not isinstance(num, int) or num < 2 or num % 2:
                raise ValueError(
                    f'{where}: fake_nums={num!r}, but MS-SSIM compares '
                    'generated images in pairs and needs an even count >= 2 '
                    "(mmagic's MS_SSIM asserts it; MSSSIMDiversity would "
                    'leave one image out)')
            batch = (cfg.get(f'{split}_dataloader') or {}).get('batch_size')
            if metric['type'] == 'MS_SSIM' and isinstance(batch, int) and \
                    batch % 2:
                raise ValueError(
                    f'{where} pairs the images of each batch: '
                    f'{split}_dataloader.batch_size={batch} must be even')


def _datasets(node, path: str) -> Iterator[Tuple[str, dict]]:
    """A loader's dataset and the datasets wrapped inside it."""
    if isinstance(node, dict):
        yield path, node
        yield from _datasets(node.get('dataset'), f'{path}.dataset')
        for i, sub in enumerate(node.get('datasets') or ()):
            yield from _datasets(sub, f'{path}.datasets.{i}')


def _data_root_hint() -> str:
    env = os.environ.get('MMSKR_DATA_ROOT')
    if env:
        return f'MMSKR_DATA_ROOT={env!r}'
    return (f'MMSKR_DATA_ROOT is not set, so the configs read data from '
            f'"data" in the working directory {os.getcwd()!r}')


def check_data_folders(cfg: Config) -> None:
    """The data roots and image folders of the loaders that training uses.

    The train loader always, the val loader when ``val_cfg`` is set.

    Raises:
        FileNotFoundError: names the missing folder, the config key and
            where the data root came from (``--data-root`` /
            ``MMSKR_DATA_ROOT``).
    """
    splits = ['train'] + (['val'] if cfg.get('val_cfg') else [])
    for split in splits:
        loader = cfg.get(f'{split}_dataloader') or {}
        for path, dataset in _datasets(loader.get('dataset'),
                                       f'{split}_dataloader.dataset'):
            root = dataset.get('data_root') or ''
            if root and not osp.isdir(root):
                raise FileNotFoundError(
                    f'{path}.data_root {osp.abspath(root)!r} is not a folder '
                    f'({_data_root_hint()}). Pass --data-root DIR or set '
                    'MMSKR_DATA_ROOT to the folder holding the data sets.')
            prefix = dataset.get('data_prefix') or {}
            for folders in (prefix.values() if isinstance(prefix, dict) else
                            [prefix]):
                if isinstance(folders, str):
                    folders = [folders]
                for folder in folders or ():
                    full = osp.join(root, str(folder))
                    if not osp.isdir(full):
                        raise FileNotFoundError(
                            f'{path}: image folder {osp.abspath(full)!r} '
                            f'(data_root {root!r} + data_prefix {folder!r})'
                            f' does not exist ({_data_root_hint()}).')


def check_load_from(cfg: Config) -> None:
    """A local ``load_from`` is a complete checkpoint that runs no code.

    Raises:
        FileNotFoundError, ValueError, UntrustedCheckpointError: see
            :func:`mmskr.engine.runner_utils.verify_checkpoint`.
    """
    from ..engine.runner_utils import verify_checkpoint
    path = cfg.get('load_from')
    if path and '://' not in str(path):
        verify_checkpoint(str(path))


def validate_config(cfg: Config) -> None:
    """Fail fast on config mistakes, before any training starts.

    Checks, in order: model types are registered; progressive schedules and
    network resolutions match the training images; MS-SSIM metrics get an
    even number of images; the data folders exist; ``load_from`` (also set
    by ``--resume``) is a complete, safe checkpoint. Reads the config and
    the file system only: nothing is built.

    Args:
        cfg (Config): The merged training config (after ``--cfg-options``).

    Raises:
        ValueError: bad model type, resolution or MS-SSIM count; a truncated
            or untrusted checkpoint.
        FileNotFoundError: a missing data folder or checkpoint.
    """
    check_model_types(cfg)
    check_resolutions(cfg)
    check_pair_metrics(cfg)
    check_data_folders(cfg)
    check_load_from(cfg)
