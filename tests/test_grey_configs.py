"""The grey modalities' configs (chest X-ray, lung CT, brain MRI) read and
generate one channel as written, for anyone who builds them (no tool has to
apply ``data_channels``); fundus stays colour."""
import copy
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from mmskr.apis.config_from_data import set_image_channels

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
GREY = sorted(
    f for f in glob.glob(osp.join(REPO, 'configs', '*', '*.py'))
    if osp.basename(f).rsplit('_', 1)[-1] in ('chestxray.py', 'lungct.py',
                                              'brainmri.py'))
COLOUR = sorted(glob.glob(osp.join(REPO, 'configs', '*', '*fundus.py')))


def _loaders(cfg):
    steps = []
    for split in ('train', 'val', 'test'):
        pending = list(cfg[f'{split}_dataloader'].dataset.pipeline)
        while pending:
            step = pending.pop()
            pending += step.get('transforms', [])
            if step['type'] == 'LoadMedicalImage':
                steps.append(step)
    return steps


def test_every_grey_modality_config_is_listed():
    assert len(GREY) == 36 and len(COLOUR) == 12  # 6 methods x cpu/paper


@pytest.mark.parametrize('path', GREY, ids=osp.basename)
def test_grey_configs_are_one_channel_everywhere(path):
    cfg = Config.fromfile(path)
    assert cfg.data_channels == 1
    loaders = _loaders(cfg)
    assert loaders and all(s['channels'] == 1 for s in loaders)
    # the leaf's keys are complete: setting one channel changes nothing
    again = copy.deepcopy(cfg)
    set_image_channels(again, 1)
    assert again.to_dict() == cfg.to_dict()


@pytest.mark.parametrize('path', COLOUR, ids=osp.basename)
def test_fundus_configs_stay_colour(path):
    cfg = Config.fromfile(path)
    assert 'data_channels' not in cfg
    assert all(s['channels'] == 3 for s in _loaders(cfg))


@pytest.mark.parametrize(
    'path', [p for p in GREY if '_cpu_chestxray' in p], ids=osp.basename)
def test_grey_cpu_models_generate_one_channel(path, mmagic_scope):
    """One modality per method: the other grey leaves set the same keys
    (the test above). Their discriminators read one channel in the
    training tests."""
    from mmagic.registry import MODELS

    from mmskr.apis import generate_images
    model = MODELS.build(Config.fromfile(path).model).eval()
    images = generate_images(model, [0, 1])['fake_img']
    assert images.shape == (2, 1, 64, 64) and images.dtype.name == 'uint8'
