"""DiffAugment: the transforms, their gradients, and the one switch that
puts them in every method's discriminators."""
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub

from experiments import perf
from mmskr.apis import apply_diff_augment, load_config
from mmskr.apis.config_switches import unwrap_discriminator
from mmskr.models import DiffAugmentDiscriminator
from mmskr.models.editors.diffaugment import diff_augment, parse_policy

METHODS = ('skrgan', 'pggan', 'dcgan', 'wgan', 'wgangp', 'acgan')


def test_translation_moves_each_image_by_at_most_an_eighth():
    torch.manual_seed(0)
    x = torch.zeros(64, 1, 16, 16)
    x[:, :, 8, 8] = 1.  # one bright pixel per image
    out = diff_augment(x, 'translation')
    assert out.shape == x.shape
    where = out.flatten(1).argmax(1)
    rows, cols = where // 16, where % 16
    assert bool(((rows - 8).abs() <= 2).all() & ((cols - 8).abs() <= 2).all())
    assert torch.allclose(out.sum(dim=(1, 2, 3)), torch.ones(64))  # moved
    assert len(set(zip(rows.tolist(), cols.tolist()))) > 10  # per sample


def test_cutout_zeroes_one_square_of_half_the_size():
    torch.manual_seed(0)
    x = torch.ones(32, 3, 16, 16)
    out = diff_augment(x, 'cutout')
    zeros = (out == 0).all(dim=1)  # (N, H, W)
    for z in zeros:
        rows, cols = z.any(1).nonzero(), z.any(0).nonzero()
        h, w = len(rows), len(cols)
        assert h <= 8 and w <= 8 and int(z.sum()) == h * w  # one rectangle
    assert int(zeros.sum()) > 0.5 * 32 * 64  # mostly inside the image


def test_colour_keeps_grey_images_grey_and_policy_errors():
    torch.manual_seed(0)
    grey = torch.rand(8, 1, 8, 8) * 2 - 1
    assert diff_augment(grey, 'color').shape == grey.shape
    rgb_grey = grey.expand(8, 3, 8, 8)
    out = diff_augment(rgb_grey, 'color')
    assert torch.allclose(out[:, 0], out[:, 1]) and torch.allclose(
        out[:, 1], out[:, 2])  # saturation has no colour to scale
    assert torch.equal(diff_augment(grey, ''), grey)
    assert parse_policy('color, cutout') == ['color', 'cutout']
    with pytest.raises(ValueError, match=r"unknown DiffAugment policy \['flip'\]"):
        parse_policy('translation,flip')


def test_gradients_flow_through_every_transform():
    x = (torch.rand(4, 3, 16, 16) * 2 - 1).requires_grad_()
    diff_augment(x, 'color,translation,cutout').square().sum().backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0


def _method_config(method):
    return f'configs/{method}/{method}_cpu_fundus.py'


@pytest.mark.parametrize('method', METHODS)
def test_one_switch_wraps_every_discriminator_and_trains(method):
    """``diff_augment=color,translation,cutout`` (as ``--cfg-options``
    gives it, a list) wraps D of every method, D_S and D_P of SkrGAN (D_P
    without colour); a training step runs through it (PGGAN's scale
    arguments and gradient penalty, ACGAN's class logits); in eval mode D
    sees the images unchanged."""
    cfg = load_config(_method_config(method))
    # on in every CPU config, off in the paper's
    assert cfg.diff_augment == 'color,translation,cutout'
    assert load_config(f'configs/{method}/{method}_fundus.py'
                       ).diff_augment is None
    size = 32 if method == 'skrgan' else 16  # D_P: 3 stride-2 convs
    small = Config(dict(model=perf.model_cfg_at_size(cfg.model, size),
                        diff_augment=['color', 'translation', 'cutout']))
    apply_diff_augment(small)
    apply_diff_augment(small)  # idempotent
    model_cfg = small.model
    slots = ([model_cfg.sketch_gan, model_cfg.renderer]
             if method == 'skrgan' else [model_cfg])
    for slot in slots:
        disc = slot.discriminator
        assert disc.type == 'DiffAugmentDiscriminator'
        assert unwrap_discriminator(disc).type != 'DiffAugmentDiscriminator'
    if method == 'skrgan':
        assert model_cfg.sketch_gan.discriminator.policy == \
            'color,translation,cutout'
        assert model_cfg.renderer.discriminator.policy == 'translation,cutout'
    torch.manual_seed(0)
    model, optim = perf.build_model_and_optim(model_cfg, cfg.optim_wrapper)
    imgs = torch.rand(4, 3, size, size) * 255
    if method == 'acgan':
        data = perf.labelled_samples_data(imgs, torch.zeros(4).long())
    elif method == 'skrgan':
        data = perf.samples_data(gt_img=imgs,
                                 gt_sketch=torch.rand(4, 1, size, size) * 255)
    else:
        data = perf.samples_data(gt_img=imgs)
    MessageHub.get_current_instance().update_info('iter', 0)
    logs = model.train_step(data, optim)
    assert all(torch.isfinite(torch.as_tensor(v)).all()
               for v in logs.values())
    disc = model.sketch_gan.discriminator if method == 'skrgan' \
        else model.discriminator
    assert isinstance(disc, DiffAugmentDiscriminator)


def test_augments_in_train_mode_only():
    import mmskr  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    torch.manual_seed(0)
    disc = DiffAugmentDiscriminator(
        dict(type='DCGANDiscriminator', input_scale=16, output_scale=4,
             out_channels=1, base_channels=8),
        policy='translation,cutout')
    x = torch.rand(4, 3, 16, 16) * 2 - 1
    assert not torch.equal(disc(x), disc(x))  # a new draw per call
    disc.eval()
    assert torch.equal(disc(x), disc.discriminator(x))
    with pytest.raises(ValueError, match='unknown DiffAugment policy'):
        DiffAugmentDiscriminator(dict(type='DCGANDiscriminator'), 'zoom')


def test_the_wrapper_is_invisible_in_state_dicts():
    """A wrapped D's state dict is the plain D's (keys and values), so
    weights move between runs with and without the switch; the first
    wrapper's nested keys still load."""
    import mmskr  # noqa: F401
    from mmagic.registry import MODELS
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import load_state_dict
    init_default_scope('mmagic')
    cfg = dict(type='DCGANDiscriminator', input_scale=16, output_scale=4,
               out_channels=1, base_channels=8)
    torch.manual_seed(0)
    wrapped = DiffAugmentDiscriminator(cfg, 'translation')
    plain = MODELS.build(cfg)
    assert list(wrapped.state_dict()) == list(plain.state_dict())
    plain.load_state_dict(wrapped.state_dict())  # strict
    for k, v in wrapped.discriminator.state_dict().items():
        assert torch.equal(plain.state_dict()[k], v), k
    nested = {'discriminator.' + k: v + 1
              for k, v in plain.state_dict().items()}
    again = DiffAugmentDiscriminator(cfg, 'translation')
    load_state_dict(again, nested, strict=True)  # mmengine's loader
    for k, v in plain.state_dict().items():
        assert torch.equal(again.state_dict()[k], v + 1), k


def test_a_diffaugment_checkpoint_loads_through_the_plain_config(tmp_path):
    """A run trained with the switch loads with the config file alone (the
    switch comes from the checkpoint's own config), as compare.py's
    evaluation and tools/sample.py load it; a different policy given
    explicitly is refused."""
    from mmagic.registry import MODELS

    from mmskr.apis import init_model
    config = _method_config('dcgan')
    trained = load_config(config)
    trained.diff_augment = 'translation,cutout'
    apply_diff_augment(trained)
    model = MODELS.build(trained.model)
    ckpt = str(tmp_path / 'iter_1.pth')
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(cfg=trained.pretty_text)), ckpt)
    loaded = init_model(config, ckpt)
    assert isinstance(loaded.discriminator, DiffAugmentDiscriminator)
    assert loaded.discriminator.policy == 'translation,cutout'
    for k, v in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v), k
    with pytest.raises(ValueError, match='trained with diff_augment'):
        init_model(config, ckpt, cfg_options=dict(diff_augment='color'))


def test_a_run_without_diffaugment_loads_without_it(tmp_path):
    """A checkpoint trained with ``diff_augment=None`` loads through a
    config that has it on, with plain discriminators (the run's own
    switch); saying it is on is refused."""
    from mmagic.registry import MODELS

    from mmskr.apis import init_model
    config = _method_config('dcgan')
    trained = load_config(config)
    trained.diff_augment = None
    trained.model.discriminator = unwrap_discriminator(
        trained.model.discriminator)
    model = MODELS.build(trained.model)
    ckpt = str(tmp_path / 'iter_1.pth')
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(cfg=trained.pretty_text)), ckpt)
    loaded = init_model(config, ckpt)
    assert not isinstance(loaded.discriminator, DiffAugmentDiscriminator)
    assert init_model(config, ckpt, cfg_options=dict(diff_augment=None))
    with pytest.raises(ValueError, match='trained with diff_augment=None'):
        init_model(config, ckpt,
                   cfg_options=dict(diff_augment='color,translation,cutout'))
