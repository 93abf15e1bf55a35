"""The plugin installed as a package (not editable, outside the checkout)
registers everything a config can name, and carries no experiment code."""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

# {registry: sorted names of mmskr classes} and where mmskr came from.
LIST_REGISTERED = """
import json, sys
import mmskr
from mmengine.registry import Registry
import mmagic.registry as registries
out = {}
for attr in sorted(dir(registries)):
    reg = getattr(registries, attr)
    if isinstance(reg, Registry):
        names = sorted(name for name, obj in reg.module_dict.items()
                       if getattr(obj, '__module__', '').startswith('mmskr'))
        if names:
            out[attr] = names
result = dict(file=mmskr.__file__, registered=out)
"""


def _registered(python: str, cwd: str, env: dict) -> dict:
    script = LIST_REGISTERED + 'print(json.dumps(result))\n'
    res = subprocess.run([python, '-c', script], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_installed_package_registers_every_name(tmp_path):
    # the installable files only, so the build sees no checkout
    src = tmp_path / 'src'
    src.mkdir()
    for name in ('setup.py', 'README.md'):
        shutil.copy(osp.join(REPO, name), src / name)
    shutil.copytree(osp.join(REPO, 'mmskr'), src / 'mmskr',
                    ignore=shutil.ignore_patterns('__pycache__'))
    target = tmp_path / 'site'
    res = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--no-deps',
         '--no-build-isolation', '--no-index', '--quiet', '--target',
         str(target), str(src)],
        capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    installed = sorted(
        osp.relpath(osp.join(d, f), target)
        for d, _, files in os.walk(target / 'mmskr') for f in files
        if f.endswith('.py'))
    assert 'mmskr/__init__.py' in installed
    assert not (target / 'experiments').exists()
    for rel in installed:  # nothing in the plugin imports the experiments
        text = open(target / rel).read()
        assert 'import experiments' not in text and \
            'from experiments' not in text, rel

    env = dict(os.environ, PYTHONPATH=str(target))
    outside = tmp_path / 'elsewhere'
    outside.mkdir()
    got = _registered(sys.executable, str(outside), env)
    assert got['file'].startswith(str(target)), got['file']
    scope = {}
    exec(LIST_REGISTERED, scope)  # this checkout, in this process
    want = scope['result']
    assert want['file'].startswith(REPO)
    assert got['registered'] == want['registered']
    models = got['registered']['MODELS']
    for name in ('SkrGAN', 'ProgressiveSketchGAN', 'SketchRenderer',
                 'VesselUNet', 'VesselSegmentor', 'ACGAN', 'WGAN',
                 'DiffAugmentDiscriminator'):
        assert name in models, (name, models)
    assert 'VesselPairDataset' in got['registered']['DATASETS']
    for name in ('PackVesselInputs', 'RandomIntensity', 'RandomPairedCrop',
                 'SketchDraft', 'LoadMedicalImage'):
        assert name in got['registered']['TRANSFORMS'], name
    for name in ('PGGANSWD', 'MSSSIMDiversity', 'CleanFID', 'VesselMetric'):
        assert name in got['registered']['METRICS'], name
