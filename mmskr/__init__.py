"""mmskr: SkrGAN (MICCAI 2019) as a plugin for OpenMMLab's mmagic.

Importing the package applies the upstream workarounds in
:mod:`mmskr.compat` (before mmagic's models load) and registers the plugin's
datasets, transforms, models, metrics and hooks into mmagic's registries.
Configs load it with ``custom_imports = dict(imports=['mmskr'])``.
"""
from . import compat

compat.apply_early()

from . import apis, datasets, engine, models  # noqa: E402,F401
from . import evaluation  # noqa: E402,F401  (registers metrics)
from .version import __version__  # noqa: E402

compat.apply_late()

__all__ = [
    '__version__', 'apis', 'compat', 'datasets', 'engine', 'models',
    'evaluation'
]
