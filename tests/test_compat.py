"""Each workaround in mmskr.compat fails without the fix and works with it."""
import io
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import mmskr
from mmskr import compat


def _run(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (imports are process-global)."""
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)


def test_all_workarounds_applied_on_import():
    assert compat.applied() == [
        'patch_numpy_bool8', 'install_mmcv_ext_placeholder',
        'register_safe_checkpoint_globals', 'fix_init_info',
        'atomic_checkpoint_writes', 'cpu_distributed_init',
        'order_progressive_scales', 'destroy_process_group_at_exit',
        'unwrapped_ddp_state_dicts'
    ]


# 1. numpy 2: np.bool8 --------------------------------------------------------
def test_numpy_bool8_upstream_fails_without_fix():
    res = _run('import mmagic.utils')
    if np.__version__.startswith('1.'):
        pytest.skip('numpy 1 still has np.bool8')
    assert res.returncode != 0
    assert 'bool8' in res.stderr


def test_numpy_bool8_alias():
    assert np.bool8 is np.bool_
    import mmagic.utils.trans_utils  # noqa: F401  (reads np.bool8)


# 2. mmcv-lite: mmcv._ext --------------------------------------------------------
def test_mmagic_models_import_fails_without_placeholder():
    res = _run("""
        import numpy as np
        np.bool8 = np.bool_
        import mmagic.models
    """)
    assert res.returncode != 0
    assert "No module named 'mmcv._ext'" in res.stderr


def test_mmcv_ext_placeholder_raises_clear_error():
    import mmagic.models  # noqa: F401  (imports mmcv.ops through StyleGAN2)
    ext = sys.modules['mmcv._ext']
    assert getattr(ext, 'mmskr_placeholder', False)
    assert ext.__spec__.loader is None
    with pytest.raises(compat.MissingMMCVOpsError, match='mmcv-lite'):
        ext.fused_bias_leakyrelu(torch.zeros(1))


# 3. safe checkpoint loading (mmengine#1655) -----------------------------------
def _mmengine_like_checkpoint() -> bytes:
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(1.5)
    buf.update(np.float64(2.0))
    state = {
        'meta': {'iter': 3, 'seed': 0,
                 'message_hub': {'log_scalars': {'loss': buf},
                                 'runtime_info': {'arr': np.arange(3)}}},
        'state_dict': {'w': torch.ones(2)},
    }
    f = io.BytesIO()
    torch.save(state, f)
    return f.getvalue()


def test_checkpoint_with_mmengine_types_fails_without_allowlist():
    res = _run("""
        import io, pickle, torch, numpy as np
        from mmengine.logging import HistoryBuffer
        buf = HistoryBuffer(); buf.update(1.0)
        f = io.BytesIO(); torch.save({'b': buf, 'a': np.arange(2)}, f)
        f.seek(0)
        try:
            torch.load(f)
        except pickle.UnpicklingError as e:
            print('REFUSED', e)
    """)
    assert 'REFUSED' in res.stdout, res.stderr


def test_checkpoint_with_mmengine_types_loads_safely():
    state = torch.load(io.BytesIO(_mmengine_like_checkpoint()))
    buf = state['meta']['message_hub']['log_scalars']['loss']
    assert buf.mean() == pytest.approx(1.75)
    assert buf.max() == pytest.approx(2.0)
    np.testing.assert_array_equal(
        state['meta']['message_hub']['runtime_info']['arr'], np.arange(3))
    assert torch.equal(state['state_dict']['w'], torch.ones(2))


class _Payload:
    """Unpickling this would run a shell command."""

    def __reduce__(self):
        return (os.system, ('echo pwned > /dev/null', ))


def test_malicious_checkpoint_is_refused():
    f = io.BytesIO()
    torch.save({'state_dict': {}, 'x': _Payload()}, f)
    f.seek(0)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        torch.load(f)


def test_getattr_is_restricted_to_history_buffer_methods():
    from mmengine.logging import HistoryBuffer
    assert compat._history_buffer_getattr(HistoryBuffer,
                                          'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError, match='refusing'):
        compat._history_buffer_getattr(HistoryBuffer, '__init__')
    with pytest.raises(pickle.UnpicklingError, match='refusing'):
        compat._history_buffer_getattr(os, 'system')


# 4. init_info UnboundLocalError (mmagic#2109) ----------------------------------
def _with_init_info(module):
    """Mimic what mmengine's BaseModule.init_weights sets up at top level."""
    from mmengine.model.weight_init import update_init_info  # noqa: F401
    from collections import defaultdict
    module._params_init_info = defaultdict(dict)
    for name, param in module.named_parameters():
        module._params_init_info[param]['init_info'] = 'default'
        module._params_init_info[param]['tmp_mean_value'] = param.data.mean()
    for sub in module.modules():
        sub._params_init_info = module._params_init_info
    return module


def test_generation_init_weights_upstream_crashes_and_fix_works():
    from mmagic.models.archs import PatchDiscriminator
    disc = _with_init_info(
        PatchDiscriminator(in_channels=2, base_channels=4, num_conv=2))
    upstream = compat.ORIGINALS[
        'mmagic.models.utils.model_utils.generation_init_weights']
    with pytest.raises(UnboundLocalError, match='init_info'):
        upstream(disc)
    compat.generation_init_weights(disc, init_gain=0.02)
    conv = next(m for m in disc.modules() if isinstance(m, torch.nn.Conv2d))
    assert 0.005 < conv.weight.std().item() < 0.05


def test_dcgan_discriminator_init_upstream_crashes_and_fix_works():
    from mmagic.models.editors.dcgan import DCGANDiscriminator
    disc = _with_init_info(
        DCGANDiscriminator(input_scale=16, output_scale=4, out_channels=1,
                           base_channels=4))
    with pytest.raises(UnboundLocalError, match='init_info'):
        compat.ORIGINALS['DCGANDiscriminator.init_weights'](disc)
    disc.init_weights()  # patched
    conv = next(m for m in disc.modules() if isinstance(m, torch.nn.Conv2d))
    assert 0.005 < conv.weight.std().item() < 0.05


# 5. atomic checkpoint writes ------------------------------------------------
def _enospc_open(real_open):
    import errno

    class _File:

        def __init__(self, f):
            self.f = f

        def write(self, data):
            self.f.write(data[:len(data) // 2])
            raise OSError(errno.ENOSPC, 'No space left on device')

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def fake_open(*args, **kwargs):
        return _File(real_open(*args, **kwargs))

    return fake_open


def test_upstream_put_leaves_truncated_file_on_enospc(tmp_path, monkeypatch):
    import builtins
    upstream = compat.ORIGINALS['LocalBackend.put']
    target = tmp_path / 'iter_2.pth'
    target.write_bytes(b'good old checkpoint')
    monkeypatch.setattr(builtins, 'open', _enospc_open(builtins.open))
    with pytest.raises(OSError):
        upstream(None, b'x' * 100, str(target))
    monkeypatch.undo()
    assert target.read_bytes() == b'x' * 50  # the old checkpoint is lost


def test_atomic_put_keeps_previous_file_on_enospc(tmp_path, monkeypatch):
    import os as _os
    from mmengine.fileio.backends import LocalBackend
    target = tmp_path / 'iter_2.pth'
    target.write_bytes(b'good old checkpoint')
    real_fdopen = _os.fdopen
    monkeypatch.setattr(_os, 'fdopen', _enospc_open(real_fdopen))
    with pytest.raises(OSError, match='No space'):
        LocalBackend().put(b'x' * 100, str(target))
    monkeypatch.undo()
    assert target.read_bytes() == b'good old checkpoint'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['iter_2.pth']
    LocalBackend().put(b'new', str(target))
    assert target.read_bytes() == b'new'


def test_package_version():
    assert mmskr.__version__ == '0.1.0'


# 6. distributed init without CUDA -------------------------------------------
def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _single_process_env(monkeypatch):
    for k, v in dict(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
                     MASTER_ADDR='127.0.0.1',
                     MASTER_PORT=str(_free_port())).items():
        monkeypatch.setenv(k, v)


@pytest.mark.skipif(torch.cuda.is_available(), reason='needs a CPU machine')
def test_upstream_dist_init_fails_without_cuda(monkeypatch):
    _single_process_env(monkeypatch)
    with pytest.raises((RuntimeError, AssertionError, AttributeError)):
        compat.ORIGINALS['_init_dist_pytorch']('gloo')
    assert not torch.distributed.is_initialized()


@pytest.mark.skipif(torch.cuda.is_available(), reason='needs a CPU machine')
def test_dist_init_on_cpu_uses_gloo(monkeypatch):
    from mmengine.dist import init_dist
    _single_process_env(monkeypatch)
    try:
        with pytest.warns(UserWarning, match='gloo backend instead of nccl'):
            init_dist('pytorch', backend='nccl')  # the configs' default
        assert torch.distributed.is_initialized()
        assert torch.distributed.get_backend() == 'gloo'
        assert torch.distributed.get_world_size() == 1
    finally:
        if torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


@pytest.mark.skipif(torch.cuda.is_available(), reason='needs a CPU machine')
def test_process_group_is_destroyed_before_interpreter_exit():
    # an atexit handler registered before ``import mmskr`` runs after
    # mmskr's (LIFO): by then the gloo group must be gone and its worker
    # threads joined, so no gloo thread outlives Python
    res = _run(f"""
        import atexit, os
        os.environ.update(RANK='0', LOCAL_RANK='0', WORLD_SIZE='1',
                          MASTER_ADDR='127.0.0.1', MASTER_PORT='{_free_port()}')
        import torch, torch.distributed as dist
        def threads(name):
            tasks = '/proc/self/task'
            return sum(
                open(os.path.join(tasks, t, 'comm')).read().strip() == name
                for t in os.listdir(tasks))
        atexit.register(lambda: print(
            'at exit initialized:', dist.is_initialized(),
            '\\ngloo threads:', threads('pt_gloo_runloop')))
        import mmskr
        from mmengine.dist import init_dist
        init_dist('pytorch', backend='gloo')
        t = torch.ones(3)
        dist.all_reduce(t)
        print('world', dist.get_world_size(), 'sum', float(t.sum()))
        # a progressive GAN's wrapper (unused layers of other scales) kept
        # alive by a reference cycle, as the Runner keeps its model
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.used, self.unused = torch.nn.Linear(3, 3), \
                    torch.nn.Linear(3, 3)
            def forward(self, x):
                return self.used(x)
        class Runner:
            pass
        runner = Runner()
        runner.self = runner
        runner.model = torch.nn.parallel.DistributedDataParallel(
            Net(), find_unused_parameters=True)
        for _ in range(2):
            runner.model(torch.ones(2, 3)).sum().backward()
        import gc
        gc.collect()  # old objects, as a Runner's are after a run
        del runner
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'world 1 sum 3.0' in res.stdout
    assert 'at exit initialized: False' in res.stdout
    assert 'gloo threads: 0' in res.stdout


def test_exit_handler_is_a_no_op_without_a_process_group():
    assert not torch.distributed.is_initialized()
    compat._destroy_process_group()  # nothing to destroy: no error
    assert not torch.distributed.is_initialized()


# 7. dumped progressive configs ------------------------------------------------


def _dumped_pggan_cfg(tmp_path):
    """The CPU PGGAN config after a Config.dump round trip, as in work dirs."""
    from mmengine import Config
    cfg = Config.fromfile('configs/pggan/pggan_cpu_lungct.py')
    cfg.dump(str(tmp_path / 'dumped.py'))
    return Config.fromfile(str(tmp_path / 'dumped.py'))


def test_config_dump_sorts_scales_as_strings(tmp_path):
    keys = list(_dumped_pggan_cfg(tmp_path).model.nkimgs_per_scale)
    assert keys == ['16', '32', '4', '64', '8']  # mmengine's pretty_text


def test_upstream_pggan_rejects_dumped_config(tmp_path):
    from mmagic.models.editors.pggan import ProgressiveGrowingGAN
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    model = _dumped_pggan_cfg(tmp_path).model
    model.pop('type')
    model.pop('real_fade_in')  # ScheduledPGGAN's; upstream has none
    obj = ProgressiveGrowingGAN.__new__(ProgressiveGrowingGAN)
    with pytest.raises(AssertionError):
        compat.ORIGINALS['ProgressiveGrowingGAN.__init__'](obj, **model)


def test_dumped_progressive_configs_build(tmp_path):
    from mmagic.registry import MODELS
    from mmengine import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    for path in ('configs/pggan/pggan_cpu_lungct.py',
                 'configs/skrgan/skrgan_cpu_lungct.py'):
        cfg = Config.fromfile(path)
        cfg.dump(str(tmp_path / 'dumped.py'))
        dumped = Config.fromfile(str(tmp_path / 'dumped.py'))
        model = MODELS.build(dumped.model)
        gan = getattr(model, 'sketch_gan', model)
        assert [s[0] for s in gan.scales] == [4, 8, 16, 32, 64]
        assert compat.ordered_nkimgs_per_scale(
            {'64': 1, '8': 2, '4x4': 3}) == {'4x4': 3, '8': 2, '64': 1}


def test_orphaned_temp_files_of_dead_writers_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, '-c', 'import os; print(os.getpid())'],
        capture_output=True, text=True).stdout.strip()
    orphan = tmp_path / f'.iter_3.pth.{dead}.abc123.tmp'
    live = tmp_path / f'.iter_5.pth.{os.getpid()}.def456.tmp'
    other = tmp_path / 'notes.tmp'
    for path in (orphan, live, other):
        path.write_bytes(b'x')
    from mmskr.utils.atomic_io import atomic_write_bytes
    atomic_write_bytes(b'data', tmp_path / 'iter_4.pth')
    assert not orphan.exists() and live.exists() and other.exists()
    assert (tmp_path / 'iter_4.pth').read_bytes() == b'data'


# 9. state dicts of separately wrapped networks ------------------------------
class _TwoNets(torch.nn.Module):
    """A GAN-shaped model: two networks and a buffer of its own."""

    def __init__(self):
        super().__init__()
        self.generator = torch.nn.Linear(3, 2)
        self.discriminator = torch.nn.Sequential(torch.nn.Linear(2, 1))
        self.register_buffer('shown', torch.zeros(1))


def _separately_wrapped(model):
    from mmengine.model import MMSeparateDistributedDataParallel
    return MMSeparateDistributedDataParallel(model)


@pytest.fixture
def gloo_group(monkeypatch):
    _single_process_env(monkeypatch)
    torch.distributed.init_process_group('gloo', rank=0, world_size=1)
    yield
    torch.distributed.destroy_process_group()


def _resumed(saved: dict) -> tuple:
    """What mmengine's Runner.load_checkpoint does with ``saved``: loads it
    (not strictly) into a fresh separately wrapped model."""
    from mmengine.runner.checkpoint import _load_checkpoint_to_model
    torch.manual_seed(1)
    fresh = _separately_wrapped(_TwoNets())
    _load_checkpoint_to_model(fresh.module, {'state_dict': saved})
    return fresh.module


def test_upstream_separate_ddp_checkpoint_does_not_resume(gloo_group):
    torch.manual_seed(0)
    wrapped = _separately_wrapped(_TwoNets())
    net = wrapped.module  # Runner.save_checkpoint: model.module.state_dict()
    net.shown += 8
    upstream = compat.ORIGINALS['MMDistributedDataParallel.state_dict']
    saved = {
        'shown': net.shown.clone(),
        **upstream(net.generator, prefix='generator.'),
        **upstream(net.discriminator, prefix='discriminator.')
    }
    assert 'generator.module.weight' in saved
    back = _resumed(saved)
    assert float(back.shown) == 8  # the model's own buffer loads ...
    assert not torch.equal(back.generator.module.weight,
                           net.generator.module.weight)  # ... its nets not


def test_separate_ddp_checkpoint_keys_and_resume(gloo_group):
    torch.manual_seed(0)
    wrapped = _separately_wrapped(_TwoNets())
    net = wrapped.module
    saved = net.state_dict()
    assert set(saved) == set(_TwoNets().state_dict())  # single-process keys
    back = _resumed(saved)
    for key, value in net.state_dict().items():
        assert torch.equal(back.state_dict()[key], value), key
