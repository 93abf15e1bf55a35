"""Item 6: config mistakes are clear errors from ``tools/train.py`` before
anything is built or trained (the work dir is never created)."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from reliability_utils import REPO, load_tool, tiny_argv

from mmskr.utils.config_check import generator_resolution, validate_config


@pytest.fixture
def train_fails(fake_data_root, tmp_path, monkeypatch):
    """``train_fails(error, match, *cfg_options, env=None)``: run
    ``tools/train.py`` and check it raises before building the Runner."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    work = tmp_path / 'work'
    train = load_tool('tools/train.py')

    def check(error, match, *options, extra=(), env=None):
        if env is not None:
            monkeypatch.setenv('MMSKR_DATA_ROOT', env)
        argv = tiny_argv(str(work), 2, *options, validation=True)
        with pytest.raises(error, match=match):
            train.main(argv + list(extra))
        assert not work.exists()

    return check


@pytest.mark.parametrize('option,path', [
    ('model.type=SkrGANN', r'model\.type'),
    ('model.sketch_gan.generator.type=NoSuchGenerator',
     r'model\.sketch_gan\.generator\.type'),
])
def test_unknown_model_type(train_fails, option, path):
    name = option.split('=')[1]
    train_fails(
        ValueError, rf"{path}='{name}' is not registered in the "
        r"mmagic::model registry.*custom_imports=.*mmskr", option)


@pytest.mark.parametrize('option,match', [
    ('model.sketch_gan.nkimgs_per_scale.128=1',
     'nkimgs_per_scale ends at 128 px but the training pipeline resizes '
     'images to 64x64'),
    ('model.sketch_gan.nkimgs_per_scale.24=1',
     r"image sizes, each twice the previous.*'24'"),
    ('model.sketch_gan.generator.out_scale=128',
     r'ends at 64 px but model\.sketch_gan\.generator\.out_scale=128'),
    ('train_dataloader.dataset.pipeline.0.transforms.2.scale=(32,32)',
     'ends at 64 px but the training pipeline resizes images to 32x32'),
])
def test_wrong_resolution_for_the_progressive_schedule(train_fails, option,
                                                       match):
    train_fails(ValueError, match, option)


def test_odd_ms_ssim_count(train_fails):
    train_fails(
        ValueError, r'val_evaluator\.metrics\.1 \(MSSSIMDiversity\): '
        'fake_nums=99.*even count', 'val_evaluator.metrics.1.fake_nums=99')


def test_mmagic_ms_ssim_odd_count_and_batch(fake_data_root, monkeypatch):
    """mmagic's own MS_SSIM only asserts (a bare AssertionError once the
    Runner builds the evaluator, or mid-validation for the batch)."""
    from mmagic.registry import METRICS
    with pytest.raises(AssertionError):
        METRICS.build(dict(type='MS_SSIM', fake_nums=9))
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    cfg = Config.fromfile(osp.join(REPO, 'configs/skrgan/'
                                   'skrgan_cpu_lungct.py'))
    cfg.val_evaluator.metrics = [dict(type='MS_SSIM', fake_nums=9)]
    with pytest.raises(ValueError, match=r'MS_SSIM\): fake_nums=9'):
        validate_config(cfg)
    cfg.val_evaluator.metrics[0].fake_nums = 10
    cfg.val_dataloader.batch_size = 5
    with pytest.raises(ValueError, match='batch_size=5 must be even'):
        validate_config(cfg)


def test_missing_data_root(train_fails, tmp_path):
    missing = str(tmp_path / 'nowhere')
    train_fails(FileNotFoundError, f'--data-root {missing} is not a folder',
                extra=['--data-root', missing])
    train_fails(FileNotFoundError,
                rf"data_root '{missing}' is not a folder "
                rf"\(MMSKR_DATA_ROOT='{missing}'\)", env=missing)
    empty = tmp_path / 'empty'
    empty.mkdir()
    train_fails(FileNotFoundError,
                r"image folder '.*empty/LUNG_CT_KMADER/2d_images' .*does not "
                'exist', env=str(empty))


def test_every_shipped_config_passes(fake_data_root, monkeypatch):
    """No false alarms: every config of the repository validates."""
    monkeypatch.setenv('MMSKR_DATA_ROOT', fake_data_root)
    configs = sorted(glob.glob(osp.join(REPO, 'configs', '*', '*.py')))
    assert len(configs) >= 8
    for path in configs:
        validate_config(Config.fromfile(path))


@pytest.mark.parametrize('config, size', [
    ('skrgan/skrgan_cpu_fundus_128px.py', 128),  # the sketch generator's
    ('pggan/pggan_cpu_fundus.py', 64),  # out_scale
    ('dcgan/dcgan_cpu_fundus.py', 64),  # output_scale
])
def test_generator_resolution_reads_the_generators_output(config, size):
    cfg = Config.fromfile(osp.join(REPO, 'configs', config))
    assert generator_resolution(cfg) == size
    assert generator_resolution(Config(dict(model=dict(type='X')))) is None
