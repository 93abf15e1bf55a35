"""The renderer's pair augmentation: what each transform keeps and changes,
and that G_P trains on augmented pairs."""
import pytest
import torch

from mmskr.models.editors.skrgan.pair_augment import (augment_pairs,
                                                      check_pair_augment)


def _pairs(n=6, size=32):
    torch.manual_seed(0)
    sketches = -torch.ones(n, 1, size, size)
    sketches[:, :, size // 2, 4:-4] = 1.  # a full stroke
    sketches[:, :, 4:-4, size // 3] = 0.  # a grey stroke
    images = torch.rand(n, 3, size, size) * 2 - 1
    return sketches, images


def test_off_by_default_and_bad_arguments():
    sketches, images = _pairs()
    s, i = augment_pairs(sketches, images)
    assert torch.equal(s, sketches) and torch.equal(i, images)
    with pytest.raises(ValueError, match='gamma must be >= 1'):
        augment_pairs(sketches, images, gamma=0.5)
    with pytest.raises(ValueError, match=r'dropout must lie in \[0, 1\)'):
        augment_pairs(sketches, images, dropout=1.)


def test_options_are_checked_without_drawing_random_numbers():
    """A model checks its options when built: no draw, so the arms of an
    ablation start from the same initial weights."""
    state = torch.random.get_rng_state()
    check_pair_augment(gamma=1.5, blur=1., dropout=0.1, degrees=5.)
    assert torch.equal(torch.random.get_rng_state(), state)
    with pytest.raises(TypeError, match='zoom'):
        check_pair_augment(zoom=2.)
    with pytest.raises(ValueError, match='gamma must be >= 1'):
        check_pair_augment(gamma=0.5)


def test_gamma_moves_grey_strokes_only_and_keeps_images():
    sketches, images = _pairs()
    s, i = augment_pairs(sketches, images, gamma=2.)
    assert torch.equal(i, images)
    full, grey = sketches == 1, sketches == 0
    assert torch.allclose(s[sketches == -1], torch.tensor(-1.))
    assert torch.allclose(s[full], torch.tensor(1.))
    per_sample = s[grey].view(6, -1)[:, 0]  # 2 * 0.5 ** g - 1
    assert float(per_sample.std()) > 0.05  # drawn per sample
    assert bool(((per_sample > -0.5) & (per_sample < 0.42)).all())


def test_blur_widens_strokes_and_keeps_the_mean():
    sketches, images = _pairs()
    s, i = augment_pairs(sketches, images, blur=1.5)
    assert torch.equal(i, images)
    assert torch.allclose(s.mean(dim=(1, 2, 3)), sketches.mean(dim=(1, 2, 3)),
                          atol=1e-4)  # replicate padding, normalised kernel
    widened = (s > -0.99).sum(dim=(1, 2, 3)) > (sketches > -1).sum(
        dim=(1, 2, 3))
    assert int(widened.sum()) >= 4  # sigma ~ U(0, 1.5): most samples


def test_dropout_erases_cells_of_the_sketch_to_background():
    sketches, images = _pairs(n=32)
    s, i = augment_pairs(sketches, images, dropout=0.5, dropout_cell=8)
    assert torch.equal(i, images)
    changed = s != sketches
    assert bool((s[changed] == -1).all())  # erased, never drawn
    stroke = sketches > -1
    erased = float((stroke & changed).sum()) / float(stroke.sum())
    assert 0.3 < erased < 0.7


def test_affine_moves_sketch_and_image_alike():
    sketches, _ = _pairs()
    images = sketches.expand(-1, 3, -1, -1).clone()  # the sketch as image
    s, i = augment_pairs(sketches, images, degrees=10, scale=0.1,
                         translate=0.05)
    assert s.shape == sketches.shape and i.shape == images.shape
    assert torch.allclose(i, s.expand(-1, 3, -1, -1), atol=1e-6)
    assert not torch.allclose(s, sketches)


def test_renderer_trains_on_augmented_pairs():
    """G_P of a SketchRenderer with ``pair_augment`` sees the augmented
    sketches (here: all erased by dropout, i.e. background only)."""
    from mmengine.config import Config
    from mmengine.logging import MessageHub
    from experiments import perf
    cfg = Config.fromfile('configs/skrgan/skrgan_cpu_fundus.py')
    renderer = perf.model_cfg_at_size(cfg.model, 32).renderer
    renderer.pair_augment = dict(dropout=0.999999, dropout_cell=32)
    optim = dict(cfg.optim_wrapper.render,
                 constructor='MultiOptimWrapperConstructor')
    model, wrappers = perf.build_model_and_optim(renderer, optim)
    seen = []
    gen = model.generators['image']
    gen.register_forward_hook(lambda m, args, out: seen.append(args[0]))
    MessageHub.get_current_instance().update_info('iter', 0)
    sketches, images = _pairs(n=2)
    logs = model.train_on_pairs(sketches, images, wrappers)
    assert seen and bool((seen[0] == -1).all())
    assert {'loss_pixel', 'loss_gan_d_real'} <= set(logs)
    renderer.pair_augment = dict(gamma=0.1)
    with pytest.raises(ValueError, match='gamma must be >= 1'):
        perf.build_model_and_optim(renderer, optim)
