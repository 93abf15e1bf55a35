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
============================  ===========================================
"""
import copy
from typing import Dict

from mmengine.config import Config

__all__ = ['AUTO', 'auto_keys', 'fill_from_checkpoint_meta',
           'fill_from_data']

AUTO = 'auto'


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
    return [k for k in ('model.num_classes', ) if _get(cfg, k) == AUTO]


def fill_from_data(cfg: Config) -> Dict[str, object]:
    """Fill the ``'auto'`` values of ``cfg`` (in place) from its training
    set, which is built (file list and checks, no pipeline) to read them.

    Returns:
        dict: ``{key: value}`` of what was filled ({} when nothing was
        ``'auto'``, without touching the data).

    Raises:
        FileNotFoundError, ValueError, BadImageError: the training set
        cannot be built (as :class:`~mmskr.datasets.MedicalImageDataset`
        says).
    """
    keys = auto_keys(cfg)
    if not keys:
        return {}
    from mmagic.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg['pipeline'] = []
    dataset = DATASETS.build(dataset_cfg)
    classes = dataset.metainfo.get('classes')
    values = {'model.num_classes': len(classes) if classes else 1}
    for key in keys:
        _set(cfg, key, values[key])
    return {k: values[k] for k in keys}


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
        _set(cfg, key, value)
        filled[key] = value
    return filled
