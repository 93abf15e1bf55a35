"""Baselines (DCGAN, WGAN, WGAN-GP, PGGAN, ACGAN): configs, training, ACGAN
labels and WGAN weight clipping."""
import glob
import os.path as osp
import sys
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from training_runs import scalars, tiny_options

from mmskr.datasets.transforms import flat_pipeline

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
METHODS = ('dcgan', 'wgan', 'wgangp', 'pggan', 'acgan')
MODALITIES = ('fundus', 'chestxray', 'lungct', 'brainmri')
ALL_CONFIGS = [
    osp.join(REPO, 'configs', m, f'{m}{size}_{mod}.py') for m in METHODS
    for size in ('', '_cpu') for mod in MODALITIES
]
CPU_CONFIGS = [c for c in ALL_CONFIGS if '_cpu_' in c]
# trained for one colour and one grey modality per method (chest X-ray: two
# classes, and the run that validates); the other modalities' configs differ
# only in their data set and the channel keys test_grey_configs checks
TRAINED_CONFIGS = [c for c in CPU_CONFIGS
                   if c.endswith(('_fundus.py', '_chestxray.py'))]
MODEL_TYPES = {
    'dcgan': 'DCGAN',
    'wgan': 'WGAN',
    'wgangp': 'WGANGP',
    'pggan': 'FullResolutionPGGAN',
    'acgan': 'ACGAN'
}
# logged keys of one iteration with a generator step, per method
DISC_KEYS = {'loss_disc_fake', 'loss_disc_real'}
LOSS_KEYS = {
    'dcgan': DISC_KEYS | {'loss_gen'},
    'wgan': DISC_KEYS | {'loss_gen'},
    'wgangp': DISC_KEYS | {'loss_gp', 'loss_gen'},
    'pggan': DISC_KEYS | {'loss_gp', 'loss_disc_shift', 'loss_gen'},
    'acgan': DISC_KEYS | {
        'loss_disc_cls_real', 'loss_disc_cls_fake', 'acc_disc_cls_real',
        'loss_gen', 'loss_gen_cls'
    }
}
NUM_CLASSES = {'chestxray': 2, 'brainmri': 2, 'fundus': 1, 'lungct': 1}
# image channels (tests/test_grey_configs.py: the grey modalities are one)
CHANNELS = {'chestxray': 1, 'brainmri': 1, 'fundus': 3, 'lungct': 1}


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """Tiny networks: one intra-op thread is as fast on an idle machine and
    far faster on a busy one (no spinning OpenMP threads)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def fake_root(request, monkeypatch) -> str:
    """MMSKR_DATA_ROOT pointed at test_skrgan's generated data sets."""
    root = request.getfixturevalue('fake_data_root')
    monkeypatch.setenv('MMSKR_DATA_ROOT', root)
    return root


def _method(config: str) -> str:
    return osp.basename(config).split('_')[0]


def _modality(config: str) -> str:
    return osp.splitext(osp.basename(config))[0].split('_')[-1]


def test_there_are_40_baseline_configs():
    """Besides the folder configs (tests/test_folder_images.py) and Table
    2's 128 px fundus GANs (tests/test_vessel_seg.py)."""
    found = {
        p
        for m in METHODS
        for p in glob.glob(osp.join(REPO, 'configs', m, '*.py'))
        if '_folder_' not in p and not p.endswith('_fundus_128px.py')
    }
    assert found == set(ALL_CONFIGS)


@pytest.fixture(scope='module')
def built_models():
    """Paper-sized models differ between modalities in their image channels
    only (checked config by config in tests/test_grey_configs.py): build
    each once."""
    return {}


@pytest.mark.parametrize('config', ALL_CONFIGS, ids=osp.basename)
def test_config_builds_and_differs_from_skrgan_only_in_the_method(
        config, fake_root, mmagic_scope, built_models):
    from mmagic.registry import MODELS
    from mmengine.config import Config
    method, mod = _method(config), _modality(config)
    cpu = '_cpu_' in config
    size = 64 if cpu else 512
    cfg = Config.fromfile(config)
    skr = Config.fromfile(
        osp.join(REPO, 'configs/skrgan',
                 f'skrgan{"_cpu" if cpu else ""}_{mod}.py'))
    assert cfg.model.type == MODEL_TYPES[method]
    assert 'mmskr' in cfg.custom_imports.imports  # compat fixes applied
    # data, image size, budget and metrics are SkrGAN's
    assert cfg.train_dataloader.batch_size == 16
    assert cfg.train_dataloader.dataset.pipeline == skr.val_pipeline
    steps = flat_pipeline(cfg.train_dataloader.dataset.pipeline)
    assert [t['type'] for t in steps
            ] == ['LoadMedicalImage', 'Resize', 'PackInputs']
    assert steps[1].scale == (size, size)
    for key in ('train_cfg', 'val_cfg', 'test_cfg', 'val_evaluator',
                'test_evaluator', 'val_dataloader', 'test_dataloader',
                'default_hooks', 'randomness'):
        assert cfg[key] == skr[key], key
    skr_data = dict(skr.train_dataloader.dataset, pipeline=None)
    assert dict(cfg.train_dataloader.dataset, pipeline=None) == skr_data
    assert all(m.image_shape == (CHANNELS[mod], size, size)
               for m in cfg.val_evaluator.metrics if 'image_shape' in m)
    if method == 'pggan':  # the growth schedule of SkrGAN's G_S
        sketch = skr.model.sketch_gan
        assert cfg.model.nkimgs_per_scale == sketch.nkimgs_per_scale
        assert cfg.model.transition_kimgs == sketch.transition_kimgs
        assert list(cfg.model.nkimgs_per_scale)[-1] == str(size)
    if method == 'acgan':
        assert cfg.model.num_classes == NUM_CLASSES[mod]
        assert cfg.custom_hooks == [dict(type='ClassFrequencyHook')]

    key = (method, size)  # channels: tests/test_grey_configs.py
    if key not in built_models:
        built_models[key] = MODELS.build(cfg.model)
    model = built_models[key]
    gen = model.generator
    out = getattr(gen, 'output_scale', None) or gen.out_scale
    assert out == size


@pytest.fixture(scope='module')
def train_tool():
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import train
    return train


def _options(work_dir: str, iters: int, validate: bool) -> list:
    opts = [
        o for o in tiny_options(work_dir, iters)
        if not o.startswith('custom_hooks.')
    ]
    if not validate:
        opts.append('train_cfg.val_interval=1000')
    return opts


@pytest.mark.parametrize('config', TRAINED_CONFIGS, ids=osp.basename)
def test_cpu_config_trains_2_iterations(config, fake_root, tmp_path,
                                        train_tool):
    """2 iterations per CPU config on generated images; the chest X-ray
    runs also validate with the settings' SWD and MS-SSIM."""
    from mmengine.runner import Runner
    method, mod = _method(config), _modality(config)
    work = str(tmp_path / 'work')
    validate = mod == 'chestxray'
    opts = _options(work, 2, validate)
    if method in ('wgan', 'wgangp'):
        # n_critic = 5: let the generator take its step at iteration 2
        opts.append('model.discriminator_steps=2')
    cfg = train_tool.build_config(train_tool.parse_args([config] + opts))
    train_tool.prepare(cfg)  # DiffAugment etc., as tools/train.py does
    runner = Runner.from_cfg(cfg)
    runner.train()

    rows = scalars(work)
    train_rows = [r for r in rows if 'loss_gen' in r]
    assert train_rows, 'no generator step logged'
    last = train_rows[-1]
    assert LOSS_KEYS[method] <= set(last), sorted(last)
    assert all(np.isfinite(last[k]) for k in LOSS_KEYS[method])
    if validate:  # every metric of the settings logged its results
        from mmagic.registry import METRICS
        logged = {k.split('/')[0] for r in rows for k in r if '/' in k}
        for metric in cfg.val_evaluator.metrics:
            prefix = metric.get('prefix') or METRICS.get(
                metric.type).default_prefix
            assert prefix in logged, (metric.type, sorted(logged))

    model = runner.model
    samples = model.val_step(dict(inputs=dict(num_batches=2)))
    assert len(samples) == 2
    img = samples[0].fake_img
    assert img.shape == (CHANNELS[mod], 64, 64)
    assert 0 <= img.min() and img.max() <= 255
    if method == 'pggan':  # still growing: samples upsampled to 64 px
        assert model.curr_scale[0] < 64
    if method == 'acgan':
        counts = runner.train_dataloader.dataset.metainfo.get(
            'class_counts', (1, ))
        freq = torch.tensor(counts, dtype=torch.float32)
        assert torch.allclose(model.class_freq, freq / freq.sum())
        assert samples[0].gt_label.label.numel() == 1


# ---------------------------------------------------------------------------
# ACGAN
# ---------------------------------------------------------------------------
def _tiny_gan(model_type: str, net: str = 'DCGAN', **kwargs):
    """A 16 px GAN with narrow DCGAN-style networks, initialised."""
    from mmagic.registry import MODELS
    model = MODELS.build(
        dict(
            type=model_type,
            data_preprocessor=dict(type='DataPreprocessor'),
            generator=dict(
                type=f'{net}Generator',
                output_scale=16,
                base_channels=32,
                noise_size=16),
            discriminator=dict(
                type=f'{net}Discriminator',
                input_scale=16,
                output_scale=4,
                out_channels=1,
                base_channels=8),
            **kwargs))
    model.init_weights()
    return model


def _tiny_acgan(num_classes: int = 2):
    return _tiny_gan('ACGAN', 'ACGAN', num_classes=num_classes)


def _optim(model, optimizer: dict):
    from mmagic.registry import OPTIM_WRAPPER_CONSTRUCTORS
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='MultiOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                generator=dict(optimizer=optimizer),
                discriminator=dict(optimizer=optimizer))))(model)


def _bars(rng, label: int, size: int = 16) -> np.ndarray:
    """Dark image with a bright bar: horizontal (0) or vertical (1)."""
    img = np.full((size, size, 3), 20, np.uint8)
    pos = int(rng.integers(3, size - 4))
    if label == 0:
        img[pos:pos + 3] = 230
    else:
        img[:, pos:pos + 3] = 230
    return img


def _packed(images, labels=None) -> list:
    from mmagic.registry import TRANSFORMS
    pack = TRANSFORMS.build(dict(type='PackInputs'))
    if labels is None:
        return [pack(dict(gt=img)) for img in images]
    return [
        pack(dict(gt=img, gt_label=int(lab)))
        for img, lab in zip(images, labels)
    ]


def test_acgan_classifier_head_learns_two_classes(mmagic_scope):
    from mmengine import MessageHub
    from mmengine.dataset import pseudo_collate
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    labels = [i % 2 for i in range(16)]
    items = _packed([_bars(rng, lab) for lab in labels], labels)
    model = _tiny_acgan()
    data = model.data_preprocessor(pseudo_collate(items), True)
    real = data['data_samples'].gt_img

    def class_head_on_training_images():
        model.eval()
        with torch.no_grad():
            _, logits = model.discriminator(real)
        model.train()
        return (F.cross_entropy(logits, torch.tensor(labels)).item(),
                (logits.argmax(1) == torch.tensor(labels)).float().mean())

    loss_before, _ = class_head_on_training_images()
    optim = _optim(model, dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
    hub = MessageHub.get_current_instance()
    for it in range(200):
        hub.update_info('iter', it)
        batch = [items[i] for i in rng.choice(len(items), 4, replace=False)]
        log = model.train_step(pseudo_collate(batch), optim)
    assert {'loss_disc_cls_real', 'loss_gen_cls'} <= set(log)
    loss_after, acc = class_head_on_training_images()
    assert acc >= 0.9  # chance: 0.5
    assert loss_after < 0.5 * loss_before


def test_acgan_conditional_and_unconditional_sampling(mmagic_scope):
    from mmagic.structures import DataSample
    torch.manual_seed(0)
    model = _tiny_acgan().eval()
    # conditional: one label per image (a direct call, as mmagic's
    # ConditionalInferencer makes)
    with torch.no_grad():
        out = model(dict(labels=[1, 0, 1, 1, 0]))
    assert len(out) == 5
    assert [int(s.gt_label.label) for s in out] == [1, 0, 1, 1, 0]
    assert out[0].fake_img.shape == (3, 16, 16)
    assert 0 <= out[0].fake_img.min() and out[0].fake_img.max() <= 255
    # one class for num_batches images (mmagic's ConditionalInferencer)
    out = model.val_step(dict(inputs=dict(labels=1, num_batches=3)))
    assert [int(s.gt_label.label) for s in out] == [1, 1, 1]
    # labels in data samples (mmagic's conditional metrics)
    samples = []
    for lab in (0, 1):
        s = DataSample()
        s.set_gt_label(torch.tensor(lab))
        samples.append(s)
    out = model.val_step(
        dict(inputs=dict(num_batches=2), data_samples=samples))
    assert [int(s.gt_label.label) for s in out] == [0, 1]
    with pytest.raises(ValueError, match='num_batches=2 but 3 labels'):
        model(dict(labels=[0, 1, 1], num_batches=2))
    with pytest.raises(ValueError, match=r'in \[0, 2\)'):
        model(dict(labels=torch.tensor([0, 2])))

    # unconditional: labels drawn with the class frequencies
    model.set_class_counts([0, 7])
    out = model.val_step(dict(inputs=dict(num_batches=6)))
    assert [int(s.gt_label.label) for s in out] == [1] * 6
    model.set_class_counts([30, 10])
    assert torch.allclose(model.class_freq, torch.tensor([0.75, 0.25]))
    drawn = model.label_fn(num_batches=4000)
    assert abs(drawn.float().mean().item() - 0.25) < 0.03
    assert 'class_freq' in model.state_dict()  # saved in checkpoints
    with pytest.raises(ValueError, match='2 non-negative class counts'):
        model.set_class_counts([1, 2, 3])


def test_acgan_labels_required_with_several_classes(mmagic_scope):
    from mmengine import MessageHub
    from mmengine.dataset import pseudo_collate
    rng = np.random.default_rng(0)
    unlabeled = pseudo_collate(_packed([_bars(rng, 0) for _ in range(4)]))
    MessageHub.get_current_instance().update_info('iter', 0)
    model = _tiny_acgan(num_classes=2)
    optim = _optim(model, dict(type='Adam', lr=2e-4))
    with pytest.raises(ValueError, match='needs class labels'):
        model.train_step(unlabeled, optim)
    # one class: unlabeled images are class 0
    model = _tiny_acgan(num_classes=1)
    log = model.train_step(unlabeled, _optim(model, dict(type='Adam')))
    assert float(log['acc_disc_cls_real']) == 1.0


def _class_folders(root, counts: dict) -> None:
    for name, n in counts.items():
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(n):
            cv2.imwrite(str(folder / f'{i}.png'),
                        np.full((8, 8, 3), 40 * i, np.uint8))


def test_class_frequency_hook(tmp_path, mmagic_scope):
    from mmengine.logging import MMLogger

    from mmskr.datasets import MedicalImageDataset
    from mmskr.engine.hooks import ClassFrequencyHook
    _class_folders(tmp_path / 'data', {'a': 3, 'b': 1})
    labeled = MedicalImageDataset(str(tmp_path / 'data'), classes=['a', 'b'])
    unlabeled = MedicalImageDataset(str(tmp_path / 'data' / 'a'))

    def runner(model, dataset):
        return SimpleNamespace(
            model=model,
            train_dataloader=SimpleNamespace(dataset=dataset),
            logger=MMLogger.get_current_instance())

    hook = ClassFrequencyHook()
    model = _tiny_acgan(num_classes=2)
    hook.before_train(runner(model, labeled))
    assert torch.allclose(model.class_freq, torch.tensor([0.75, 0.25]))
    with pytest.raises(ValueError, match='set model.num_classes=1'):
        hook.before_train(runner(model, unlabeled))
    one = _tiny_acgan(num_classes=1)
    hook.before_train(runner(one, unlabeled))
    assert one.class_freq.tolist() == [1.0]
    with pytest.raises(ValueError, match='set model.num_classes=2'):
        hook.before_train(runner(one, labeled))


# ---------------------------------------------------------------------------
# WGAN
# ---------------------------------------------------------------------------
def test_wgan_clips_every_critic_weight_after_each_step(mmagic_scope):
    from mmengine import MessageHub
    from mmengine.dataset import pseudo_collate
    torch.manual_seed(0)
    clip = 0.01
    model = _tiny_gan('WGAN', clip_value=clip, discriminator_steps=5)
    disc = list(model.discriminator.parameters())
    assert max(p.abs().max().item() for p in disc) <= clip
    # a large learning rate pushes weights out of the box at every step
    optim = _optim(model, dict(type='RMSprop', lr=0.05))
    rng = np.random.default_rng(0)
    data = pseudo_collate(_packed([_bars(rng, i % 2) for i in range(4)]))
    hub = MessageHub.get_current_instance()
    for it in range(10):
        hub.update_info('iter', it)
        before = [p.detach().clone() for p in model.generator.parameters()]
        log = model.train_step(data, optim)
        assert max(p.abs().max().item() for p in disc) <= clip
        at_bound = sum(int((p.abs() == clip).sum()) for p in disc)
        assert at_bound > 0  # the clamp did act
        gen_stepped = any(not torch.equal(a, b) for a, b in zip(
            before, model.generator.parameters()))
        assert gen_stepped == ((it + 1) % 5 == 0)  # n_critic = 5
        assert ('loss_gen' in log) == gen_stepped
        assert {'loss_disc_fake', 'loss_disc_real'} <= set(log)
    with pytest.raises(ValueError, match='clip_value must be > 0'):
        _tiny_gan('WGAN', clip_value=0)


# ---------------------------------------------------------------------------
# WGAN-GP networks
# ---------------------------------------------------------------------------
def test_scalable_wgangp_networks_match_mmagic_and_scale(mmagic_scope):
    from mmagic.models.editors.wgan_gp import (WGANGPDiscriminator,
                                               WGANGPGenerator)

    from mmskr.models import (ScalableWGANGPDiscriminator,
                              ScalableWGANGPGenerator)
    for ours, theirs in (
        (ScalableWGANGPGenerator(128, 32), WGANGPGenerator(128, 32)),
        (ScalableWGANGPDiscriminator(3, 32), WGANGPDiscriminator(3, 32)),
    ):
        a, b = ours.state_dict(), theirs.state_dict()
        assert list(a) == list(b)
        assert all(a[k].shape == b[k].shape for k in a)
    narrow = {'4': 16, '8': 8, '16': 4}
    gen = ScalableWGANGPGenerator(8, 16, channels_per_scale=narrow)
    disc = ScalableWGANGPDiscriminator(1, 16, channels_per_scale=narrow)
    img = gen(None, num_batches=2)
    assert img.shape == (2, 3, 16, 16)
    assert disc(img[:, :1]).shape == (2, 1)
    assert gen.noise2feat.out_channels == 16
    assert ScalableWGANGPGenerator(8, 512).channels_per_scale['512'] == 8
    with pytest.raises(ValueError, match='power of 2'):
        ScalableWGANGPGenerator(8, 48)


def _pggan_mid_fade_in():
    """A fresh CPU PGGAN (16 px) whose image count is 1 kimg into the 2 kimg
    fade-in of the 8 px stage: what ``--resume`` restores mid-fade-in."""
    from mmengine.config import Config
    from experiments import perf
    cfg = Config.fromfile('configs/pggan/pggan_cpu_fundus.py')  # colour
    model, optim = perf.build_model_and_optim(
        perf.model_cfg_at_size(cfg.model, 16), cfg.optim_wrapper)
    model.shown_nkimg.fill_(3.0)  # 4 px: 2 kimg, then the 8 px fade-in
    data = perf.samples_data(gt_img=torch.rand(4, 3, 16, 16) * 255)
    return model, optim, data


def test_pggan_resume_mid_fade_in_upstream_restarts_it():
    from mmagic.models.editors.pggan import ProgressiveGrowingGAN
    from mmengine.logging import MessageHub
    MessageHub.get_current_instance().update_info('iter', 0)
    model, optim, data = _pggan_mid_fade_in()
    ProgressiveGrowingGAN.train_step(model, data, optim)
    assert float(model._curr_transition_weight) == 0.  # fade-in restarted


def test_pggan_resume_mid_fade_in_continues_it():
    from mmengine.logging import MessageHub
    MessageHub.get_current_instance().update_info('iter', 0)
    model, optim, data = _pggan_mid_fade_in()
    model.train_step(data, optim)
    assert float(model._curr_transition_weight) == pytest.approx(0.5)
    assert model.curr_scale[0] == 8


def test_scheduled_stage_is_mmagics_stage_with_the_scheduled_start():
    """One rule for SkrGAN's sketch module, the PGGAN baseline and the
    benchmarks: mmagic's stage (``sum(cum_nkimgs <= shown)``, capped at the
    last) and the start of that stage taken from the schedule."""
    import numpy as np
    from mmskr.models import scheduled_stage
    cum = np.cumsum([2, 4, 6, 8, 12])  # the CPU schedule: 2, 6, 12, 20, 32
    expected = {0.: (0, 0.), 1.9: (0, 0.), 2.: (1, 2.), 3.: (1, 2.),
                6.: (2, 6.), 19.99: (3, 12.), 20.: (4, 20.), 31.: (4, 20.),
                32.: (4, 20.), 500.: (4, 20.), float('inf'): (4, 20.)}
    for shown, want in expected.items():
        got = scheduled_stage(cum, shown)
        assert got == want, (shown, got)
        upstream = int(min(sum(cum <= shown), len(cum) - 1))  # mmagic pggan
        assert got[0] == upstream
    assert scheduled_stage([5.], 100.) == (0, 0.)  # one scale: no fade-in
