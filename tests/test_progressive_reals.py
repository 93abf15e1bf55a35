"""The reals of the progressive models (SkrGAN's sketch module and the PGGAN
baseline): shrunk to the current scale by ``interp_real`` (area keeps a
1 px stroke) and faded in with the generator, the same after ``--resume``;
every progressive config shows both families the same reals."""
import copy
import glob

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub

from experiments import perf


def _progressive(cfg):
    """A config's progressive GAN config (SkrGAN: its sketch module) and
    its optimiser config."""
    model_cfg, optim_cfg = cfg.model, cfg.optim_wrapper
    if 'sketch_gan' in model_cfg:
        model_cfg = model_cfg.sketch_gan
        optim_cfg = dict(optim_cfg.sketch,
                         constructor='PGGANOptimWrapperConstructor')
    return model_cfg, optim_cfg


def _model(config='configs/pggan/pggan_cpu_fundus.py', size=16, **reals):
    """The config's progressive GAN at ``size`` px (``reals``: its
    ``interp_real`` / ``real_fade_in`` replaced), and its per-scale
    optimisers."""
    model_cfg, optim_cfg = _progressive(Config.fromfile(config))
    for key, value in reals.items():
        model_cfg[key] = value  # replaced, not merged
    torch.manual_seed(0)
    return perf.build_model_and_optim(
        perf.model_cfg_at_size(model_cfg, size), optim_cfg)


PROGRESSIVE_CONFIGS = sorted(glob.glob('configs/skrgan/skrgan_*.py') +
                             glob.glob('configs/pggan/pggan_*.py'))


def test_every_progressive_config_shows_both_families_the_same_reals():
    """One switch: SkrGAN's G_S/D_S and the PGGAN baseline see their reals
    shrunk and faded alike in every config (the choice and its ablation:
    ``benchmarks/results/ablation_cpu/README.md``, section 6)."""
    assert len(PROGRESSIVE_CONFIGS) == 26
    seen = set()
    for path in PROGRESSIVE_CONFIGS:
        model_cfg, _ = _progressive(Config.fromfile(path))
        seen.add((repr(model_cfg.interp_real), model_cfg.real_fade_in))
    assert len(seen) == 1, seen


def _ring(size=64):
    """A 1 px ring (the fundus field-of-view edge) on black, in [-1, 1]."""
    img = np.zeros((size, size), np.uint8)
    cv2.circle(img, (size // 2, size // 2), size // 2 - 6, 255, 1)
    return torch.from_numpy(img).float()[None, None] / 127.5 - 1


@pytest.mark.parametrize(
    'config',
    ['configs/pggan/pggan_cpu_fundus.py', 'configs/skrgan/skrgan_cpu_fundus.py'])
def test_a_thin_ring_survives_at_8px(config):
    """Shrunk by area, the ring drawn at 64 px is a closed ring of grey at
    8 px. Upstream's bilinear ``align_corners`` point-sampling leaves most
    of it black."""
    model, _ = _model(config, size=64, interp_real=dict(mode='area'))
    ring = _ring()
    ours = model.progressive_reals(ring, 8, 1.)[0, 0]
    upstream = F.interpolate(ring, size=(8, 8), mode='bilinear',
                             align_corners=True)[0, 0]
    # the 8 px cells the ring passes through (a ring of 20 cells)
    crossed = F.max_pool2d(ring, 8)[0, 0] > 0
    assert int(crossed.sum()) >= 16
    assert bool((ours[crossed] > -1 + 1e-6).all())  # every cell keeps a trace
    assert bool((ours[~crossed] == -1).all())  # nothing elsewhere
    assert float((upstream[crossed] > -1 + 1e-6).float().mean()) < 0.5


def test_shrinking_and_fading_keep_the_mean():
    model, _ = _model(size=32, interp_real=dict(mode='area'),
                      real_fade_in=True)
    reals = torch.rand(3, 3, 32, 32) * 2 - 1
    for scale in (4, 8, 16, 32):
        for weight in (0., 0.3, 1.):
            out = model.progressive_reals(reals, scale, weight)
            assert out.shape == (3, 3, scale, scale)
            assert torch.allclose(out.mean(dim=(2, 3)),
                                  reals.mean(dim=(2, 3)), atol=1e-5)
    # fade-in: the blend of the half-resolution copy and the reals, as the
    # generator blends its to-RGB outputs; w = 1 is the shrunk reals
    x16 = F.avg_pool2d(reals, 2)
    coarse = F.interpolate(F.avg_pool2d(x16, 2), scale_factor=2)
    assert torch.allclose(model.progressive_reals(reals, 16, 0.25),
                          coarse + 0.25 * (x16 - coarse), atol=1e-6)
    assert torch.allclose(model.progressive_reals(reals, 16, 1.), x16)
    with pytest.raises(RuntimeError, match='smaller than the current scale'):
        model.progressive_reals(reals[..., :8, :8], 16, 1.)


def _record(model):
    """Wrap ``train_discriminator``: each call's reals and the fade-in weight
    the generator is run with (the buffer mmagic's step passes it)."""
    calls = []
    inner = model.train_discriminator

    def recording(reals, samples, wrapper):
        calls.append((reals.clone(), float(model._curr_transition_weight),
                      model.curr_scale[0]))
        return inner(reals, samples, wrapper)

    model.train_discriminator = recording
    return calls


def _steps(model, optim, reals, iters, start_iter=0):
    hub = MessageHub.get_current_instance()
    data = perf.samples_data(gt_img=(reals + 1) * 127.5)
    for i in range(start_iter, start_iter + iters):
        hub.update_info('iter', i)
        model.train_step(data, optim)


def test_reals_fade_in_with_the_generator_and_after_resume():
    """Into the 2 kimg fade-in of the 8 px stage (batch 4: 0.004 kimg a
    step, 6 steps from 1.99 kimg on),
    D's reals are the fade of the shrunk reals with the weight the generator
    runs with; a model resumed from the state mid-fade-in sees the same
    weights and reals as the uninterrupted one."""
    model, optim = _model(size=16, real_fade_in=True)
    reals = torch.rand(4, 3, 16, 16) * 2 - 1
    model.shown_nkimg.fill_(1.99)  # 4 px until 2 kimg, then the fade-in
    calls = _record(model)
    _steps(model, optim, reals, 6)
    weights = [w for _, w, _ in calls]
    assert [s for _, _, s in calls] == [4, 4, 4, 8, 8, 8]
    assert weights[:3] == [1., 1., 1.]
    assert weights[3:] == pytest.approx([0.001, 0.003, 0.005], abs=1e-5)
    for (seen, weight, scale) in calls:
        want = model.progressive_reals(reals, scale, weight)
        assert torch.allclose(seen, want, atol=1e-6)

    # resume from the state after the 4th step: same weights, same reals
    model, optim = _model(size=16, real_fade_in=True)
    model.shown_nkimg.fill_(1.99)
    _steps(model, optim, reals, 4)
    state = copy.deepcopy(model.state_dict())
    resumed, optim2 = _model(size=16, real_fade_in=True)
    resumed.load_state_dict(state)
    calls2 = _record(resumed)
    _steps(resumed, optim2, reals, 2, start_iter=4)
    assert [w for _, w, _ in calls2] == pytest.approx(weights[4:], abs=1e-7)
    for (a, _, _), (b, _, _) in zip(calls[4:], calls2):
        assert torch.allclose(a, b, atol=1e-6)
