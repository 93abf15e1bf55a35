"""Named budgets of the Table 2 experiment (``benchmarks/vessel_seg.py``).

A preset fixes everything both arms share: the working resolution, the
U-Net, the batch, the learning rate schedule, the iteration counts of the
pretraining and the fine-tuning, the seeds, and the SkrGAN config whose
samples are used. The arms differ only in whether (and on which synthetic
pairs) the U-Net is pretrained before the same fine-tuning.
"""
from dataclasses import dataclass, replace
from typing import Dict, Optional, Tuple

from experiments.runner import ExperimentPreset, by_name

__all__ = ['ARMS', 'ARM_NAMES', 'PRESETS', 'PRETRAINED', 'SegPreset']

#: ``plain``: fine-tuning only, without augmentation; ``none``: fine-tuning
#: only, with the classic augmentation (the field's baseline); ``real``:
#: pretrained on the real training images labelled with their sketch drafts
#: (the control: what any GAN trained on those images could add at most);
#: ``skrgan``: pretrained on SkrGAN's (image, sketch) pairs; ``other``:
#: pretrained on images of another GAN labelled with their sketch drafts.
#: Every pretrained arm is fine-tuned like ``none``.
ARMS: Tuple[str, ...] = ('plain', 'none', 'real', 'skrgan', 'other')
#: Arms that pretrain before fine-tuning.
PRETRAINED: Tuple[str, ...] = ('real', 'skrgan', 'other')
ARM_NAMES: Dict[str, str] = {
    'plain': 'none, without augmentation',
    'none': 'none (classic augmentation only)',
    'real': 'the real training images + their sketch drafts',
    'skrgan': 'SkrGAN images + their sketches',
    'other': '{name} images + sketch drafts',
}


@dataclass(frozen=True)
class SegPreset(ExperimentPreset):
    """One budget of the vessel segmentation experiment.

    Args:
        name (str): Preset name.
        size (int, optional): Working resolution S: DRIVE photographs
            (565x584) and synthetic images are resized to S x S. None: each
            image at its own resolution (the native protocol): training on
            ``crop_size`` patches centred inside the FOV, inference over
            whole images in ``window`` px crops
            (:func:`~mmskr.models.editors.vessel_seg.sliding_window.
            sliding_window_logits`), metrics on the images' own grid.
        skrgan_config (str): SkrGAN config, relative to the repository
            root, whose checkpoint ``--skrgan`` is.
        other_config (str): Config of the GAN of the ``other`` arm.
        base_channels (int): U-Net width of the first level.
        num_levels (int): U-Net downsamplings.
        batch_size (int): Pairs per iteration (both stages).
        pretrain_iters (int): Iterations on the synthetic pairs.
        finetune_iters (int): Iterations on the 20 DRIVE training images
            (every arm).
        lr (float): Adam learning rate at the start of each stage; cosine
            decay to ``lr / 100`` over the stage.
        crop_size (int, optional): Train on random square patches of this
            side; None trains on whole S x S images.
        num_synthetic (int): Synthetic pairs (the paper: 2000).
        seeds (tuple[int]): Training seeds (U-Net initialisation, batch
            order, augmentation); the same for every arm.
        rim_erode (int): Erosion (pixels at S) of the FOV estimated on a
            synthetic image, removing the sketch's FOV rim from its label.
        window (int, optional): Inference crop side of the native protocol
            (a multiple of ``2 ** num_levels``; its margin is the U-Net's
            receptive radius, so the map equals a whole-image pass).
        description (str): One line for ``--help`` and the table.
    """
    size: Optional[int]
    skrgan_config: str
    other_config: str
    base_channels: int
    num_levels: int
    batch_size: int
    pretrain_iters: int
    finetune_iters: int
    lr: float
    crop_size: Optional[int]
    num_synthetic: int
    seeds: Tuple[int, ...]
    rim_erode: int
    window: Optional[int] = None

    @property
    def native(self) -> bool:
        """Images at their own resolution (``size`` None)."""
        return self.size is None


_SMOKE = SegPreset(
    'smoke',
    size=64,
    skrgan_config='configs/skrgan/skrgan_cpu_fundus.py',
    other_config='configs/pggan/pggan_cpu_fundus.py',
    base_channels=4,
    num_levels=2,
    batch_size=2,
    pretrain_iters=2,
    finetune_iters=2,
    lr=1e-3,
    crop_size=32,
    num_synthetic=4,
    seeds=(0, ),
    rim_erode=2,
    description='plumbing in seconds: 64 px, a 2-level U-Net of '
    'width 4, 2 + 2 iterations of 32 px patches, 4 synthetic pairs')

PRESETS: Dict[str, SegPreset] = by_name(
    _SMOKE,
    SegPreset(
        'cpu',
        size=64,
        skrgan_config='configs/skrgan/skrgan_cpu_fundus.py',
        other_config='configs/pggan/pggan_cpu_fundus.py',
        base_channels=8,
        num_levels=3,
        batch_size=8,
        pretrain_iters=1500,
        finetune_iters=800,
        lr=1e-3,
        crop_size=None,
        num_synthetic=2000,
        seeds=(0, 1, 2),
        rim_erode=2,
        description='2-core CPU, a scaled-down protocol: whole images '
        'at 64 px (the CPU SkrGAN\'s resolution), 3-level U-Net of width '
        '8, batch 8, 1500 pretraining + 800 fine-tuning iterations, '
        '2000 synthetic pairs, seeds 0-2'),
    SegPreset(
        'gpu',
        size=512,
        skrgan_config='configs/skrgan/skrgan_fundus.py',
        other_config='configs/pggan/pggan_fundus.py',
        base_channels=32,
        num_levels=4,
        batch_size=16,
        pretrain_iters=10000,
        finetune_iters=4000,
        lr=1e-3,
        crop_size=128,
        num_synthetic=2000,
        seeds=(0, 1, 2, 3, 4),
        rim_erode=12,
        description='one GPU, closer to the paper: 512 px (the paper '
        'SkrGAN\'s resolution), 4-level U-Net of width 32, 128 px '
        'patches of batch 16, 10000 pretraining + 4000 fine-tuning '
        'iterations, 2000 synthetic pairs, seeds 0-4'),
    replace(
        _SMOKE,
        name='native_smoke',
        size=None,
        window=96,
        description='the native protocol\'s plumbing in seconds: images '
        'at their own resolution, 32 px patches in the FOV, a 2-level '
        'U-Net of width 4, 2 iterations, 96 px inference windows'),
    SegPreset(
        'native_cpu',
        size=None,
        # 128 px GANs (3000 iterations, the last 1000 at 128 px): their
        # pairs are enlarged 4.4x to DRIVE's short side
        skrgan_config='configs/skrgan/skrgan_cpu_fundus_128px.py',
        other_config='configs/pggan/pggan_cpu_fundus_128px.py',
        base_channels=16,
        num_levels=3,
        batch_size=16,
        pretrain_iters=2000,
        # chosen on a validation split of the training images
        # (benchmarks/results/table2_native_cpu/README.md): validation AUC
        # 0.950 / 0.962 / 0.966 at 1000 / 2000 / 4000 iterations
        finetune_iters=4000,
        lr=1e-3,
        crop_size=64,
        num_synthetic=2000,
        seeds=(0, 1, 2),
        rim_erode=12,  # at DRIVE's scale, as the gpu preset's 512 px
        window=256,
        description='2-core CPU at DRIVE\'s own 565x584 grid: 64 px '
        'patches centred in the FOV, batch 16, 3-level U-Net of width 16, '
        '4000 fine-tuning iterations, sliding-window inference (256 px '
        'windows), seeds 0-2'))

