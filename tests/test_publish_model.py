"""tools/publish_model.py: a checkpoint without its resume state loads
strictly with the same weights, under a name holding its hash."""
import hashlib
import os
import os.path as osp
import re

import pytest
import torch

from training_runs import load_cli

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs/skrgan/skrgan_cpu_lungct.py')


def _training_checkpoint(path: str) -> dict:
    """A SkrGAN checkpoint as the Runner writes one: weights, meta and an
    Adam state of the same size as the generator's weights, twice."""
    import mmskr  # noqa: F401
    from mmagic.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(CONFIG).model)
    params = list(model.sketch_gan.generator.parameters())
    adam = torch.optim.Adam(params)
    for p in params:
        p.grad = torch.ones_like(p)
    adam.step()
    state = model.state_dict()
    torch.save({'meta': {'iter': 7}, 'state_dict': state,
                'optimizer': adam.state_dict(),
                'message_hub': {'log_scalars': {}}}, path)
    return state


def test_publish_keeps_weights_and_meta_drops_resume_state(
        tmp_path, fake_data_root, monkeypatch):
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    src = str(tmp_path / 'iter_7.pth')
    state = _training_checkpoint(src)
    tool = load_cli('tools/publish_model.py')
    final = tool.publish(src, str(tmp_path / 'new' / 'skrgan_lungct.pth'))
    m = re.fullmatch(r'skrgan_lungct-([0-9a-f]{8})\.pth',
                     osp.basename(final))
    assert m, final
    with open(final, 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest()[:8] == m.group(1)
    # the folder is made; no temporary file is left
    assert os.listdir(tmp_path / 'new') == [osp.basename(final)]
    out = torch.load(final, map_location='cpu', weights_only=True)
    assert sorted(out) == ['meta', 'state_dict'] and out['meta'] == {
        'iter': 7}
    assert osp.getsize(final) < osp.getsize(src)
    from mmskr.apis import init_model
    model = init_model(CONFIG, final)  # strict: every key is there
    loaded = model.state_dict()
    assert loaded.keys() == state.keys()
    assert all(torch.equal(loaded[k], state[k]) for k in state)


def test_publish_refuses_what_is_not_a_runner_checkpoint(tmp_path):
    tool = load_cli('tools/publish_model.py')
    with pytest.raises(FileNotFoundError, match='no such checkpoint'):
        tool.publish(str(tmp_path / 'missing.pth'), str(tmp_path / 'o.pth'))
    bare = str(tmp_path / 'bare.pth')
    torch.save({'weights': torch.zeros(2)}, bare)
    with pytest.raises(ValueError, match="no state_dict.*'weights'"):
        tool.publish(bare, str(tmp_path / 'o.pth'))
    assert sorted(os.listdir(tmp_path)) == ['bare.pth']
