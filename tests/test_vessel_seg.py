"""Table 2 (vessel segmentation): metrics, FOV handling, data, end to end."""
import json
import os
import os.path as osp
import sys
from unittest import mock

import cv2
import numpy as np
import pytest
import torch
from PIL import Image
from training_runs import load_cli

import mmskr  # noqa: F401  (registers mmagic workarounds first)
from experiments.table2.harness import stage_config, train_stage
from experiments.table2.presets import PRESETS
from mmskr.apis import pairs_from_samples, synthetic_pairs
from mmskr.apis.synthetic_pairs import draft_at_scale
from mmskr.datasets import (estimate_fov, load_pairs, load_vessel_pairs,
                            save_pairs, sketch_to_label)
from mmskr.datasets.transforms import (PackVesselInputs, RandomIntensity,
                                       RandomPairedCrop, adjust_intensity)
from mmskr.evaluation.functional import vessel_metrics
from mmskr.models import masked_bce, masked_dice

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(REPO, 'benchmarks'))
SKRGAN_CPU = osp.join(REPO, 'configs/skrgan/skrgan_cpu_fundus.py')

# 2x3 example: the pixel at (1, 2) lies outside the FOV.
PROBS = np.array([[0.9, 0.2, 0.6], [0.4, 0.8, 0.1]])
LABELS = np.array([[1, 0, 0], [1, 1, 1]])
FOV = np.array([[1, 1, 1], [1, 1, 0]])


def test_metrics_match_hand_computed_values():
    # inside the FOV: (p, y) = (.9,1) (.2,0) (.6,0) (.4,1) (.8,1); at 0.5:
    # TP 2 (.9, .8), FN 1 (.4), FP 1 (.6), TN 1 (.2); the ROC ranks 5 of
    # the 6 (vessel, background) pairs correctly (.4 < .6 is the miss)
    m = vessel_metrics(PROBS, LABELS, FOV)
    assert m['sen'] == pytest.approx(2 / 3)
    assert m['acc'] == pytest.approx(3 / 5)
    assert m['auc'] == pytest.approx(5 / 6)
    assert m['spe'] == pytest.approx(1 / 2)
    assert m['f1'] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert (m['fov_pixels'], m['vessel_pixels']) == (5, 3)
    # all six pixels: the outside one is a missed vessel (p .1, y 1)
    m = vessel_metrics(PROBS, LABELS, np.ones_like(FOV))
    assert (m['sen'], m['acc']) == (pytest.approx(2 / 4), pytest.approx(3 / 6))
    assert m['auc'] == pytest.approx(5 / 8)


def test_fov_mask_excludes_outside_pixels():
    ref = vessel_metrics(PROBS, LABELS, FOV)
    for value, label in ((0.0, 0), (1.0, 1), (0.99, 0)):
        probs, labels = PROBS.copy(), LABELS.copy()
        probs[1, 2], labels[1, 2] = value, label
        assert vessel_metrics(probs, labels, FOV) == ref


def test_metrics_pool_images_of_any_size_and_check_inputs():
    whole = vessel_metrics(PROBS, LABELS, FOV)
    split = vessel_metrics([PROBS[:, :2], PROBS[:, 2:]],
                           [LABELS[:, :2], LABELS[:, 2:]],
                           [FOV[:, :2], FOV[:, 2:]])
    assert split == pytest.approx(whole)
    assert vessel_metrics(np.full((1, 2), 0.5), np.array([[1, 0]]),
                          np.ones((1, 2)))['sen'] == 1.0  # >= threshold
    with pytest.raises(ValueError, match='same shape'):
        vessel_metrics(PROBS, LABELS[:, :2], FOV)
    with pytest.raises(ValueError, match='binary'):
        vessel_metrics(PROBS, LABELS * 255, FOV)
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        vessel_metrics(PROBS * 2, LABELS, FOV)
    with pytest.raises(ValueError, match='both classes'):
        vessel_metrics(PROBS, np.zeros_like(LABELS), FOV)


def test_losses_ignore_pixels_outside_the_mask():
    target = torch.tensor([[[[1., 0.], [0., 1.]]]])
    mask = torch.tensor([[[[1., 1.], [1., 0.]]]])
    logits = torch.zeros(1, 1, 2, 2)
    assert float(masked_bce(logits, target, mask)) == pytest.approx(
        np.log(2))
    # Dice at p = 0.5: 1 - (2 * 0.5 + 1) / (1.5 + 1 + 1)
    assert float(masked_dice(logits, target, mask)) == pytest.approx(
        1 - 2 / 3.5)
    other = logits.clone()
    other[..., 1, 1] = -50.0  # confidently wrong, but outside the mask
    assert float(masked_bce(other, target, mask)) == pytest.approx(np.log(2))
    assert float(masked_dice(other, target, mask)) == pytest.approx(
        1 - 2 / 3.5)


def test_transforms_keep_image_and_labels_aligned():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
    vessel = (img[..., :1] > 128).astype(np.uint8)
    np.random.seed(0)
    out = RandomPairedCrop(16)(dict(img=img, vessel=vessel,
                                    fov=np.ones_like(vessel)))
    left, top, w, h = out['crop_bbox']
    assert out['img'].shape == (16, 16, 3) and (w, h) == (16, 16)
    np.testing.assert_array_equal(out['img'], img[top:top + 16,
                                                  left:left + 16])
    np.testing.assert_array_equal(out['vessel'][..., 0],
                                  (out['img'][..., 0] > 128))
    np.testing.assert_array_equal(adjust_intensity(img), img)
    same = RandomIntensity(brightness=0, contrast=0, gamma=0)(dict(img=img))
    np.testing.assert_array_equal(same['img'], img)
    assert adjust_intensity(img, brightness=1.5).mean() > img.mean()
    packed = PackVesselInputs()(out)
    assert packed['inputs'].shape == (3, 16, 16)
    assert -1 <= float(packed['inputs'].min()) < float(
        packed['inputs'].max()) <= 1
    assert set(packed['data_samples']) == {'gt_vessel', 'fov'}
    assert packed['data_samples']['gt_vessel'].shape == (1, 16, 16)
    with pytest.raises(ValueError, match='crop_size'):
        RandomPairedCrop(0)


def test_patches_are_centred_inside_the_fov():
    """With ``centre_key='fov'`` every patch's centre pixel is a FOV pixel
    (a disc on a black border); the patch lies inside the image; a mask
    without room for a patch is a clear error."""
    h, w, size = 60, 70, 16
    fov = np.zeros((h, w), np.uint8)
    cv2.circle(fov, (50, 40), 12, 1, -1)  # off-centre, near the border
    img = np.dstack([fov * 200] * 3).astype(np.uint8)
    crop = RandomPairedCrop(size, keys=('img', 'fov'), centre_key='fov')
    np.random.seed(0)
    centres = set()
    for k in range(200):
        # the data set's masks carry a channel axis (HxWx1)
        out = crop(dict(img=img, fov=fov[..., None] if k % 2 else fov))
        left, top, _, _ = out['crop_bbox']
        assert 0 <= top <= h - size and 0 <= left <= w - size
        assert fov[top + size // 2, left + size // 2] == 1
        assert out['fov'][size // 2, size // 2].item() == 1
        centres.add((top, left))
    assert len(centres) > 50  # spread over the disc, not one place
    edge = np.zeros((h, w), np.uint8)
    edge[:3, :3] = 1  # only where no 16 px patch can be centred
    with pytest.raises(ValueError, match='no pixel where a 16 px patch'):
        crop(dict(img=img, fov=edge))


def _fundus(rng, h: int, w: int):
    """A fake fundus photograph: orange disc, dark vessel lines, black
    border. Returns (RGB image, vessel label 0/255, FOV mask 0/255)."""
    fov = np.zeros((h, w), np.uint8)
    cv2.circle(fov, (w // 2, h // 2), min(h, w) // 2 - 3, 255, -1)
    vessel = np.zeros((h, w), np.uint8)
    for _ in range(5):
        p = rng.integers(0, min(h, w), 4)
        cv2.line(vessel, (int(p[0]), int(p[1])), (int(p[2]), int(p[3])),
                 255, 3)
    vessel &= fov
    img = np.zeros((h, w, 3), np.uint8)
    img[fov > 0] = (200, 110, 60)
    img[vessel > 0] = (120, 50, 30)
    return img, vessel, fov


@pytest.fixture(scope='module')
def fake_drive(tmp_path_factory) -> str:
    """DRIVE layout with 2 training and 2 test images of 76x80 px."""
    root = tmp_path_factory.mktemp('DRIVE')
    rng = np.random.default_rng(0)
    for split, ids in (('training', (21, 22)), ('test', (1, 2))):
        for sub in ('images', '1st_manual', 'mask'):
            os.makedirs(root / split / sub)
        for i in ids:
            img, vessel, fov = _fundus(rng, 76, 80)
            cv2.imwrite(str(root / split / 'images' / f'{i:02d}_{split}.tif'),
                        img[..., ::-1])
            Image.fromarray(vessel).save(
                root / split / '1st_manual' / f'{i:02d}_manual1.gif')
            Image.fromarray(fov).save(
                root / split / 'mask' / f'{i:02d}_{split}_mask.gif')
    return str(root)


def test_drive_pairs_are_resized_binary_triples(fake_drive, tmp_path):
    pairs = load_vessel_pairs(fake_drive, 'test', 64)
    assert pairs['img'].shape == (2, 64, 64, 3)
    assert pairs['vessel'].shape == pairs['fov'].shape == (2, 64, 64)
    assert set(np.unique(pairs['vessel'])) == {0, 1}
    assert not (pairs['vessel'] & (1 - pairs['fov'])).any()
    assert list(pairs['sample_id']) == ['01', '02']
    save_pairs(str(tmp_path / 'p.npz'), pairs, dict(source='test'))
    back, meta = load_pairs(str(tmp_path / 'p.npz'))
    assert meta == dict(source='test')
    np.testing.assert_array_equal(back['img'], pairs['img'])


def test_sketch_label_drops_the_fov_rim():
    img, vessel, fov = _fundus(np.random.default_rng(1), 64, 64)
    # an edge sketch: the vessels plus the FOV rim
    rim = cv2.morphologyEx(fov, cv2.MORPH_GRADIENT, np.ones((3, 3)))
    sketch = np.maximum(vessel, rim)
    est = estimate_fov(img, erode=2)
    label = sketch_to_label(sketch, est)
    assert set(np.unique(label)) == {0, 1}
    assert not (label & (rim > 0)).any()
    inner = cv2.erode(fov, np.ones((7, 7), np.uint8)) > 0
    np.testing.assert_array_equal(label[inner], vessel[inner] > 0)
    draft = draft_at_scale(img)  # drawn at 512 px, averaged back to 64
    assert draft.shape == (64, 64) and draft.dtype == np.uint8
    near = cv2.dilate(vessel, np.ones((5, 5), np.uint8)) > 0  # edges
    assert draft[inner & near].mean() > 10 * draft[inner & ~near].mean()
    pairs = pairs_from_samples(img.transpose(2, 0, 1)[None],
                               sketch[None, None], 32)
    assert pairs['img'].shape == (1, 32, 32, 3)
    assert pairs['vessel'].shape == pairs['fov'].shape == (1, 32, 32)


@pytest.fixture(scope='module')
def untrained_skrgan(tmp_path_factory) -> str:
    """An untrained CPU SkrGAN fundus checkpoint (weights only)."""
    from mmskr.apis import init_model
    model = init_model(SKRGAN_CPU, None, seed=0)
    path = str(tmp_path_factory.mktemp('skrgan') / 'untrained.pth')
    torch.save(dict(state_dict=model.state_dict(), meta={}), path)
    return path


def test_synthetic_pairs_are_seeded(untrained_skrgan):
    from mmskr.apis import init_model
    model = init_model(SKRGAN_CPU, untrained_skrgan)
    a = synthetic_pairs(model, [0, 1, 2], 64, batch_size=2)
    b = synthetic_pairs(model, [2], 64)
    assert a['img'].shape == (3, 64, 64, 3)
    assert a['vessel'].shape == (3, 64, 64)
    assert list(a['sample_id']) == ['0', '1', '2']
    np.testing.assert_array_equal(a['img'][2], b['img'][0])
    np.testing.assert_array_equal(a['vessel'][2], b['vessel'][0])
    assert not (a['vessel'] & (1 - a['fov'])).any()
    drafts = synthetic_pairs(model, [0], 64, label_source='sketch_draft')
    np.testing.assert_array_equal(drafts['img'][0], a['img'][0])
    with pytest.raises(ValueError, match='label_source'):
        synthetic_pairs(model, [0], 64, label_source='edges')


def test_a_stage_is_reproducible_from_its_seed(fake_drive, tmp_path):
    from experiments.table2.harness import drive_file
    preset = PRESETS['smoke']
    pairs = drive_file(str(tmp_path / 'data'), fake_drive, 'training', 64)

    def train(name: str) -> dict:
        cfg = stage_config(preset, pairs, str(tmp_path / name / 'finetune'),
                           seed=3, iters=2)
        return train_stage(cfg, name)

    weights = []
    for name in ('a', 'b'):
        out = train(name)
        assert out['reused'] is False and osp.isfile(out['checkpoint'])
        weights.append(torch.load(out['checkpoint'],
                                  weights_only=False)['state_dict'])
    for key, value in weights[0].items():
        assert torch.equal(value, weights[1][key]), key
    assert train('a')['reused'] is True
    stamp = osp.getmtime(pairs) + 10  # the pairs were drawn again
    os.utime(pairs, (stamp, stamp))
    assert train('a')['reused'] is False


class _Interrupt(Exception):
    """Stands for a kill between two checkpoints."""


def test_an_interrupted_stage_resumes_exactly(fake_drive, tmp_path):
    """A stage killed after its iteration-4 checkpoint resumes there on
    the next call and ends with the weights of an uninterrupted run."""
    from mmengine.hooks import Hook
    from experiments.table2.harness import drive_file
    preset = PRESETS['smoke']
    pairs = drive_file(str(tmp_path / 'data'), fake_drive, 'training', 64)

    class KillAfter(Hook):
        priority = 'LOWEST'  # after CheckpointHook

        def after_train_iter(self, runner, batch_idx, data_batch=None,
                             outputs=None):
            if runner.iter == 4 and kill:  # the 5th iteration
                kill.pop()
                raise _Interrupt

    def cfg(name: str) -> dict:
        return stage_config(preset, pairs, str(tmp_path / name), seed=3,
                            iters=8)

    straight = train_stage(cfg('straight'), 'straight')
    kill, broken = [True], cfg('broken')
    with mock.patch('mmengine.runner.Runner.register_hooks',
                    _with_hook(KillAfter())):
        with pytest.raises(_Interrupt):
            train_stage(broken, 'broken')
    # the checkpoints every 2 iterations: iteration 4's is the newest
    assert _checkpoints(tmp_path / 'broken') == ['iter_4.pth']
    resumed = train_stage(broken, 'broken')
    assert resumed['resumed_from'] == 4 and straight['resumed_from'] == 0
    assert _checkpoints(tmp_path / 'broken') == ['iter_8.pth']
    a, b = (torch.load(out['checkpoint'], weights_only=False)['state_dict']
            for out in (straight, resumed))
    for key, value in a.items():
        assert torch.equal(value, b[key]), key
    assert resumed['loss'] == pytest.approx(straight['loss'])
    # another config never resumes a checkpoint it did not write
    other = cfg('broken')
    other['train_cfg']['max_iters'] = 4
    assert train_stage(other, 'other')['resumed_from'] == 0


def _checkpoints(work_dir) -> list:
    return sorted(f for f in os.listdir(work_dir) if f.endswith('.pth'))


def _with_hook(hook):
    """``Runner.register_hooks`` that adds ``hook`` as well."""
    from mmengine.runner import Runner
    original = Runner.register_hooks

    def register(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.register_hook(hook)
    return register


def test_vessel_metric_in_the_runner_val_loop(fake_drive, tmp_path):
    """VesselMetric, named in a config, scores the model as the harness's
    own evaluation does (pooled FOV pixels of the whole set)."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    from experiments.table2.harness import drive_file, predict
    preset = PRESETS['smoke']
    pairs = drive_file(str(tmp_path / 'data'), fake_drive, 'test', 64)
    cfg = stage_config(preset, pairs, str(tmp_path / 'w'), seed=0, iters=2)
    cfg.update(
        val_dataloader=dict(
            batch_size=3, num_workers=0, collate_fn=dict(
                type='default_collate'),
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(type='VesselPairDataset', pairs_file=pairs,
                         pipeline=[dict(type='PackVesselInputs')])),
        val_cfg=dict(type='ValLoop'),
        val_evaluator=dict(type='VesselMetric'))
    runner = Runner.from_cfg(Config(cfg))
    got = runner.val()
    assert set(got) == {'vessel/sen', 'vessel/acc', 'vessel/auc',
                        'vessel/spe', 'vessel/f1'}
    test, _ = load_pairs(pairs)
    probs = predict(runner.model, test['img'])
    want = vessel_metrics(probs, test['vessel'], test['fov'])
    for k in ('sen', 'acc', 'auc', 'spe', 'f1'):
        assert got[f'vessel/{k}'] == pytest.approx(want[k], abs=1e-6), k


def test_vessel_metric_rejects_batches_without_labels():
    from mmskr.evaluation.metrics import VesselMetric
    with pytest.raises(ValueError, match='threshold'):
        VesselMetric(threshold=1.5)
    with pytest.raises(KeyError, match='PackVesselInputs'):
        VesselMetric().process(dict(data_samples=dict(fov=None)),
                               [torch.zeros(1, 4, 4)])


def test_vessel_seg_runs_end_to_end_and_reuses(fake_drive, untrained_skrgan,
                                               tmp_path, capsys):
    import vessel_seg
    work, results = tmp_path / 'work', tmp_path / 'results'
    argv = [
        '--preset', 'smoke', '--drive', fake_drive, '--skrgan',
        untrained_skrgan, '--other-gan', untrained_skrgan, '--other-config',
        SKRGAN_CPU, '--work-dir', str(work), '--results-dir', str(results)
    ]
    assert vessel_seg.main(argv) == 0
    out = capsys.readouterr().out
    assert 'Table 2' in out and '0.8464' in out and '0.9705' in out
    with open(results / 'results.jsonl') as f:
        rows = [json.loads(line) for line in f]
    assert [(r['arm'], r['seed']) for r in rows] == [('none', 0),
                                                     ('skrgan', 0),
                                                     ('other', 0)]
    for row in rows:
        for grid in ('metrics', 'metrics_work'):
            assert set(row[grid]) >= {'sen', 'acc', 'auc'}
            assert all(0 <= row[grid][k] <= 1 for k in ('sen', 'acc', 'auc'))
        # 2 test images of 76x80 px, FOV pixels only
        assert 0 < row['metrics']['fov_pixels'] < 2 * 76 * 80
        assert row['iters']['finetune'] == 2
    assert rows[0]['iters']['pretrain'] == 0 and rows[0]['source'] is None
    assert rows[1]['source']['label_source'] == 'model'
    assert rows[2]['source']['label_source'] == 'sketch_draft'
    seed_dir = work / 'smoke' / 'skrgan' / 'seed0'
    stage = json.loads((seed_dir / 'finetune' / 'stage.json').read_text())
    assert stage['key']['load_from'] == str(seed_dir / 'pretrain' /
                                            'iter_2.pth')
    assert (results / 'pairs.png').is_file()
    table = (results / 'table.md').read_text()
    assert '| none' in table and 'reported' in table
    ckpt = seed_dir / 'finetune' / 'iter_2.pth'
    stamp = ckpt.stat().st_mtime
    # a second run reuses every stage and evaluation: no new rows
    assert vessel_seg.main(argv) == 0
    assert ckpt.stat().st_mtime == stamp
    with open(results / 'results.jsonl') as f:
        assert len(f.readlines()) == 3
    capsys.readouterr()
    assert vessel_seg.main(['--leaderboard', '--results-dir',
                            str(results)]) == 0
    assert 'SkrGAN images + their sketches' in capsys.readouterr().out


def test_native_protocol_trains_on_fov_patches_and_scores_whole_images(
        fake_drive, tmp_path, capsys):
    """``--preset native_smoke``: the images at their own 76x80 px, patches
    in the FOV, whole-image sliding-window maps scored on the FOV pixels of
    the original labels; the pretraining arms are refused for now."""
    import vessel_seg
    from experiments.table2 import harness
    from experiments.table2.presets import PRESETS
    from mmskr.datasets import load_pairs
    work, results = tmp_path / 'work', tmp_path / 'results'
    argv = ['--preset', 'native_smoke', '--drive', fake_drive, '--work-dir',
            str(work), '--results-dir', str(results)]
    assert vessel_seg.main(argv) == 0  # arms plain, none, real
    rows = [json.loads(x) for x in open(results / 'results.jsonl')]
    assert [r['arm'] for r in rows] == ['plain', 'none', 'real']
    assert all('metrics_work' not in r for r in rows)
    assert [r['iters']['pretrain'] for r in rows] == [0, 0, 2]
    assert rows[2]['source']['labels'] == 'sketch_draft'
    stage = json.loads((work / 'native_smoke' / 'plain' / 'seed0' /
                        'finetune' / 'stage.json').read_text())
    steps = stage['key']['train_dataloader']['dataset']['pipeline']
    assert [s['type'] for s in steps] == ['RandomPairedCrop',
                                          'PackVesselInputs']
    assert steps[0]['centre_key'] == 'fov'
    real, _ = load_pairs(str(work / 'native_smoke' / 'data' /
                             'real_drafts_native.npz'))
    assert real['img'].shape == (2, 76, 80, 3) and real['vessel'].any()
    m = rows[1]['metrics']
    assert set(m) >= {'sen', 'spe', 'acc', 'auc', 'f1'}
    test, _ = load_pairs(str(work / 'native_smoke' / 'data' /
                             'drive_test_native.npz'))
    assert test['img'].shape == (2, 76, 80, 3)
    assert m['fov_pixels'] == int(test['fov'].sum())
    # the stitched maps are those of one whole-image pass
    from mmengine.runner import load_checkpoint

    from mmagic.registry import MODELS
    from mmskr.datasets.transforms import image_to_input
    from mmskr.models.editors.vessel_seg.sliding_window import \
        pad_to_multiple
    preset = PRESETS['native_smoke']
    model = MODELS.build(harness.model_config(preset)).eval()
    load_checkpoint(model, str(work / 'native_smoke' / 'none' / 'seed0' /
                               'finetune' / 'iter_2.pth'), logger='silent')
    maps = harness.predict_native(model, test['img'], preset)
    with torch.no_grad():
        x = pad_to_multiple(image_to_input(test['img'][0])[None], 4)
        whole = torch.sigmoid(model(x))[0, 0, :76, :80].numpy()
    np.testing.assert_allclose(maps[0], whole, atol=1e-5)
    assert 'Table 2' in capsys.readouterr().out


def test_native_synthetic_pairs_are_enlarged_to_the_photographs_scale(
        fake_drive, untrained_skrgan, tmp_path):
    """At native resolution a 64 px GAN's pairs are enlarged to the
    fine-tuning images' short side (76 px here), and the row says so."""
    import vessel_seg
    from mmskr.datasets import load_pairs
    work, results = tmp_path / 'work', tmp_path / 'results'
    assert vessel_seg.main([
        '--preset', 'native_smoke', '--drive', fake_drive, '--work-dir',
        str(work), '--results-dir', str(results), '--arms', 'skrgan',
        '--skrgan', untrained_skrgan]) == 0
    row = json.loads(open(results / 'results.jsonl').readline())
    assert row['arm'] == 'skrgan' and row['source']['pair_size'] == 76
    pairs, meta = load_pairs(str(work / 'native_smoke' / 'data' /
                                 'skrgan_4_76.npz'))
    assert pairs['img'].shape == (4, 76, 76, 3) and meta['size'] == 76
    assert row['source']['gan_size'] == 64
    assert '| 4 at 76 px, drawn at 64 px |' in \
        (results / 'table.md').read_text()


def test_pairs_text_names_count_size_and_the_gans_own_size():
    """The table's "pretraining pairs" column, for each kind of arm and for
    rows written before the GAN's size was recorded."""
    from experiments.table2.table import pairs_text
    protocol = dict(size=None)
    assert pairs_text(dict(source=None, protocol=protocol)) == 'none'
    real = dict(drive='D', labels='sketch_draft', size=None)
    assert pairs_text(dict(source=real, protocol=protocol)) == \
        'the real training images, at their own size'
    assert pairs_text(dict(source=dict(real, size=64), protocol=protocol)) \
        == 'the real training images, at 64 px'
    gan = dict(num_pairs=2000, gan_size=128, pair_size=565)
    assert pairs_text(dict(source=gan, protocol=protocol)) == \
        '2000 at 565 px, drawn at 128 px'
    assert pairs_text(dict(source=dict(num_pairs=2000),
                           protocol=dict(size=64))) == '2000 at 64 px'


@pytest.mark.parametrize('arm', ['skrgan', 'other'])
def test_native_cpu_gans_are_128px_and_sample_at_that_size(arm):
    """The native protocol's GANs (SkrGAN and the ``other`` arm's PGGAN)
    are the CPU 64 px models with a 128 px stage: the schedule ends at
    128 px exactly at the last iteration, that stage keeps the 64 px stage's
    halved learning rate, and they sample 128 px images (and sketches)."""
    from mmengine.config import Config

    from mmskr.apis import generate_images, init_model
    config = osp.join(REPO, getattr(PRESETS['native_cpu'], f'{arm}_config'))
    cfg = Config.fromfile(config)
    gan = cfg.model.get('sketch_gan', cfg.model)
    kimgs = gan.nkimgs_per_scale
    assert max(map(int, kimgs)) == 128 == gan.generator.out_scale
    batch = cfg.train_dataloader.batch_size
    assert sum(kimgs.values()) * 1000 == cfg.train_cfg.max_iters * batch
    optim = cfg.optim_wrapper.get('sketch', cfg.optim_wrapper)
    for net in ('generator', 'discriminator'):
        assert optim.lr_schedule[net]['128'] == optim.lr_schedule[net]['64']
    model = init_model(config)
    out = generate_images(model, [0])
    assert out['fake_img'].shape == (1, 3, 128, 128)
    if arm == 'skrgan':
        assert out['fake_sketch'].shape == (1, 1, 128, 128)


def test_finetune_length_is_chosen_on_held_out_training_images(
        fake_drive, tmp_path, capsys):
    """The validation split is seeded and disjoint from the fitted images;
    each length trains its own run on the rest; the test images are never
    read."""
    from experiments.table2.finetune_length import (choose_length,
                                                    split_indices)
    fit, val = split_indices(20, 5, 0)
    assert len(val) == 5 and not set(fit) & set(val)
    assert sorted(fit + val) == list(range(20))
    assert split_indices(20, 5, 0) == (fit, val)
    with pytest.raises(ValueError, match='0 < num_val < 2'):
        split_indices(2, 2, 0)
    rows = [dict(length=L, train_wall_s=1.0,
                 metrics=dict(sen=.5, spe=.5, acc=.5, auc=a, f1=.5))
            for L, a in ((10, .8), (20, .9), (20, .7), (40, .85))]
    chosen = choose_length(rows)  # mean AUC .85 > .8 = .8
    assert (chosen['options'], chosen['length']) == ('-', 40)
    rows.append(dict(rows[0], options=dict(base_channels=32),
                     metrics=dict(rows[0]['metrics'], auc=.86)))
    chosen = choose_length(rows)  # a variant is a candidate of its own
    assert (chosen['options'], chosen['length']) == ('base_channels=32', 10)
    assert chosen['table'][('-', 10)]['auc'] == .8
    import shutil
    drive = tmp_path / 'DRIVE'
    shutil.copytree(fake_drive, drive)
    shutil.rmtree(drive / 'test')  # never needed
    length = load_cli('benchmarks/vessel_seg_length.py')
    results = tmp_path / 'results'
    argv = ['--preset', 'native_smoke', '--drive', str(drive), '--lengths',
            '1', '2', '--val', '1', '--work-dir', str(tmp_path / 'work'),
            '--results-dir', str(results)]
    assert length.main(argv) == 0
    rows = [json.loads(x) for x in open(results / 'finetune_length.jsonl')]
    assert [(r['length'], r['seed']) for r in rows] == [(1, 0), (2, 0)]
    assert all(len(r['split']['val']) == 1 for r in rows)
    assert 'highest mean validation AUC' in capsys.readouterr().out
    assert length.main(argv) == 0  # reused: no new rows
    assert len(open(results / 'finetune_length.jsonl').readlines()) == 2
    # a variant: its own runs and rows, beside the preset's
    assert length.main(argv[:4] + ['--preset-options', 'base_channels=2'] +
                       argv[4:]) == 0
    rows = [json.loads(x) for x in open(results / 'finetune_length.jsonl')]
    assert [r.get('options') for r in rows] == [{}, {}, dict(base_channels=2),
                                               dict(base_channels=2)]
    assert (tmp_path / 'work' / 'native_smoke' / 'finetune_length' /
            'base_channels=2').is_dir()
    assert '| base_channels=2  |' in capsys.readouterr().out
    assert length.main(argv + ['--preset-options', 'width=2']) == 2
    assert 'KEY one of size, skrgan_config' in capsys.readouterr().err


def test_preset_options_set_fields_by_type():
    """``with_options``: literals for every field type, a clear error for an
    unknown field, a malformed item or a value of another type."""
    from experiments.runner import changed_fields, with_options
    base = PRESETS['native_cpu']
    p = with_options(base, ['base_channels=32', 'lr=1', 'crop_size=None',
                            'seeds=(0, 1)'])
    assert changed_fields(p, base) == dict(base_channels=32, lr=1.0,
                                           crop_size=None, seeds=(0, 1))
    assert type(p.lr) is float and p.name == 'native_cpu'
    assert with_options(base, []) == base
    with pytest.raises(ValueError, match="'width=2'.*base_channels"):
        with_options(base, ['width=2'])
    with pytest.raises(ValueError, match='expected KEY=VALUE'):
        with_options(base, ['base_channels'])
    with pytest.raises(ValueError, match='base_channels is a int .*not a str'):
        with_options(base, ['base_channels=wide'])


def test_test_root_scores_another_set_in_the_generic_layout(fake_drive,
                                                           tmp_path, capsys):
    """Fine-tuned on DRIVE, tested on a set in the generic layout without
    FOV masks (estimated); a missing --test-root is a clear error."""
    import vessel_seg
    rng = np.random.default_rng(5)
    other = tmp_path / 'OTHER'
    for sub in ('images', 'labels'):
        os.makedirs(other / 'test' / sub)
    for name in ('im01', 'im02'):
        img, vessel, _ = _fundus(rng, 60, 64)
        cv2.imwrite(str(other / 'test' / 'images' / f'{name}.png'),
                    img[..., ::-1])
        cv2.imwrite(str(other / 'test' / 'labels' / f'{name}.png'), vessel)
    work, results = tmp_path / 'work', tmp_path / 'results'
    argv = ['--preset', 'smoke', '--drive', fake_drive, '--work-dir',
            str(work), '--results-dir', str(results), '--arms', 'none']
    assert vessel_seg.main(argv + ['--test-root', str(tmp_path / 'no')]) == 2
    assert '--test-root' in capsys.readouterr().err
    assert vessel_seg.main(argv + ['--test-root', str(other)]) == 0
    row = json.loads(open(results / 'results.jsonl').readline())
    assert row['protocol']['test_root'] == str(other)
    test, _ = load_pairs(str(work / 'smoke' / 'data' / 'other_test_64.npz'))
    assert list(test['sample_id']) == ['im01', 'im02']
    # scored on the set's own 60x64 grid, inside the estimated FOVs
    assert 0 < row['metrics']['fov_pixels'] < 2 * 60 * 64


def test_training_minutes_leave_out_resumed_seeds():
    """A resumed stage's ``train_wall_s`` covers only its last attempt, so
    the table's minutes average the seeds that ran from iteration 0."""
    from experiments.table2.table import render, summarize

    def row(seed, wall, resumed):
        r = dict(arm='none', seed=seed, source=None,
                 protocol=dict(size=None),
                 iters=dict(pretrain=0, finetune=4000),
                 metrics=dict(sen=0.8, spe=0.97, acc=0.95, auc=0.97),
                 train_wall_s=dict(finetune=wall))
        if resumed is not None:
            r['resumed_from'] = dict(finetune=resumed)
        return r

    results = {('none', 0): row(0, 1800.0, 0),
               ('none', 1): row(1, 2400.0, None),  # written before resuming
               ('none', 2): row(2, 600.0, 2000)}
    s = summarize(results)['none']
    assert s['wall_min'] == pytest.approx(35.0) and s['wall_seeds'] == 2
    assert '| 35.0 (2 of 3 seeds) |' in render(results, 'markdown')
    s = summarize({('none', 2): results[('none', 2)]})['none']
    assert s['wall_min'] is None and s['wall_seeds'] == 0
    assert '| n/a (resumed) ' in render({('none', 2): results[('none', 2)]},
                                        'markdown')
