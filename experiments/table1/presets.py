"""Named budgets of the Table 1 harness (``benchmarks/compare.py``).

A preset fixes everything a comparison holds constant: which config of each
method is trained (the ``cpu`` and ``paper`` configs share the modality's
data pipeline, resolution, channels, batch 16 and iteration budget through
``configs/_base_/settings/``), how many iterations, and the evaluation
protocol (number of generated images, seeds, real images, metric settings).
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from experiments.runner import ExperimentPreset, by_name

# The Runner's own validation would run at the last iteration whatever
# val_interval says (mmengine validates at max_iters); the harness evaluates
# with its own protocol afterwards, so training runs without a val loop.
NO_VAL = {
    'val_dataloader': None,
    'val_cfg': None,
    'val_evaluator': None,
}
# the cpu presets' loader: one worker per job (two jobs share 2 cores)
CPU_OPTIONS = {
    'train_dataloader.num_workers': 1,
    'train_dataloader.persistent_workers': False,
    **NO_VAL,
}

__all__ = [
    'FOLDER_SIZES', 'METHODS', 'MODALITIES', 'PRESETS', 'Preset',
    'check_folder_name', 'config_file', 'config_path', 'modality_name',
    'parse_methods', 'parse_only', 'parse_seeds', 'table_modalities'
]

# Table 1 column order (the paper's, plus WGAN-GP beside WGAN)
METHODS: Tuple[str, ...] = ('skrgan', 'dcgan', 'acgan', 'wgan', 'wgangp',
                            'pggan')
METHOD_NAMES: Dict[str, str] = {
    'skrgan': 'SkrGAN',
    'dcgan': 'DCGAN',
    'acgan': 'ACGAN',
    'wgan': 'WGAN',
    'wgangp': 'WGAN-GP',
    'pggan': 'PGGAN'
}
# Table 1 row order
MODALITIES: Tuple[str, ...] = ('fundus', 'chestxray', 'lungct', 'brainmri')
MODALITY_NAMES: Dict[str, str] = {
    'fundus': 'Color Fundus',
    'chestxray': 'Chest X-ray',
    'lungct': 'Lung CT',
    'brainmri': 'Brain MRI'
}


@dataclass(frozen=True)
class Preset(ExperimentPreset):
    """One budget and evaluation protocol.

    Args:
        name (str): Preset name.
        config_kind (str): ``'cpu'`` (``{method}_cpu_{modality}.py``, 64 px)
            or ``'paper'`` (``{method}_{modality}.py``, 512 px).
        max_iters (int | None): Training iterations of batch 16; None keeps
            the config's (the settings base's budget).
        num_fake (int): Generated images per cell (paper: 100).
        max_real (int | None): Real images per modality (first ones in data
            set order); None uses all.
        first_seed (int): Image k uses seed ``first_seed + k``.
        train_seeds (tuple[int]): Each cell is trained once per seed
            (``randomness.seed``); tables show mean +- sd over them.
        reference_splits (int): Seeded random splits of the real set that
            give the ``real`` reference (mean +- sd).
        frd (bool): Compute FRD v1 (2D) (about 0.2 s per image on a CPU);
            False shows it as n/a with that reason.
        cfg_options (dict): Extra ``--cfg-options`` for training.
        overrides (dict): The user's ``compare.py --cfg-options``: config
            values for training, evaluation and the real images alike
            (``data_channels``, a fixed ``window``, ``diff_augment``).
        train_args (tuple[str]): Extra ``tools/train.py`` flags, the same
            for every method (the cpu preset's ``--channels-last``: issue
            25's measured CPU speed-up).
        description (str): One line for ``--help`` and the protocol header.
    """
    config_kind: str
    max_iters: int = None
    num_fake: int = 100
    max_real: int = None
    first_seed: int = 0
    train_seeds: Tuple[int, ...] = (0, 1, 2)
    reference_splits: int = 5
    frd: bool = True
    cfg_options: Dict[str, object] = field(default_factory=dict)
    train_args: Tuple[str, ...] = ()
    overrides: Dict[str, object] = field(default_factory=dict)


PRESETS: Dict[str, Preset] = by_name(
    Preset(
        'smoke',
        'cpu',
        max_iters=4,
        num_fake=16,
        max_real=32,
        train_seeds=(0, ),
        reference_splits=2,
        frd=False,
        cfg_options={
            'train_dataloader.batch_size': 4,
            'train_dataloader.num_workers': 0,
            'train_dataloader.persistent_workers': False,
            'train_dataloader.dataset.min_images': 4,
            **NO_VAL,
            'default_hooks.checkpoint.interval': 4,
            'default_hooks.logger.interval': 1,
        },
        train_args=('--channels-last', ),
        description='every cell in seconds: 4 iterations of batch 4 at '
        '64 px, 16 generated vs 32 real images, channels_last (plumbing, not '
        'quality)'),
    Preset(
        'cpu',
        'cpu',
        num_fake=100,
        cfg_options=CPU_OPTIONS,
        train_args=('--channels-last', ),
        description='2-core CPU budget: 64 px, narrow networks, 2000 '
        'iterations of batch 16 (32 kimg), DiffAugment in every '
        'discriminator, 100 generated images, training seeds 0-2, '
        'channels_last'),
    Preset(
        'cpu_nchw',
        'cpu',
        num_fake=100,
        cfg_options=CPU_OPTIONS,
        description='the cpu preset without channels_last (fp32 NCHW, '
        'the check that channels_last stays within the seed spread)'),
    Preset(
        'cpu_no_diffaugment',
        'cpu',
        num_fake=100,
        cfg_options=dict(CPU_OPTIONS, diff_augment=None),
        train_args=('--channels-last', ),
        description='the cpu preset without DiffAugment (the CPU configs '
        'have it on in every discriminator): the ablation arm'),
    Preset(
        'paper',
        'paper',
        num_fake=100,
        description="the paper's setting: 512 px, batch 16, PGGAN's "
        'schedule, 100 generated images, training seeds 0-2 (GPUs)'))


# the folder configs' size of each config kind
FOLDER_SIZES: Dict[str, int] = {'cpu': 64, 'paper': 512}


def config_file(method: str, modality: str, kind: str) -> str:
    """Config of ``method`` on ``modality``, relative to the repository
    root: ``kind`` ``'cpu'`` (64 px) or ``'paper'`` (512 px). A modality
    that is not one of :data:`MODALITIES` is a folder of the user's images
    (``compare.py --images DIR --name NAME``): the folder configs."""
    if kind not in ('cpu', 'paper'):
        raise ValueError(f"config kind must be 'cpu' or 'paper', got {kind!r}")
    if modality not in MODALITIES:
        return f'configs/{method}/{method}_folder_{FOLDER_SIZES[kind]}px.py'
    suffix = '_cpu' if kind == 'cpu' else ''
    return f'configs/{method}/{method}{suffix}_{modality}.py'


def config_path(method: str, modality: str, preset: Preset) -> str:
    """Config of a cell, relative to the repository root."""
    return config_file(method, modality, preset.config_kind)


def modality_name(modality: str) -> str:
    """The table's name of a modality (a folder data set: its own name)."""
    return MODALITY_NAMES.get(modality, modality)


def table_modalities(present: Sequence[str]) -> List[str]:
    """Row order: the paper's four when only they are present, else the
    present ones (paper modalities first, then folders in given order)."""
    extra = [m for m in dict.fromkeys(present) if m not in MODALITIES]
    if not extra:
        return list(MODALITIES)
    return [m for m in MODALITIES if m in present] + extra


def check_folder_name(name: str) -> str:
    """A ``--name`` for a folder data set: letters, digits, ``_`` and
    ``-``, not one of the paper modalities' keys.

    Raises:
        ValueError: any other name.
    """
    if not re.fullmatch(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}', name or ''):
        raise ValueError(f'--name {name!r}: use 1-64 letters, digits, _ or '
                         '- (it names the work dirs and the table row)')
    if name in MODALITIES:
        raise ValueError(f'--name {name!r} is a paper modality; choose '
                         'another name for a folder of your own images')
    return name


def parse_methods(only: List[str]) -> List[str]:
    """``['skrgan,dcgan']`` -> those methods in table order (no item: all).

    Raises:
        ValueError: an unknown method.
    """
    items = [x for arg in (only or []) for x in arg.split(',') if x]
    for m in items:
        if m not in METHODS:
            raise ValueError(f'--only {m}: unknown method; with --images '
                             f'choose methods from {", ".join(METHODS)}')
    return [m for m in METHODS if not items or m in items]


def parse_seeds(seeds: Optional[List[int]], preset: Preset) -> List[int]:
    """``--seeds`` or, when None, the preset's training seeds."""
    if seeds is None:
        return list(preset.train_seeds)
    if not seeds or any(s < 0 for s in seeds):
        raise ValueError(f'--seeds must be integers >= 0, got {seeds}')
    return sorted(set(seeds))


def parse_only(only: List[str]) -> List[Tuple[str, str]]:
    """``['skrgan/lungct', 'dcgan', '*/fundus']`` -> the selected cells.

    Each item is ``METHOD/MODALITY``, ``METHOD`` (all modalities) or
    ``*/MODALITY``; items may also be comma-separated. No item selects all
    cells. Cells come in table order.

    Raises:
        ValueError: an unknown method or modality.
    """
    items = [x for arg in (only or []) for x in arg.split(',') if x]
    if not items:
        return [(m, d) for d in MODALITIES for m in METHODS]
    chosen = set()
    for item in items:
        method, _, modality = item.partition('/')
        methods = METHODS if method in ('*', '') else (method, )
        modalities = MODALITIES if modality in ('*', '') else (modality, )
        for m in methods:
            if m not in METHODS:
                raise ValueError(f'--only {item}: unknown method {m!r}; '
                                 f'choose from {", ".join(METHODS)}')
        for d in modalities:
            if d not in MODALITIES:
                raise ValueError(f'--only {item}: unknown modality {d!r}; '
                                 f'choose from {", ".join(MODALITIES)}')
        chosen.update((m, d) for m in methods for d in modalities)
    return [(m, d) for d in MODALITIES for m in METHODS if (m, d) in chosen]
