"""Shrink a training checkpoint to what sampling and evaluation need.

    python tools/publish_model.py WORK/iter_3000.pth OUT.pth

Keeps ``meta`` (the run's config switches, which ``tools/sample.py`` and
``mmskr.apis.init_model`` read) and ``state_dict`` (every network: the
generators, their EMA copies and the discriminators, so the result loads
with ``strict=True``). Drops what only ``--resume`` needs: the optimizer
states (Adam keeps two moments per weight: about three quarters of a
SkrGAN checkpoint), the message hub and the random-generator states.

Writes ``OUT`` with the first 8 hex digits of its SHA-256 before
``.pth`` (``OUT-1a2b3c4d.pth``, mmagic's ``publish_model`` convention),
through a temporary file, so a killed run leaves no partial file. The
input is checked (:func:`~mmskr.engine.runner_utils.verify_checkpoint`)
and loaded with ``weights_only=True``.
"""
import argparse
import hashlib
import os
import os.path as osp
import sys

import torch

KEPT = ('meta', 'state_dict')


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Keep the weights and meta of a checkpoint, drop the '
        'optimizer and resume state')
    p.add_argument('in_file', help='training checkpoint (.pth)')
    p.add_argument('out_file', help='output name; the hash is added to it')
    return p.parse_args(argv)


def publish(in_file: str, out_file: str) -> str:
    """Write ``in_file``'s ``meta`` and ``state_dict`` to ``out_file`` with
    its hash in the name.

    Returns:
        str: The path written (``out_file`` without ``.pth``, ``-``, 8 hex
        digits of the SHA-256 of its bytes, ``.pth``).

    Raises:
        FileNotFoundError, ValueError, UntrustedCheckpointError: from
            :func:`~mmskr.engine.runner_utils.verify_checkpoint`.
        ValueError: the checkpoint has no ``state_dict`` (not written by
            mmengine's Runner).
    """
    import mmskr  # noqa: F401  (allow-lists mmengine's checkpoint types)
    from mmskr.engine.runner_utils import verify_checkpoint
    verify_checkpoint(in_file)
    ckpt = torch.load(in_file, map_location='cpu', weights_only=True)
    if not isinstance(ckpt, dict) or 'state_dict' not in ckpt:
        found = sorted(ckpt) if isinstance(ckpt, dict) else type(ckpt)
        raise ValueError(
            f'{in_file!r} has no state_dict (found {found}): not a '
            'checkpoint written by mmengine\'s Runner; nothing was written')
    base = out_file[:-len('.pth')] if out_file.endswith('.pth') else out_file
    os.makedirs(osp.dirname(osp.abspath(base)), exist_ok=True)
    tmp = f'{base}.tmp-{os.getpid()}'
    try:
        torch.save({k: ckpt[k] for k in KEPT if k in ckpt}, tmp)
        with open(tmp, 'rb') as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        final = f'{base}-{sha[:8]}.pth'
        os.replace(tmp, final)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return final


def main(argv=None) -> int:
    args = parse_args(argv)
    final = publish(args.in_file, args.out_file)
    print(f'{args.in_file} ({osp.getsize(args.in_file) / 2**20:.1f} MiB) '
          f'-> {final} ({osp.getsize(final) / 2**20:.1f} MiB)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
