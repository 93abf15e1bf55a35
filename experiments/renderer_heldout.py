"""Does SkrGAN's renderer G_P generalise? The held-out protocol of issue 26.

A seeded half A of a config's training images trains G_P/D_P alone
(``SketchRenderer``, through ``tools/train.py``); G_P then renders the
sketch drafts of A (seen) and of the other half B (held out), scored
against the real images of the same half with Table 1's SWD (PGGAN
protocol, x1e3) and FRD. The real floor is SWD/FRD between A's and B's real
images. A renderer that memorised its pairs scores far better on A than on
B; one that learned a rendering rule scores about the same.
"""
import copy
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config

from mmskr.apis import init_model, load_config, load_real_images
from mmskr.evaluation.functional import compute_frd, pggan_swd

__all__ = ['ARMS', 'real_pairs', 'renderer_config', 'split_halves',
           'train_renderer', 'score_renderer']

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
METRIC_SEED = 0
#: pair_augment of each arm (SketchRenderer; pair_augment.py)
ARMS: Dict[str, Optional[dict]] = {
    'none': None,
    'augment': dict(gamma=1.5, blur=1., dropout=0.1, degrees=5., scale=0.05,
                    translate=0.03),
}


def real_pairs(skrgan_config: str, data_root: str) -> Dict[str, np.ndarray]:
    """The config's training images and their sketch drafts through its
    train pipeline, in data set order: ``images`` (N, C, H, W) and
    ``sketches`` (N, 1, H, W), uint8."""
    return {
        name: load_real_images(skrgan_config, split='train', key=key,
                               data_root=data_root)
        for name, key in (('images', 'gt_img'), ('sketches', 'gt_sketch'))
    }


def split_halves(num: int, seed: int = 0) -> Dict[str, List[int]]:
    """``{'train': A, 'heldout': B}``: a seeded permutation of ``range(num)``
    cut in two (A the larger half when ``num`` is odd), each sorted."""
    order = np.random.default_rng(seed).permutation(num)
    cut = (num + 1) // 2
    return dict(train=sorted(order[:cut].tolist()),
                heldout=sorted(order[cut:].tolist()))


def renderer_config(skrgan_config: str, indices: Sequence[int],
                    data_root: str,
                    pair_augment: Optional[dict] = None) -> Config:
    """The SkrGAN config's render module as a model of its own, trained on
    the images ``indices`` of its training set (under ``data_root``):
    SkrGAN's U-Net, PatchGAN, losses and optimisers; no validation and no
    SkrGAN hooks."""
    cfg = copy.deepcopy(load_config(skrgan_config, data_root))
    render = cfg.model.renderer
    render.pair_augment = pair_augment
    # SkrGAN's preprocessor: it also normalises the sketches
    render.data_preprocessor = cfg.model.data_preprocessor
    cfg.model = render
    cfg.optim_wrapper = dict(cfg.optim_wrapper.render,
                             constructor='MultiOptimWrapperConstructor')
    cfg.train_dataloader.dataset.indices = list(indices)
    cfg.custom_hooks = []
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    return cfg


def train_renderer(cfg: Config, work_dir: str, data_root: str, seed: int,
                   iters: int, cfg_options: Sequence[str] = ()) -> str:
    """Train (or resume) the renderer config in ``work_dir`` with
    ``tools/train.py``; returns the final checkpoint path.

    Raises:
        RuntimeError: training failed (the log's last line).
    """
    os.makedirs(work_dir, exist_ok=True)
    final = osp.join(work_dir, f'iter_{iters}.pth')
    if osp.isfile(final):
        return final
    config = osp.join(work_dir, 'renderer.py')
    cfg.dump(config)
    cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
           '--work-dir', work_dir, '--data-root', data_root, '--resume',
           '--cfg-options', f'train_cfg.max_iters={iters}',
           f'randomness.seed={seed}',
           f'default_hooks.checkpoint.interval={min(500, iters)}'
           ] + list(cfg_options)
    with open(osp.join(work_dir, 'train.log'), 'a') as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT,
                              cwd=REPO)
    if proc.returncode != 0 or not osp.isfile(final):
        with open(osp.join(work_dir, 'train.log')) as f:
            last = (f.read().strip().splitlines() or ['no output'])[-1]
        raise RuntimeError(f'renderer training failed: {last}')
    return final


def _scores(real: np.ndarray, fake: np.ndarray, frd: bool) -> dict:
    out = dict(swd=pggan_swd(real, fake, seed=METRIC_SEED))
    if frd:
        result = compute_frd(real, fake)
        out.update(frd=result.value, frd_note=result.message or None)
    return out


def score_renderer(checkpoint: str, work_dir: str,
                   pairs: Dict[str, np.ndarray], halves: Dict[str, List[int]],
                   frd: bool = True) -> dict:
    """G_P's renders of each half's drafts against that half's images, and
    the real floor (A's images against B's).

    Args:
        checkpoint (str): The trained renderer.
        work_dir (str): Its work dir (the ``renderer.py`` it trained with).
        pairs (dict): :func:`real_pairs`.
        halves (dict): :func:`split_halves` of ``len(pairs['images'])``.
        frd (bool): Also FRD.

    Returns:
        dict: ``train`` and ``heldout`` (``swd`` per level and ``avg``,
        ``frd``), ``real_floor`` (the same between the halves' images).
    """
    images, sketches = pairs['images'], pairs['sketches']
    model = init_model(osp.join(work_dir, 'renderer.py'), checkpoint)
    result = {}
    for half, idx in halves.items():
        y = torch.from_numpy(sketches[idx]).float() / 127.5 - 1
        with torch.no_grad():
            x = model.render(y)
        fake = ((x.clamp(-1, 1) + 1) * 127.5).round().byte().numpy()
        result[half] = _scores(images[idx], fake, frd)
    result['real_floor'] = _scores(images[halves['train']],
                                   images[halves['heldout']], frd)
    return result
