"""Helpers around mmengine's Runner: finding a checkpoint to resume from."""
import glob
import os.path as osp
import re
import zipfile
from typing import Optional

_CKPT_RE = re.compile(r'(iter|epoch)_(\d+)\.pth$')


def is_complete_checkpoint(path: str) -> bool:
    """True if ``path`` is a whole torch zip checkpoint (not truncated)."""
    if not osp.isfile(path) or osp.getsize(path) == 0:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest complete checkpoint in ``work_dir``.

    mmengine records the last checkpoint in ``work_dir/last_checkpoint``. A
    run killed while writing that file or a checkpoint can leave it empty or
    pointing at a broken file; then the newest complete ``iter_N.pth`` /
    ``epoch_N.pth`` is used instead.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        str | None: Checkpoint path, or None when there is none.
    """
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record, encoding='utf-8') as f:
            last = f.read().strip()
        if last and not osp.isabs(last) and not osp.isfile(last):
            last = osp.join(work_dir, osp.basename(last))
        if last and is_complete_checkpoint(last):
            return last
    found = []
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        m = _CKPT_RE.search(osp.basename(path))
        if m:
            found.append((int(m.group(2)), path))
    for _, path in sorted(found, reverse=True):
        if is_complete_checkpoint(path):
            return path
    return None
