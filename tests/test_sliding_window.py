"""Sliding-window vessel maps equal whole-image ones."""
import pytest
import torch

from mmskr.models.editors.vessel_seg.sliding_window import (
    pad_to_multiple, sliding_window_logits, unet_receptive_radius,
    window_spans)


def test_spans_tile_the_axis_with_margins_inside():
    for length, window, margin in ((100, 40, 8), (96, 32, 8), (40, 40, 8),
                                   (30, 40, 8), (101, 48, 16)):
        spans = window_spans(length, window, margin)
        kept = [i for _, a, b in spans for i in range(a, b)]
        assert kept == list(range(length)), (length, window, margin)
        for k, (start, a, b) in enumerate(spans):
            assert start >= 0 and start + min(window, length) <= length
            if k > 0:
                assert a - start >= margin
            if k < len(spans) - 1:
                assert start + window - b >= margin
    assert window_spans(100, 40, 8)[0] == (0, 0, 32)
    with pytest.raises(ValueError, match='keeps nothing'):
        window_spans(100, 32, 16)


def test_receptive_radius_bounds_the_unets_reach(mmagic_scope):
    """A change of one input pixel moves logits at most r pixels away."""
    from mmskr.models.editors.vessel_seg.vessel_unet import VesselUNet
    torch.manual_seed(0)
    net = VesselUNet(base_channels=2, num_levels=2).eval().double()
    r = unet_receptive_radius(2)
    assert r == 29
    x = torch.randn(1, 3, 128, 128, dtype=torch.float64)
    for p in (64, 65, 66, 67):  # every phase of the pooling grid
        y = x.clone()
        y[..., p, p] += 10
        changed = (net(x) - net(y)).abs()[0, 0] > 0
        rows, cols = torch.nonzero(changed, as_tuple=True)
        assert len(rows) > 100
        assert (rows - p).abs().max() <= r and (cols - p).abs().max() <= r


def test_sliding_window_equals_whole_image(mmagic_scope):
    from mmskr.models.editors.vessel_seg.vessel_unet import VesselUNet
    torch.manual_seed(0)
    net = VesselUNet(base_channels=4, num_levels=2).eval().double()
    image = torch.randn(2, 3, 150, 171, dtype=torch.float64)  # not x4
    whole = net(pad_to_multiple(image, 4))[..., :150, :171]
    margin = 32  # >= the radius 29, a multiple of 4
    windowed = sliding_window_logits(net, image, window=96, margin=margin,
                                     align=4)
    assert windowed.shape == (2, 1, 150, 171)
    assert torch.allclose(windowed, whole, rtol=0, atol=1e-12)
    # too small a margin: the crops' borders show
    short = sliding_window_logits(net, image, window=96, margin=4, align=4)
    assert (short - whole).abs().max() > 1e-6
    with pytest.raises(ValueError, match='multiples of align'):
        sliding_window_logits(net, image, window=90, margin=32, align=4)


def test_pad_to_multiple():
    x = torch.arange(30.).reshape(1, 1, 5, 6)
    p = pad_to_multiple(x, 4)
    assert p.shape == (1, 1, 8, 8)
    assert torch.equal(p[..., :5, :6], x)
    assert torch.equal(p[..., 5, :6], x[..., 3, :])  # reflection
    assert pad_to_multiple(x[..., :4, :4], 4).shape == (1, 1, 4, 4)
