"""Shared pytest fixtures and markers."""
import os

import pytest


def pytest_configure(config):
    config.addinivalue_line('markers', 'realdata: needs MMSKR_DATA_ROOT')


@pytest.fixture
def data_root() -> str:
    """The real data folder from ``MMSKR_DATA_ROOT``; skips when unset."""
    root = os.environ.get('MMSKR_DATA_ROOT')
    if not root:
        pytest.skip('MMSKR_DATA_ROOT is not set (point it at the shared '
                    'real-data folder to run realdata tests)')
    if not os.path.isdir(root):
        pytest.skip(f'MMSKR_DATA_ROOT={root!r} is not a folder')
    return root


@pytest.fixture
def mmagic_scope():
    """Build registry objects in mmagic's scope, as mmagic configs do."""
    import mmskr  # noqa: F401  (registers into mmagic; numpy-2 fixes)
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    return 'mmagic'
