"""The Table 2 experiment: synthetic pairs as pretraining for a U-Net.

For each arm and seed (``WORK/{preset}/{arm}/seed{seed}/``):

1. ``pretrain/`` (arms ``skrgan`` and ``other``): mmengine's Runner trains
   :class:`~mmskr.models.VesselSegmentor` on the synthetic pairs;
2. ``finetune/`` (every arm): the same Runner schedule on the 20 DRIVE
   training images (first manual annotation), starting from the pretrained
   weights (``load_from``) or from scratch (arm ``none``);
3. evaluation on the 20 DRIVE test images: SEN, ACC, AUC over the FOV
   pixels (:func:`~mmskr.evaluation.functional.vessel_metrics`), at DRIVE's own
   565x584 grid (probabilities resized bilinearly) and at the working
   resolution; the row goes to ``result.json`` and ``results.jsonl``.

Arms share the U-Net, the fine-tuning schedule and the seeds, so a seed
starts every arm from the same initial weights. A finished stage (same
config, same input checkpoint) and a finished evaluation (same protocol and
source) are reused. Data are cached in ``WORK/{preset}/data/`` as ``.npz``
sets of pairs (:mod:`~mmskr.datasets.vessel_data`).
"""
import contextlib
import functools
import glob
import json
import os
import os.path as osp
import re
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch

from experiments.runner import (REPO, Log, leaderboard as _leaderboard,
                                machine, now, read_json, record,
                                reused_row, run_cells, write_json,
                                write_tables)
from mmskr.apis import DRAFT_SIZE, init_model, synthetic_pairs
from mmskr.apis.synthetic_pairs import draft_at_scale, pairs_from_samples
from mmskr.datasets import PAIR_KEYS, load_pairs, read_meta, save_pairs
from mmskr.datasets.transforms import image_to_input
from mmskr.datasets.vessel_data import (estimate_fov, resize_image,
                                        sketch_to_label, stack_padded)
from mmskr.datasets.vessel_folders import (find_vessel_set,
                                           load_vessel_native,
                                           load_vessel_pairs)
from mmskr.engine.runner_utils import (find_resumable_checkpoint,
                                       is_complete_checkpoint)
from mmskr.evaluation.functional import vessel_metrics
from mmskr.models.editors.vessel_seg.sliding_window import (
    sliding_window_logits, unet_receptive_radius)
from mmskr.utils import save_png, tile
from . import table
from .presets import ARM_NAMES, PRETRAINED, SegPreset

__all__ = ['PairSource', 'leaderboard', 'predict', 'run', 'stage_config']

_KEYS = list(PAIR_KEYS)
_ITER_RE = re.compile(r'iter_(\d+)\.pth$')
_log = Log('vessel_seg')


def _repo_path(path: str) -> str:
    """``path`` relative to the repository root when inside it, else
    absolute (the same string whatever the working directory)."""
    path = osp.abspath(path)
    return osp.relpath(path, REPO) if path.startswith(REPO + os.sep) \
        else path


class PairSource:
    """Where an arm's pretraining pairs come from.

    Args:
        arm (str): ``'skrgan'`` or ``'other'``.
        config (str): The GAN's config file.
        checkpoint (str): Its checkpoint.
        label_source (str): ``'model'`` (SkrGAN's sketches) or
            ``'sketch_draft'``.
    """

    def __init__(self, arm: str, config: str, checkpoint: str,
                 label_source: str) -> None:
        for what, path in (('config', config), ('checkpoint', checkpoint)):
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'arm {arm}: no such {what} {osp.abspath(path)!r}')
        self.arm = arm
        self.config = config
        self.checkpoint = checkpoint
        self.label_source = label_source

    @functools.cached_property
    def gan_size(self) -> Optional[int]:
        """The side in pixels of the images the GAN draws
        (:func:`~mmskr.utils.config_check.generator_resolution` of its
        config)."""
        from mmengine.config import Config

        from mmskr.utils.config_check import generator_resolution
        return generator_resolution(Config.fromfile(self.config))

    @property
    def name(self) -> str:
        method = osp.splitext(osp.basename(self.config))[0]
        return ARM_NAMES[self.arm].format(name=method)

    def describe(self, num: int) -> dict:
        """JSON-able identity of the pairs (cache key and result field)."""
        m = _ITER_RE.search(self.checkpoint)
        return dict(
            config=_repo_path(self.config),
            checkpoint=_repo_path(self.checkpoint),
            checkpoint_mtime=osp.getmtime(self.checkpoint),
            checkpoint_iter=int(m.group(1)) if m else None,
            label_source=self.label_source, num_pairs=num, first_seed=0,
            **(dict(draft_size=DRAFT_SIZE)
               if self.label_source == 'sketch_draft' else {}))


class _AppendLog:
    """A stream that appends to a file on every write (never left open,
    so loggers that outlive a stage cannot write to a closed file)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def write(self, text: str) -> int:
        with open(self.path, 'a') as f:
            return f.write(text)

    def flush(self) -> None:
        pass


def _cached_pairs(path: str, meta: dict, make) -> str:
    """``path`` holding the pairs ``make()`` returns, made when its meta
    differs from ``meta``."""
    if read_meta(path) != json.loads(json.dumps(meta, sort_keys=True)):
        t0 = time.time()
        save_pairs(path, make(), meta)
        _log(f'wrote {path} ({time.time() - t0:.1f} s)')
    return path


def drive_file(data_dir: str, drive: str, split: str, size: Optional[int],
               name: str = 'drive') -> str:
    """:func:`~mmskr.datasets.load_vessel_pairs` as a cached pairs file
    ``{name}_{split}_{size|native}.npz``."""
    meta = dict(drive=osp.abspath(drive), split=split, size=size)
    return _cached_pairs(
        osp.join(data_dir, f'{name}_{split}_{size or "native"}.npz'), meta,
        lambda: load_vessel_pairs(drive, split, size))


def synthetic_file(data_dir: str, source: PairSource, preset: SegPreset,
                   num: int, device: str, size: int) -> str:
    """``num`` pairs of ``source`` at ``size`` x ``size`` (the preset's
    size, or at native resolution the fine-tuning images' short side: the
    GAN's images and soft sketches are enlarged bilinearly before the
    threshold), cached."""
    meta = dict(source.describe(num), size=size, rim_erode=preset.rim_erode)

    def make():
        _log(f'{source.arm}: drawing {num} pairs from '
             f'{meta["checkpoint"]}')
        with contextlib.redirect_stdout(sys.stderr):  # mmengine's loader
            model = init_model(source.config, source.checkpoint,
                               device=device)
        return synthetic_pairs(model, range(num), size, source.label_source,
                               rim_erode=preset.rim_erode)

    return _cached_pairs(
        osp.join(data_dir, f'{source.arm}_{num}_{size}.npz'), meta, make)


def real_file(data_dir: str, drive: str, preset: SegPreset) -> str:
    """The training images labelled with their own sketch drafts (arm
    ``real``), cached: what the synthetic arms' labels are, on the real
    images. The draft is drawn at a short side of at least 512 px
    (``draft_at_scale``), kept inside the FOV estimated from the image and
    eroded by ``preset.rim_erode`` (the rim), as for GAN images; at a
    working size S the image and draft are area-resized to S first."""
    meta = dict(drive=osp.abspath(drive), split='training',
                size=preset.size, labels='sketch_draft',
                rim_erode=preset.rim_erode)

    def make():
        data = load_vessel_native(find_vessel_set(drive, 'training'))
        images, drafts = data['img'], [draft_at_scale(i) for i in data['img']]
        if not preset.native:
            return dict(pairs_from_samples(
                np.stack([resize_image(i, preset.size) for i in images]
                         ).transpose(0, 3, 1, 2),
                np.stack([resize_image(d, preset.size) for d in drafts]),
                preset.size, rim_erode=preset.rim_erode),
                sample_id=np.array(data['sample_id']))
        fovs = [estimate_fov(i, erode=preset.rim_erode) for i in images]
        return stack_padded(dict(
            img=images, fov=fovs, sample_id=data['sample_id'],
            vessel=[sketch_to_label(d, f) for d, f in zip(drafts, fovs)]))

    return _cached_pairs(
        osp.join(data_dir, f'real_drafts_{preset.size or "native"}.npz'),
        meta, make)


def train_pipeline(preset: SegPreset, augment: bool = True) -> List[dict]:
    """Random patch (if the preset crops; centred inside the FOV at
    native resolution), then, with ``augment``, the classic augmentation,
    the same for synthetic and real pairs: the 8 flips/rotations by 90
    degrees, brightness/contrast/gamma jitter."""
    centre = dict(centre_key='fov') if preset.native else {}
    crop = ([dict(type='RandomPairedCrop', crop_size=preset.crop_size,
                  **centre)] if preset.crop_size else [])
    if not augment:
        return crop + [dict(type='PackVesselInputs')]
    return crop + [
        dict(type='Flip', keys=_KEYS, direction='horizontal'),
        dict(type='Flip', keys=_KEYS, direction='vertical'),
        dict(type='RandomTransposeHW', keys=_KEYS, transpose_ratio=0.5),
        dict(type='RandomIntensity', key='img'),
        dict(type='PackVesselInputs'),
    ]


def model_config(preset: SegPreset) -> dict:
    return dict(
        type='VesselSegmentor',
        backbone=dict(
            type='VesselUNet',
            base_channels=preset.base_channels,
            num_levels=preset.num_levels))


def stage_config(preset: SegPreset, pairs_file: str, work_dir: str,
                 seed: int, iters: int,
                 load_from: Optional[str] = None,
                 augment: bool = True,
                 indices: Optional[List[int]] = None) -> dict:
    """The Runner config of one training stage (JSON-able); ``augment``:
    see :func:`train_pipeline`; ``indices``: train on these pairs of the
    file only (None: all).

    Adam at ``preset.lr`` with cosine decay to 1% over ``iters``
    iterations of ``preset.batch_size`` pairs; a checkpoint (weights,
    optimiser, scheduler and the random generators' states, for an exact
    resume: :func:`train_stage`) every quarter of ``iters``, the newest
    kept; ``randomness.seed = seed`` fixes the initial weights, batch order
    and augmentation.
    """
    return dict(
        default_scope='mmagic',
        model=model_config(preset),
        work_dir=work_dir,
        experiment_name=(f'{osp.basename(osp.dirname(work_dir))}_'
                         f'{osp.basename(work_dir)}_{time.time_ns()}'),
        train_dataloader=dict(
            batch_size=preset.batch_size,
            num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=True),
            collate_fn=dict(type='default_collate'),
            dataset=dict(
                type='VesselPairDataset',
                pairs_file=pairs_file,
                indices=indices,
                pipeline=train_pipeline(preset, augment))),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=iters),
        optim_wrapper=dict(
            type='OptimWrapper', optimizer=dict(type='Adam', lr=preset.lr)),
        param_scheduler=[
            dict(type='CosineAnnealingLR', by_epoch=False, begin=0,
                 end=iters, T_max=iters, eta_min=preset.lr / 100)
        ],
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=max(1, iters // 20)),
            checkpoint=dict(type='CheckpointHook', by_epoch=False,
                            interval=max(1, iters // 4), max_keep_ckpts=1,
                            save_optimizer=True, save_last=True),
            random_state=dict(type='RandomStateHook')),
        randomness=dict(seed=seed),
        env_cfg=dict(cudnn_benchmark=False, dist_cfg=dict(backend='nccl')),
        log_processor=dict(by_epoch=False),
        log_level='INFO',
        load_from=load_from,
        resume=False)


def train_stage(cfg: dict, name: str) -> dict:
    """Train one stage, or reuse it when its config, its pairs file and
    its input checkpoint are unchanged; the Runner's output goes to
    ``WORK_DIR/train.log``.

    An interrupted stage (same key, recorded in ``stage.json`` before
    training) resumes from its newest complete checkpoint, exactly: the
    Runner replays the data loader and :class:`RandomStateHook` puts the
    random generators back, so the weights equal an uninterrupted run's.

    Returns:
        dict: ``checkpoint``, ``wall_s`` (of the last attempt), ``loss``
        (mean of the last 50 iterations), ``reused``, ``resumed_from``
        (the iteration the last attempt started at; 0: from scratch).
    """
    from mmengine.config import Config
    from mmengine.runner import Runner
    work_dir, iters = cfg['work_dir'], cfg['train_cfg']['max_iters']
    final = osp.join(work_dir, f'iter_{iters}.pth')
    record_file = osp.join(work_dir, 'stage.json')
    load_from = cfg['load_from']
    pairs_file = cfg['train_dataloader']['dataset']['pairs_file']
    key = json.loads(json.dumps(dict(
        cfg, experiment_name=None, pairs_mtime=osp.getmtime(pairs_file),
        load_from_mtime=load_from and osp.getmtime(load_from))))
    saved = read_json(record_file)
    same = bool(saved) and saved['key'] == key
    if same and 'result' in saved and is_complete_checkpoint(final):
        _log(f'{name}: reused ({iters} iterations)')
        return dict(saved['result'], reused=True)
    os.makedirs(work_dir, exist_ok=True)
    resume_from = find_resumable_checkpoint(work_dir) if same else None
    start_iter = int(_ITER_RE.search(resume_from).group(1)) \
        if resume_from else 0
    if resume_from:
        cfg = dict(cfg, load_from=resume_from, resume=True)
        _log(f'{name}: resuming at iteration {start_iter} of {iters}; '
             f'log {work_dir}/train.log')
    else:  # no checkpoint of another config may be resumed later
        for stale in glob.glob(osp.join(work_dir, '*.pth')) + [
                osp.join(work_dir, 'last_checkpoint')]:
            if osp.isfile(stale):
                os.remove(stale)
        write_json(record_file, dict(key=key))
        _log(f'{name}: training {iters} iterations; '
             f'log {work_dir}/train.log')
    start = time.time()
    with contextlib.redirect_stdout(
            _AppendLog(osp.join(work_dir, 'train.log'))):
        runner = Runner.from_cfg(Config(cfg))
        runner.train()
    loss = runner.message_hub.get_scalar('train/loss').mean(50)
    result = dict(checkpoint=final, wall_s=round(time.time() - start, 1),
                  loss=float(loss), resumed_from=start_iter)
    if not is_complete_checkpoint(final):
        raise RuntimeError(f'{name}: training ended without {final}')
    write_json(record_file, dict(key=key, result=result))
    _log(f'{name}: done in {result["wall_s"] / 60:.1f} min, loss '
         f'{result["loss"]:.4f}')
    return dict(result, reused=False)


@torch.no_grad()
def predict_native(model: torch.nn.Module, images: np.ndarray,
                   preset: SegPreset) -> np.ndarray:
    """Vessel probabilities of whole images of any size, window by window
    (``preset.window``; margin: the U-Net's receptive radius rounded up to
    its pooling grid, so the map equals a whole-image pass).

    Args:
        model (nn.Module): A :class:`VesselSegmentor` with a ``VesselUNet``.
        images (np.ndarray): (N, H, W, 3) uint8 RGB.
        preset (SegPreset): ``num_levels`` and ``window``.

    Returns:
        np.ndarray: (N, H, W) float32 in [0, 1].
    """
    align = 2**preset.num_levels
    margin = -(-unet_receptive_radius(preset.num_levels) // align) * align
    device = next(model.parameters()).device
    model.eval()
    out = []
    for im in images:
        x = image_to_input(im)[None].to(device)
        logits = sliding_window_logits(model.backbone, x, preset.window,
                                       margin, align)
        out.append(torch.sigmoid(logits)[0, 0].cpu().numpy())
    return np.stack(out)


@torch.no_grad()
def predict(model: torch.nn.Module, images: np.ndarray,
            batch_size: int = 8) -> np.ndarray:
    """Vessel probabilities of whole images.

    Args:
        model (nn.Module): A :class:`VesselSegmentor`.
        images (np.ndarray): (N, S, S, 3) uint8 RGB.
        batch_size (int): Images per forward pass. Defaults to 8.

    Returns:
        np.ndarray: (N, S, S) float32 in [0, 1].
    """
    device = next(model.parameters()).device
    model.eval()
    out = []
    for i in range(0, len(images), batch_size):
        chunk = images[i:i + batch_size]
        x = torch.stack([image_to_input(im) for im in chunk])
        out.append(model(x.to(device), mode='predict')[:, 0].cpu().numpy())
    return np.concatenate(out)


def evaluate(checkpoint: str, preset: SegPreset, test: Dict[str, np.ndarray],
             native: Dict[str, list], device: str) -> dict:
    """Metrics of a fine-tuned checkpoint on the test pairs.

    Returns:
        dict: ``metrics`` (at DRIVE's own grid: probabilities resized
        bilinearly to each label's size) and ``metrics_work`` (at the
        working resolution, against the resized labels); a native preset
        has only ``metrics`` (its working grid is the images' own).
    """
    from mmengine.runner import load_checkpoint

    from mmagic.registry import MODELS
    model = MODELS.build(model_config(preset))
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True,
                    logger='silent')
    if preset.native:  # the working grid is the images' own
        probs = predict_native(model.to(device), test['img'], preset)
        return dict(metrics=vessel_metrics(probs, test['vessel'],
                                           test['fov']))
    probs = predict(model.to(device), test['img'])
    full = [
        np.clip(cv2.resize(p, v.shape[::-1], interpolation=cv2.INTER_LINEAR),
                0, 1) for p, v in zip(probs, native['vessel'])
    ]
    return dict(
        metrics=vessel_metrics(full, native['vessel'], native['fov']),
        metrics_work=vessel_metrics(probs, test['vessel'], test['fov']))


def protocol_dict(preset: SegPreset, drive: str,
                  test_root: Optional[str] = None) -> dict:
    """Everything every arm shares (reuse key and table header)."""
    p = preset.to_dict()
    for k in ('seeds', 'description', 'skrgan_config', 'other_config',
              'num_synthetic', 'rim_erode'):
        p.pop(k)
    test_root = osp.abspath(test_root or drive)
    return dict(p, drive=osp.abspath(drive), finetune='the training split '
                'of drive (1st manual labels)', test_root=test_root,
                test='the test split of test_root, FOV pixels, threshold 0.5')


def _key(row: dict) -> Tuple[str, int]:
    return row['arm'], row['seed']


def run_arm_seed(preset: SegPreset, arm: str, seed: int, work_root: str,
                 files: Dict[str, str], source: Optional[dict],
                 protocol: dict, evaluate_fn, results_file: str,
                 name: Optional[str] = None) -> dict:
    """Train and evaluate one (arm, seed); record and return its row."""
    seed_dir = osp.join(work_root, preset.name, arm, f'seed{seed}')
    name = name or f'{arm}/seed{seed}'
    stages, load_from = {}, None
    if arm in PRETRAINED:
        cfg = stage_config(preset, files[arm], osp.join(seed_dir, 'pretrain'),
                           seed, preset.pretrain_iters)
        stages['pretrain'] = train_stage(cfg, f'{name} pretrain')
        load_from = stages['pretrain']['checkpoint']
    cfg = stage_config(preset, files['train'], osp.join(seed_dir, 'finetune'),
                       seed, preset.finetune_iters, load_from,
                       augment=arm != 'plain')
    stages['finetune'] = train_stage(cfg, f'{name} finetune')
    ckpt = stages['finetune']['checkpoint']
    result_file = osp.join(seed_dir, 'result.json')
    old = reused_row(result_file, protocol=protocol, source=source,
                     checkpoint_mtime=osp.getmtime(ckpt))
    if old:
        _log(f'{name}: evaluation reused')
        record(result_file, results_file, old, _key)
        return old
    t0 = time.time()
    row = dict(
        preset=preset.name, arm=arm, seed=seed, source=source,
        protocol=protocol, checkpoint=osp.relpath(ckpt, work_root),
        checkpoint_mtime=osp.getmtime(ckpt),
        iters=dict(pretrain=preset.pretrain_iters if arm in PRETRAINED else 0,
                   finetune=preset.finetune_iters),
        train_wall_s={k: v['wall_s'] for k, v in stages.items()},
        resumed_from={k: v.get('resumed_from', 0)
                      for k, v in stages.items()},
        final_loss={k: round(v['loss'], 5) for k, v in stages.items()},
        **evaluate_fn(ckpt))
    row.update(eval_wall_s=round(time.time() - t0, 1), time=now(),
               machine=machine())
    record(result_file, results_file, row, _key)
    m = row['metrics']
    _log(f'{name}: SEN {m["sen"]:.4f} ACC {m["acc"]:.4f} AUC '
         f'{m["auc"]:.4f}')
    return row


def _fit(cell: np.ndarray, max_height: int) -> np.ndarray:
    """``cell`` area-shrunk to at most ``max_height`` rows."""
    h, w = cell.shape[:2]
    if h <= max_height:
        return cell
    return cv2.resize(cell, (round(w * max_height / h), max_height),
                      interpolation=cv2.INTER_AREA)


def _pairs_preview(files: Dict[str, str], path: str, n: int = 4,
                   max_height: int = 192) -> None:
    """One row per pairs file: n (image | label) cells, native-resolution
    cells shrunk to ``max_height`` rows."""
    rows = []
    for key in files:
        pairs, _ = load_pairs(files[key])
        cells = [
            _fit(np.concatenate([img, np.repeat(v[..., None] * 255, 3, -1)],
                                1), max_height)
            for img, v in zip(pairs['img'][:n], pairs['vessel'][:n])
        ]
        rows.append(tile(cells, cols=n))
    width = max(r.shape[1] for r in rows)
    rows = [np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)),
                   constant_values=255) for r in rows]
    save_png(path, np.concatenate(rows, axis=0))


def run(preset: SegPreset,
        drive: str,
        arms: Sequence[str],
        seeds: Sequence[int],
        work_root: str,
        results_dir: str,
        sources: Dict[str, PairSource],
        num_synthetic: int,
        device: str = 'cpu',
        test_root: Optional[str] = None) -> List[str]:
    """Run every (arm, seed) in order; write and print Table 2.

    Args:
        preset (SegPreset): The budget.
        drive (str): The DRIVE folder.
        arms (Sequence[str]): Arms to run, from ``ARMS``.
        seeds (Sequence[int]): Training seeds.
        work_root (str): Runs go to ``work_root/{preset}/{arm}/seed{s}``.
        results_dir (str): ``results.jsonl``, ``table.md``, ``pairs.png``.
        sources (dict): ``arm -> PairSource`` for the pretraining arms.
        num_synthetic (int): Synthetic pairs per pretraining arm.
        device (str): Device for drawing pairs and evaluating (training
            runs where the Runner puts it: the GPU when there is one).
        test_root (str, optional): Test on the test split of this set
            instead of ``drive``'s (cross-data-set evaluation).

    Returns:
        list[str]: Errors of (arm, seed) runs that failed.
    """
    data_dir = osp.join(work_root, preset.name, 'data')
    test_root = test_root or drive
    protocol = protocol_dict(preset, drive, test_root)
    print('Protocol: ' + json.dumps(protocol, sort_keys=True), flush=True)
    files = dict(train=drive_file(data_dir, drive, 'training', preset.size),
                 test=drive_file(
                     data_dir, test_root, 'test', preset.size,
                     'drive' if osp.abspath(test_root) == osp.abspath(drive)
                     else osp.basename(osp.abspath(test_root)).lower()))
    if 'real' in arms:
        files['real'] = real_file(data_dir, drive, preset)
    synthetic = set(arms) & {'skrgan', 'other'}
    pair_size = preset.size
    if synthetic and pair_size is None:  # the fine-tuning images' short side
        pair_size = min(load_pairs(files['train'])[0]['img'].shape[1:3])
    for arm in synthetic:
        files[arm] = synthetic_file(data_dir, sources[arm], preset,
                                    num_synthetic, device, pair_size)
    _pairs_preview({k: v for k, v in files.items() if k != 'test'},
                   osp.join(results_dir, 'pairs.png'))
    test, _ = load_pairs(files['test'])
    native = None if preset.native else load_vessel_native(  # own sizes
        find_vessel_set(test_root, 'test'))
    results_file = osp.join(results_dir, 'results.jsonl')

    def cell(arm: str, seed: int, label: str) -> None:
        source = None
        if arm == 'real':
            source = dict(read_meta(files['real']), name=ARM_NAMES['real'])
        elif arm in sources:
            source = dict(sources[arm].describe(num_synthetic),
                          rim_erode=preset.rim_erode, name=sources[arm].name,
                          gan_size=sources[arm].gan_size, pair_size=pair_size)
        run_arm_seed(
            preset, arm, seed, work_root, files, source, protocol,
            lambda ckpt: evaluate(ckpt, preset, test, native, device),
            results_file, label)

    failed = run_cells(
        [(f'{arm}/seed{seed}',
          lambda label, arm=arm, seed=seed: cell(arm, seed, label))
         for seed in seeds for arm in arms], _log)
    results = table.load_results(results_file)
    write_tables(results_dir, tables(results))
    print(table.render(results, 'text'))
    return failed


def tables(results: dict) -> Dict[str, str]:
    """The files ``results_dir`` holds besides ``results.jsonl``."""
    return {'table.md': table.render(results, 'markdown')}


def leaderboard(results_dir: str) -> int:
    """Print Table 2 from ``results_dir/results.jsonl`` and re-render
    ``table.md``; train nothing."""
    return _leaderboard(results_dir, table.load_results, tables,
                        lambda r: table.render(r, 'text'),
                        'benchmarks/vessel_seg.py')
