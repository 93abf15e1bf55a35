"""Installs the ``mmskr`` plugin (SkrGAN for mmagic).

The pinned third-party requirements live in ``requirements/`` and are
installed by ``make install``; mmagic itself must be installed with
``--no-deps`` (see ``requirements/mmagic.txt``), so they are not repeated in
``install_requires`` where pip would resolve them again.
"""
from setuptools import find_packages, setup


def _version() -> str:
    scope: dict = {}
    with open('mmskr/version.py', encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='mmskr',
    version=_version(),
    description='SkrGAN (MICCAI 2019) as an OpenMMLab mmagic plugin, with a '
    'medical GAN benchmark harness',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmskr', 'mmskr.*']),
    python_requires='>=3.11',
    license='Apache-2.0',
)
