"""Item 5: a NaN/Inf loss stops training with the iteration and the loss
names and keeps the last good checkpoint; a generator that collapses to a
constant image is flagged in the logs by the sample-diversity check."""
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmagic.structures import DataSample
from mmengine.config import Config
from mmengine.hooks import Hook
from reliability_utils import (CONFIG, REPO, assert_finite_state, checkpoints,
                               log_text, tiny_argv, train_in_process)
from training_runs import last_meta, scalars

from mmskr.apis import load_real_images
from mmskr.engine.hooks import SampleDiversityHook, sample_diversity
from mmskr.evaluation.functional.ms_ssim import ms_ssim_diversity
from mmskr.engine.runner_utils import find_resumable_checkpoint
from mmskr.models import NonFiniteLossError, check_finite


def _unet(runner) -> torch.nn.Module:
    return runner.model.renderer.generators['image']


class Diverge(Hook):
    """Before iteration ``at`` (1-based), fill G_P's first conv with
    ``value``: the weights blow up as in a diverging run."""
    priority = 'HIGHEST'

    def __init__(self, at: int, value: float):
        self.at, self.value = at, value

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.at:
            conv = next(m for m in _unet(runner).modules()
                        if isinstance(m, torch.nn.Conv2d))
            conv.weight.data.fill_(self.value)


class Collapse(Hook):
    """From iteration ``at`` on, zero G_P's output layer after the update:
    every noise vector then renders the same image, tanh(bias)."""
    priority = 'HIGHEST'

    def __init__(self, at: int):
        self.at = at

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.iter + 1 >= self.at:
            last = [m for m in _unet(runner).modules()
                    if isinstance(m, torch.nn.ConvTranspose2d)][-1]
            last.weight.data.zero_()


class ModeProbe(Hook):
    """Records whether every module's train/eval mode is the same once the
    LOW-priority hooks of an iteration have run as before them."""

    def __init__(self):
        self.modes, self.unchanged = None, []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        self.modes = [m.training for m in runner.model.modules()]

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.after_train(runner)

    def after_train(self, runner):
        if self.modes is not None:
            self.unchanged.append(
                [m.training for m in runner.model.modules()] == self.modes)
            self.modes = None


@pytest.fixture
def data_env(fake_data_root, monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_loss_stops_and_keeps_last_good_checkpoint(
        value, data_env, tmp_path):
    work = str(tmp_path / 'work')
    with pytest.raises(NonFiniteLossError) as info:
        train_in_process(tiny_argv(work, 5), [Diverge(at=3, value=value)])
    message = str(info.value)
    assert 'non-finite loss at iteration 3' in message
    names = re.findall(r'(loss_\w+)=(nan|inf|-inf)', message)
    assert names and {'loss_gan_g', 'loss_pixel'} & {n for n, _ in names}
    assert checkpoints(work) == [1, 2]  # iteration 3 saved nothing
    good = find_resumable_checkpoint(work)
    assert good == osp.join(work, 'iter_2.pth')
    assert assert_finite_state(good)['meta']['iter'] == 2
    train_in_process(tiny_argv(work, 5) + ['--resume'])  # it goes on
    assert last_meta(work)['iter'] == 5


def test_check_finite_names_every_bad_loss():
    logs = dict(loss_gen=torch.tensor(float('inf')), loss_disc=0.5,
                loss_gp=float('nan'), shown=torch.ones(3))
    with pytest.raises(NonFiniteLossError,
                       match=r'iteration 10 \(loss_gen=inf, loss_gp=nan\)'):
        check_finite(logs, 'SkrGAN', iteration=9)
    check_finite(dict(loss_gen=torch.tensor(1.0)), 'SkrGAN', iteration=9)


def test_collapsed_generator_is_flagged(data_env, tmp_path):
    """The configured SampleDiversityHook (custom_hooks.1) every iteration;
    G_P collapses from iteration 2 on. Thresholds below the untrained
    model's values (pixel_std ~0.2, MS-SSIM ~0.9994) so iteration 1 passes
    (the comparison with the noise images of the fake data root off).
    """
    work = str(tmp_path / 'work')
    probe = ModeProbe()
    train_in_process(
        tiny_argv(work, 3, 'custom_hooks.1.interval=1',
                  'custom_hooks.1.min_pixel_std=0.01',
                  'custom_hooks.1.max_ms_ssim=0.99999',
                  'custom_hooks.1.min_diversity_vs_real=None'),
        [Collapse(at=2), probe])
    log = log_text(work)
    assert 'iteration 1: sample diversity pixel_std' in log
    for it in (2, 3):
        assert re.search(rf'WARNING - iteration {it}: the generator may have '
                         'collapsed', log), log[-3000:]
    assert 'iteration 1: the generator may' not in log
    rows = {r['step']: r for r in scalars(work)
            if 'sample_diversity/pixel_std' in r}
    assert sorted(rows) == [1, 2, 3]
    assert rows[1]['sample_diversity/pixel_std'] > 0.01
    for it in (2, 3):
        assert rows[it]['sample_diversity/pixel_std'] == 0.0
        assert rows[it]['sample_diversity/ms_ssim'] == pytest.approx(1.0)
    assert probe.unchanged == [True, True, True]  # modes restored


def test_partial_collapse_is_flagged_against_the_training_images(
        data_env, tmp_path):
    """min_diversity_vs_real: the hook measures the training images once
    (all 8 lung CT images of the fake data root: fewer than num_real) and
    flags samples keeping less than that share of their diversity. The
    untrained G_P draws near-identical images (MS-SSIM ~0.9994), so 0.99
    flags them through the real images alone (max_ms_ssim off)."""
    work = str(tmp_path / 'work')
    train_in_process(
        tiny_argv(work, 1, 'custom_hooks.1.interval=1',
                  'custom_hooks.1.min_pixel_std=0.0',
                  'custom_hooks.1.max_ms_ssim=None',
                  'custom_hooks.1.min_diversity_vs_real=0.99'))
    real = load_real_images(
        CONFIG, split='train',
        cfg_options={'train_dataloader.dataset.min_images': 2})
    assert len(real) == 8
    expected = ms_ssim_diversity(real, seed=0)
    log = log_text(work)
    found = re.search(r"training images' ms_ssim is ([\d.]+) \(8 images\); "
                      r'samples above ([\d.]+) are flagged', log)
    assert found, log[-3000:]
    assert float(found[1]) == pytest.approx(expected, abs=1e-3)
    assert float(found[2]) == pytest.approx(1 - 0.99 * (1 - expected),
                                            abs=1e-3)
    assert re.search(r'WARNING - iteration 1: the generator may have '
                     r"collapsed: .*training images: ms_ssim", log)


def test_reading_the_real_images_leaves_the_rngs(data_env, mmagic_scope):
    """The training images go through the train pipeline, here with a
    random flip: the numpy, Python and torch draws of training stay."""
    import random
    from mmagic.registry import DATASETS
    cfg = Config.fromfile(CONFIG).train_dataloader.dataset
    cfg.min_images = 2
    cfg.pipeline.insert(-1, dict(type='Flip', keys=['gt'], flip_ratio=0.5))
    dataset = DATASETS.build(cfg)
    np.random.seed(3), random.seed(3), torch.manual_seed(3)
    expected = np.random.rand(), random.random(), torch.rand(1)
    np.random.seed(3), random.seed(3), torch.manual_seed(3)
    hook = SampleDiversityHook(num_real=4)
    real = hook.measure_real(dataset)
    assert (np.random.rand(), random.random(), torch.rand(1)) == expected
    assert 0 <= real == hook.real_ms_ssim < 1


def test_real_diversity_threshold_on_stub_models():
    hook = SampleDiversityHook(num_samples=8, max_ms_ssim=None,
                               min_diversity_vs_real=1 / 3)
    assert hook.ms_ssim_limit() is None  # real images not measured yet
    hook.real_ms_ssim = 0.4  # limit 1 - (1 - 0.4) / 3 = 0.8
    assert hook.ms_ssim_limit() == pytest.approx(0.8)
    assert hook.collapsed(dict(pixel_std=10.0, ms_ssim=0.81))
    assert not hook.collapsed(dict(pixel_std=10.0, ms_ssim=0.79))
    hook.max_ms_ssim = 0.7  # the lower threshold wins
    assert hook.ms_ssim_limit() == pytest.approx(0.7)
    with pytest.raises(ValueError, match='num_real >= 2'):
        SampleDiversityHook(num_real=1)


def test_diversity_check_does_not_change_training(data_env, tmp_path):
    states = []
    for name, hooks in (('with', [dict(type='SampleDiversityHook',
                                       interval=1, num_samples=4,
                                       min_diversity_vs_real=0.5)]),
                        ('without', [])):
        runner = train_in_process(
            tiny_argv(str(tmp_path / name), 3), custom_hooks=hooks)
        states.append(runner.model.state_dict())
    assert states[0].keys() == states[1].keys()
    for key, value in states[0].items():
        assert torch.equal(value, states[1][key]), key


class _StubGAN(torch.nn.Module):
    """A tiny conditional-style generator: image = f(noise), plus a label
    drawn from the global RNG (as mmagic's conditional GANs do)."""

    noise_size = 8

    def __init__(self, collapsed: bool):
        super().__init__()
        self.net = torch.nn.Linear(8, 3 * 16 * 16)
        if collapsed:
            torch.nn.init.zeros_(self.net.weight)

    def forward(self, inputs):
        torch.randint(0, 10, (len(inputs['noise']), ))  # labels
        images = torch.tanh(self.net(inputs['noise'])).view(-1, 3, 16, 16)
        return [DataSample(fake_img=(x + 1) * 127.5) for x in images]


def test_diversity_statistic_and_hook_on_stub_models():
    const = np.full((6, 3, 16, 16), 77, np.uint8)
    stats = sample_diversity(const)
    assert stats['pixel_std'] == 0.0
    assert stats['ms_ssim'] == pytest.approx(1.0)
    noise = np.random.default_rng(0).integers(0, 256, (6, 3, 16, 16))
    stats = sample_diversity(noise)
    assert stats['pixel_std'] > 50 and stats['ms_ssim'] < 0.2
    with pytest.raises(ValueError, match='N >= 2'):
        sample_diversity(const[:1])

    hook = SampleDiversityHook(interval=1, num_samples=8)
    for collapsed in (False, True):
        model = _StubGAN(collapsed).train()
        rng = torch.get_rng_state()
        stats = hook.measure(model)
        assert torch.equal(rng, torch.get_rng_state())  # RNG untouched
        assert model.training
        assert hook.collapsed(stats) == collapsed, stats
    with pytest.raises(ValueError, match='num_samples >= 2'):
        SampleDiversityHook(num_samples=1)


def test_configs_carry_the_diversity_check():
    for path in (CONFIG, osp.join(REPO, 'configs/skrgan/skrgan_lungct.py')):
        hooks = Config.fromfile(path).custom_hooks
        assert [h.type for h in hooks] == [
            'SkrGANSampleHook', 'SampleDiversityHook',
            'RendererCalibrationHook'
        ]
        assert hooks[1].min_diversity_vs_real == pytest.approx(1 / 3)
