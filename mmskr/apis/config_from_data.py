"""Config values a folder config leaves ``'auto'``, filled in from the data
(before training) or from the run's own config (when a checkpoint is
loaded).

The folder configs (``configs/*/*_folder_*px.py``) cannot know the user's
images, so they write ``'auto'`` where a value depends on them:

============================  ===========================================
key                           filled with
============================  ===========================================
``model.num_classes``         the training set's class count
                              (``metainfo['classes']``; 1 when unlabeled)
``data_channels``             1 when every training image is single-channel
                              (Pillow modes ``L``, ``I;16``...), else 3;
                              :func:`set_image_channels` then sets every
                              ``LoadMedicalImage``, the networks' image
                              channels and the metrics' image shape
============================  ===========================================

A config may also name its channels (``--cfg-options data_channels=1``:
a grey set trained single-channel; :func:`apply_data_channels`).
"""
import copy
from typing import Dict

from mmengine.config import Config

from .config_switches import unwrap_discriminator

__all__ = ['AUTO', 'AUTO_KEYS', 'apply_data_channels', 'auto_keys',
           'fill_from_checkpoint_meta', 'fill_from_data', 'set_image_channels']

AUTO = 'auto'
AUTO_KEYS = ('model.num_classes', 'data_channels')


def _root(cfg):
    return cfg._cfg_dict if isinstance(cfg, Config) else cfg


def _get(cfg: Config, key: str):
    node = _root(cfg)
    for part in key.split('.'):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(cfg: Config, key: str, value) -> None:
    *path, last = key.split('.')
    node = _root(cfg)
    for part in path:
        node = node[part]
    node[last] = value


def auto_keys(cfg: Config) -> list:
    """The keys of the table above that ``cfg`` leaves ``'auto'``."""
    return [k for k in AUTO_KEYS if _get(cfg, k) == AUTO]


def _pipelines(cfg: Config):
    for split in ('train', 'val', 'test'):
        loader = _get(cfg, f'{split}_dataloader')
        if isinstance(loader, dict) and isinstance(loader.get('dataset'),
                                                   dict):
            yield loader['dataset'].get('pipeline') or []


def _walk(steps):
    for step in steps:
        if isinstance(step, dict):
            yield step
            yield from _walk(step.get('transforms') or [])


def set_image_channels(cfg: Config, channels: int) -> None:
    """Make a config's images ``channels``-channel (in place): every
    ``LoadMedicalImage``, the generator's output and the discriminator's
    input (SkrGAN: the renderer's; PGGAN: mmskr's ``SketchPGGANGenerator``,
    mmagic's generator being RGB only), and the metrics' ``image_shape``.

    Raises:
        ValueError: ``channels`` is not 1 or 3, or the model is not one of
            SkrGAN, PGGAN, DCGAN, WGAN, ACGAN and WGAN-GP.
    """
    if channels not in (1, 3):
        raise ValueError(f'image channels must be 1 or 3, got {channels!r}')
    root = _root(cfg)
    root['data_channels'] = channels
    for pipeline in _pipelines(cfg):
        for step in _walk(pipeline):
            if step.get('type') == 'LoadMedicalImage':
                step['channels'] = channels
    model = root['model']
    if model['type'] == 'SkrGAN':
        render = model['renderer']
        render['generator']['out_channels'] = channels
        unwrap_discriminator(render['discriminator'])['in_channels'] = (
            render['generator']['in_channels'] + channels)
    else:
        _set_gan_channels(model, channels)
    _set_metric_channels(root, channels)


def _set_gan_channels(model: dict, channels: int) -> None:
    """A baseline's generator output and discriminator input channels."""
    disc = unwrap_discriminator(model['discriminator'])
    if model['generator']['type'] == 'PGGANGenerator' or \
            model['type'] in ('ProgressiveGrowingGAN', 'FullResolutionPGGAN'):
        if channels != 3 or model['generator']['type'] != 'PGGANGenerator':
            model['generator'].update(type='SketchPGGANGenerator',
                                      out_channels=channels)
        disc['in_channels'] = channels
    elif 'output_scale' in model['generator']:  # DCGAN, WGAN, ACGAN
        model['generator']['out_channels'] = channels
        disc['in_channels'] = channels
    elif model['generator']['type'] == 'ScalableWGANGPGenerator':
        model['generator']['out_channels'] = channels
        disc['in_channel'] = channels
    else:
        raise ValueError(f'do not know the image channels of a '
                         f'{model["type"]} model')


def _set_metric_channels(root: dict, channels: int) -> None:
    for split in ('val', 'test'):
        evaluator = root.get(f'{split}_evaluator')
        for metric in (evaluator or {}).get('metrics') or []:
            if 'image_shape' in metric:
                metric['image_shape'] = (channels, ) + tuple(
                    metric['image_shape'][1:])


def apply_data_channels(cfg: Config) -> None:
    """Give a config that names its images' channels (an int
    ``data_channels``, e.g. ``--cfg-options data_channels=1``) those
    channels everywhere (:func:`set_image_channels`, in place); nothing
    when it is ``'auto'`` or absent. Idempotent."""
    channels = _get(cfg, 'data_channels')
    if isinstance(channels, int) and not isinstance(channels, bool):
        set_image_channels(cfg, channels)


def _apply(cfg: Config, key: str, value) -> None:
    if key == 'data_channels':
        set_image_channels(cfg, value)
    else:
        _set(cfg, key, value)


def fill_from_data(cfg: Config) -> Dict[str, object]:
    """Fill the ``'auto'`` values of ``cfg`` (in place) from its training
    set, which is built (file list and checks, no pipeline) to read them.

    Returns:
        dict: ``{key: value}`` of what was filled ({} when nothing was
        ``'auto'``, without touching the data; a named ``data_channels`` is
        applied, :func:`apply_data_channels`).

    Raises:
        FileNotFoundError, ValueError, BadImageError: the training set
        cannot be built (as :class:`~mmskr.datasets.MedicalImageDataset`
        says).
    """
    keys = auto_keys(cfg)
    if not keys:
        apply_data_channels(cfg)
        return {}
    from mmagic.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    from mmskr.datasets.folder_summary import summarize_images
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    # facts only: training itself checks the count against the batch
    dataset_cfg.update(pipeline=[], min_images=1)
    dataset = DATASETS.build(dataset_cfg)
    values = {}
    if 'model.num_classes' in keys:
        classes = dataset.metainfo.get('classes')
        values['model.num_classes'] = len(classes) if classes else 1
    if 'data_channels' in keys:
        paths = [dataset.get_data_info(i)[f'{dataset.key}_path']
                 for i in range(len(dataset))]
        values['data_channels'] = summarize_images(
            paths, max_pixels=dataset.max_pixels)['channels']
    for key in keys:
        _apply(cfg, key, values[key])
    return values


def fill_from_checkpoint_meta(cfg: Config, meta: dict) -> Dict[str, object]:
    """Fill the ``'auto'`` values of ``cfg`` (in place) from the config a
    checkpoint was trained with (mmengine stores it as ``meta['cfg']``).

    Returns:
        dict: ``{key: value}`` of what was filled.

    Raises:
        ValueError: the checkpoint has no config, or it leaves a value
            ``'auto'`` too.
    """
    keys = auto_keys(cfg)
    if not keys:
        return {}
    text = (meta or {}).get('cfg')
    if not text:
        raise ValueError(
            f'the config leaves {keys} to the data, and the checkpoint '
            'carries no config to read them from: pass the config the run '
            'wrote into its work dir')
    trained = Config.fromstring(text, '.py')
    filled = {}
    for key in keys:
        value = _get(trained, key)
        if value is None or value == AUTO:
            raise ValueError(f'the checkpoint\'s config has no value for '
                             f'{key} either')
        _apply(cfg, key, value)
        filled[key] = value
    return filled
