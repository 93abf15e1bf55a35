"""SkrGAN end to end: configs train, sample, stop on NaN (kill and resume:
tests/reliability/test_kill_anywhere.py)."""
import glob
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch

from mmskr.datasets.transforms import flat_pipeline
from training_runs import load_cli, scalars, tiny_options

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the modality configs (folder configs: tests/test_folder_images.py; Table
# 2's 128 px fundus SkrGAN: tests/test_vessel_seg.py)
ALL_CONFIGS = sorted(
    c for c in glob.glob(osp.join(REPO, 'configs/skrgan/*.py'))
    if '_folder_' not in c and not c.endswith('_128px.py'))
CPU_CONFIGS = [c for c in ALL_CONFIGS if '_cpu_' in c]

SKETCH_KEYS = {
    'sketch_loss_disc_fake', 'sketch_loss_disc_real', 'sketch_loss_gp',
    'sketch_loss_disc_shift', 'sketch_loss_gen'
}
# image channels: the grey modalities are one (tests/test_grey_configs.py)
def _channels(config: str) -> int:
    return 3 if 'fundus' in osp.basename(config) else 1


RENDER_KEYS = {
    'render_loss_gan_d_fake', 'render_loss_gan_d_real', 'render_loss_gan_g',
    'render_loss_pixel'
}


# one colour and one grey modality (the others differ in data set only)
@pytest.mark.parametrize(
    'config', [c for c in CPU_CONFIGS if 'fundus' in c or 'lungct' in c],
    ids=osp.basename)
def test_cpu_config_trains_logs_and_samples(config, fake_data_root, tmp_path,
                                            monkeypatch):
    """2 iterations per CPU config on generated images, then sampling."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import train
    work = str(tmp_path / 'work')
    cfg = train.build_config(
        train.parse_args([config] + tiny_options(work, 2)))
    train.prepare(cfg)  # DiffAugment etc., as tools/train.py does
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    runner.train()

    rows = [r for r in scalars(work) if 'sketch_loss_gen' in r]
    assert rows, 'no training log rows'
    keys = set(rows[-1])
    assert SKETCH_KEYS <= keys and RENDER_KEYS <= keys
    assert {'shown_nkimg', 'curr_scale', 'transition_weight'} <= keys
    assert all(np.isfinite(rows[-1][k]) for k in SKETCH_KEYS | RENDER_KEYS)
    assert osp.isfile(osp.join(work, 'samples', 'iter_000002.png'))

    model = runner.model
    out = model.sample(torch.randn(3, model.sketch_gan.noise_size))
    assert out['sketch'].shape == (3, 1, 64, 64)
    assert out['image'].shape == (3, _channels(config), 64, 64)
    for t in (out['sketch'], out['image']):
        assert t.min() >= -1 and t.max() <= 1 and torch.isfinite(t).all()
    # mmagic's generative interface: what metrics and vis hooks call
    samples = model.val_step(dict(inputs=dict(num_batches=2)))
    assert len(samples) == 2
    assert samples[0].fake_img.shape == (_channels(config), 64, 64)
    assert samples[0].fake_sketch.shape == (1, 64, 64)
    assert 0 <= samples[0].fake_img.min() and samples[0].fake_img.max() <= 255


@pytest.mark.parametrize('config', ALL_CONFIGS, ids=osp.basename)
def test_every_config_builds(config, fake_data_root, monkeypatch,
                             mmagic_scope):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    from mmagic.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    assert cfg.model.type == 'SkrGAN'
    size = 64 if '_cpu_' in config else 512
    assert cfg.model.sketch_gan.generator.out_scale == size
    assert list(cfg.model.sketch_gan.nkimgs_per_scale)[-1] == str(size)
    assert cfg.train_dataloader.batch_size == 16  # paper
    flat = flat_pipeline(cfg.train_dataloader.dataset.pipeline)
    steps = [t['type'] for t in flat]
    # the sketch is drawn at full resolution, then resized with the image
    assert steps == ['LoadMedicalImage', 'SketchDraft', 'Resize', 'PackInputs']
    assert flat[2].scale == (size, size)
    assert cfg.val_evaluator.metrics[-1].image_shape == (
        _channels(config), size, size)
    assert [m.type for m in cfg.val_evaluator.metrics[:3]] == [
        'PGGANSWD', 'MSSSIMDiversity', 'CleanFID']
    if size == 64:
        model = MODELS.build(cfg.model)
        assert model.out_scale == 64


def test_sample_tool_is_seed_reproducible(fake_data_root, tmp_path,
                                          monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    config = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')
    import mmskr  # noqa: F401
    from mmagic.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    model = MODELS.build(Config.fromfile(config).model)
    ckpt = str(tmp_path / 'model.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    tool = osp.join(REPO, 'tools/sample.py')
    res = subprocess.run(  # the script as users run it
        [sys.executable, tool, config, ckpt, '--num', '4', '--seed', '0',
         '--out', str(tmp_path / 'a')],
        capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert load_cli('tools/sample.py').main([  # in-process: no second start
        config, ckpt, '--num', '1', '--seed', '2', '--out',
        str(tmp_path / 'b')]) == 0
    a = sorted(os.listdir(tmp_path / 'a'))
    assert a == ['grid.png', 'images', 'manifest.csv', 'masks', 'sketches']
    assert sorted(os.listdir(tmp_path / 'a' / 'images')) == [
        f'image_{i:06d}.png' for i in range(4)]
    img = cv2.imread(str(tmp_path / 'a' / 'images' / 'image_000002.png'))
    assert img.shape == (64, 64, 3)
    # seed 2 alone (batch of 1) gives the same image as inside a batch of 4
    again = cv2.imread(str(tmp_path / 'b' / 'images' / 'image_000002.png'))
    assert np.abs(img.astype(int) - again.astype(int)).max() <= 1
    sketch = cv2.imread(str(tmp_path / 'a' / 'sketches' / 'sketch_000002.png'),
                        cv2.IMREAD_UNCHANGED)
    mask = cv2.imread(str(tmp_path / 'a' / 'masks' / 'mask_000002.png'),
                      cv2.IMREAD_UNCHANGED)
    assert np.array_equal(mask, np.where(sketch >= 128, 255, 0))
    assert sketch.shape == (64, 64)


def test_nan_loss_stops_with_clear_error(fake_data_root, mmagic_scope,
                                         monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    from mmagic.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
    from mmagic.structures import DataSample
    from mmengine import MessageHub
    from mmengine.config import Config

    from mmskr.models import NonFiniteLossError
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/skrgan/skrgan_cpu_fundus.py'))
    model = MODELS.build(cfg.model)
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type=cfg.optim_wrapper.constructor,
             optim_wrapper_cfg={
                 k: v
                 for k, v in cfg.optim_wrapper.items() if k != 'constructor'
             }))(model)
    MessageHub.get_current_instance().update_info('iter', 6)
    samples = []
    for _ in range(2):
        s = DataSample(gt_img=torch.full((3, 64, 64), float('nan')))
        s.set_tensor_data(dict(gt_sketch=torch.zeros(1, 64, 64)))
        samples.append(s)
    with pytest.raises(NonFiniteLossError, match='iteration 7.*render_|'
                       'iteration 7.*loss'):
        model.train_step(dict(inputs={}, data_samples=samples), optim)


@pytest.mark.parametrize('act', [None, 'tanh', 'clamp'])
def test_sketch_generator_output_activation(act, mmagic_scope):
    """tanh keeps sketches in (-1, 1) (the background of a sketch draft is
    exactly -1); 'clamp' clamps with an identity gradient; None is PGGAN's
    linear output."""
    from mmskr.models.editors.skrgan.sketch_pggan_generator import \
        SketchPGGANGenerator
    torch.manual_seed(0)
    gen = SketchPGGANGenerator(16, 8, base_channels=64, max_channels=16,
                               out_act=act)
    with torch.no_grad():  # push the output far outside [-1, 1]
        for layer in gen.torgb_layers:
            layer.conv.bias.fill_(5.)
    z = torch.randn(4, 16)
    out = gen(z, curr_scale=8, transition_weight=1.)
    linear = SketchPGGANGenerator.__mro__[1].forward(
        gen, z * gen.latent_code, curr_scale=8, transition_weight=1.)
    if act is None:
        assert torch.equal(out, linear) and out.max() > 1
    elif act == 'tanh':
        assert torch.allclose(out, torch.tanh(linear))
        assert out.abs().max() < 1
    else:
        assert torch.equal(out, linear.clamp(-1, 1))
        out.sum().backward()  # straight-through: gradient reaches the bias
        assert gen.torgb_layers[-1].conv.bias.grad.abs().sum() > 0
    as_dict = gen(z, curr_scale=8, transition_weight=1., return_noise=True)
    assert torch.allclose(as_dict['fake_img'], out)
    with pytest.raises(ValueError, match='out_act'):
        SketchPGGANGenerator(16, 8, out_act='relu')


def test_sketch_module_configs_use_tanh_and_ema():
    """The CPU and paper SkrGAN configs sample an EMA of a tanh G_S; the
    PGGAN baseline samples an EMA as well (docs/lab_notes.md, CPU budget notes)."""
    from mmengine import Config
    repo = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for kind, momentum in (('_cpu', 0.01), ('', 0.001)):
        sk = Config.fromfile(f'{repo}/configs/skrgan/skrgan{kind}_lungct.py')
        assert sk.model.sketch_gan.generator.out_act == 'tanh'
        assert sk.model.sketch_gan.ema_config.momentum == momentum
        pg = Config.fromfile(f'{repo}/configs/pggan/pggan{kind}_lungct.py')
        assert pg.model.ema_config.momentum == momentum
        assert 'out_act' not in pg.model.generator


def test_cpu_progressive_configs_halve_the_lr_at_64px():
    """G_S/D_S and the PGGAN baseline build one Adam per scale (mmagic's
    PGGANOptimWrapperConstructor): 5e-4 up to 32 px, 2.5e-4 at 64 px."""
    from mmengine import Config
    from experiments import perf
    repo = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for path, part in (('skrgan/skrgan_cpu_lungct.py', 'sketch_'),
                       ('pggan/pggan_cpu_lungct.py', '')):
        cfg = Config.fromfile(f'{repo}/configs/{path}')
        _, optim = perf.build_model_and_optim(cfg.model, cfg.optim_wrapper)
        for net in ('generator', 'discriminator'):
            lrs = {
                s: optim[f'{part}{net}_{s}'].param_groups[0]['lr']
                for s in ('32', '64')
            }
            assert lrs == {'32': 0.0005, '64': 0.00025}, (path, net, lrs)


def test_cpu_sketch_module_and_pggan_baseline_share_one_progressive_gan():
    """configs/_base_/models/progressive_cpu.py is the one place of the CPU
    progressive GAN: SkrGAN's G_S/D_S and the PGGAN baseline get the same
    widths, schedule, EMA and optimisers; they differ only in the sketch
    module's one-channel tanh output and one-channel input."""
    from mmengine import Config
    repo = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for modality in ('fundus', 'chestxray', 'lungct', 'brainmri'):
        sk = Config.fromfile(f'{repo}/configs/skrgan/skrgan_cpu_{modality}.py')
        pg = Config.fromfile(f'{repo}/configs/pggan/pggan_cpu_{modality}.py')
        sketch, pggan = sk.model.sketch_gan.to_dict(), pg.model.to_dict()
        for key in ('noise_size', 'nkimgs_per_scale', 'transition_kimgs',
                    'ema_config'):
            assert sketch[key] == pggan[key], (modality, key)
        assert sketch['nkimgs_per_scale'] == {
            '4': 2, '8': 4, '16': 6, '32': 8, '64': 12}
        gen, disc = sketch['generator'], sketch['discriminator']
        assert {k: v for k, v in gen.items()
                if k not in ('type', 'out_channels', 'out_act')} == {
                    k: v for k, v in pggan['generator'].items()
                    if k not in ('type', 'out_channels')}
        assert (gen['out_channels'], gen['out_act']) == (1, 'tanh')
        assert {k: v for k, v in disc.items() if k != 'in_channels'} == {
            k: v for k, v in pggan['discriminator'].items()
            if k != 'in_channels'}
        channels = 3 if modality == 'fundus' else 1  # PGGAN's images
        assert pggan['generator'].get('out_channels', 3) == channels
        assert pggan['discriminator'].get('in_channels', 3) == channels
        optim = pg.optim_wrapper.to_dict()
        assert optim.pop('constructor') == 'PGGANOptimWrapperConstructor'
        assert sk.optim_wrapper.sketch.to_dict() == optim, modality


def _renderer_norms(model) -> list:
    return [
        m for m in model.renderer.generators['image'].modules()
        if isinstance(m, torch.nn.BatchNorm2d)
    ]


def _norm_stats(model) -> list:
    return [(m.running_mean.clone(), m.running_var.clone())
            for m in _renderer_norms(model)]


def test_renderer_calibrate_norm_takes_statistics_of_the_given_sketches():
    """AdaBN: the running statistics become the exact mean / unbiased
    variance of each BN input over the given batches; weights, modes and
    momenta stay as they were."""
    from mmskr.apis import init_model
    config = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')
    model = init_model(config, seed=0)
    model.renderer.train()
    norms = _renderer_norms(model)
    assert norms, 'the CPU G_P has batch norm'
    weights = {k: v.clone() for k, v in model.renderer.state_dict().items()
               if 'running' not in k and 'num_batches' not in k}
    inputs = {}
    handles = [
        m.register_forward_pre_hook(
            lambda mod, args, i=i: inputs.setdefault(i, []).append(args[0]))
        for i, m in enumerate(norms)
    ]
    x = torch.rand(8, 1, 64, 64, generator=torch.Generator().manual_seed(1))
    x = x * 2 - 1
    assert model.renderer.calibrate_norm([x[:4], x[4:]]) == 8
    for h in handles:
        h.remove()
    for i, m in enumerate(norms):
        a, b = inputs[i]  # the two batches' inputs of this layer
        mean = (a.mean((0, 2, 3)) + b.mean((0, 2, 3))) / 2
        var = (a.var((0, 2, 3)) + b.var((0, 2, 3))) / 2
        assert torch.allclose(m.running_mean, mean, atol=1e-5)
        assert torch.allclose(m.running_var, var, rtol=1e-4, atol=1e-6)
        assert m.momentum == 0.1 and m.training
    # dropout was off: the inputs are those of eval-mode dropout
    assert model.renderer.generators['image'].training
    for k, v in model.renderer.state_dict().items():
        if k in weights:
            assert torch.equal(v, weights[k]), k
    before = _norm_stats(model)
    assert model.renderer.calibrate_norm([]) == 0  # nothing: unchanged
    with pytest.raises(RuntimeError):  # a bad batch: raised, unchanged
        model.renderer.calibrate_norm([x[:4], torch.zeros(2, 5, 64, 64)])
    for (m0, v0), (m1, v1) in zip(before, _norm_stats(model)):
        assert torch.equal(m0, m1) and torch.equal(v0, v1)
    assert all(m.momentum == 0.1 for m in norms)


def test_calibrate_renderer_is_seeded_and_leaves_the_global_rng():
    """Two copies of one model get the same statistics from the same seeds;
    the global RNG is not advanced; samples change and stay independent of
    their batch."""
    from mmskr.apis import generate_images, init_model
    config = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')
    a, b = init_model(config, seed=0), init_model(config, seed=0)
    seeds = [3, 4, 5, 6]
    before = generate_images(a, seeds)['fake_img']
    torch.manual_seed(123)
    state = torch.random.get_rng_state()
    assert a.calibrate_renderer(num_sketches=20, batch_size=8) == 20
    assert torch.equal(torch.random.get_rng_state(), state)
    assert not a.training and not a.sketch_gan.training
    b.calibrate_renderer(num_sketches=20, batch_size=8)
    for (ma, va), (mb, vb) in zip(_norm_stats(a), _norm_stats(b)):
        assert torch.equal(ma, mb) and torch.equal(va, vb)
    after = generate_images(a, seeds)['fake_img']
    assert not np.array_equal(before, after)
    one_by_one = generate_images(a, seeds, batch_size=1)['fake_img']
    # same up to float rounding (one grey level)
    assert np.abs(after.astype(int) - one_by_one).max() <= 1
    with pytest.raises(ValueError, match='num_sketches'):
        a.calibrate_renderer(num_sketches=0)


def test_renderer_calibration_hook_calibrates_the_saved_checkpoint(
        fake_data_root, tmp_path, monkeypatch):
    """A real Runner with the config's hook: the checkpoint of the last
    iteration holds the statistics that calibrate_renderer gives its own
    weights, and the log says so."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import train
    from mmengine.runner import Runner

    from mmskr.apis import init_model
    config = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')
    work = str(tmp_path / 'work')
    opts = [o for o in tiny_options(work, 3, ckpt_interval=3)
            if not o.startswith('val_evaluator')]
    cfg = train.build_config(train.parse_args(
        [config] + opts + ['custom_hooks.2.interval=100',
                           'custom_hooks.2.num_sketches=8',
                           'val_dataloader=None', 'val_cfg=None',
                           'val_evaluator=None']))
    assert cfg.custom_hooks[2].type == 'RendererCalibrationHook'
    Runner.from_cfg(cfg).train()  # interval 100: only after the last
    ckpt = osp.join(work, 'iter_3.pth')
    saved = init_model(config, ckpt)
    expected = init_model(config, ckpt)
    expected.calibrate_renderer(num_sketches=8)
    for (ms, vs), (me, ve) in zip(_norm_stats(saved), _norm_stats(expected)):
        assert torch.allclose(ms, me) and torch.allclose(vs, ve)
    logs = ''.join(open(f).read()
                   for f in glob.glob(osp.join(work, '*/*.log')))
    assert logs.count('batch-norm statistics fitted to 8 G_S sketches') == 1


def test_renderer_calibration_hook_refuses_other_models():
    from types import SimpleNamespace

    from mmskr.engine.hooks import RendererCalibrationHook
    hook = RendererCalibrationHook()
    runner = SimpleNamespace(model=torch.nn.Linear(2, 2), iter=0)
    with pytest.raises(TypeError, match='SkrGAN'):
        hook.calibrate(runner)
    with pytest.raises(ValueError, match='interval'):
        RendererCalibrationHook(interval=0)
