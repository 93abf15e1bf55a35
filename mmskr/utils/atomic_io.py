"""Atomic file writes: a kill or a full disk never leaves half a file.

The content goes to a temporary file beside the target (``.NAME.PID.X.tmp``),
is fsynced and renamed over the target; a writer killed mid-write leaves
only its temporary file, removed by the next write into that folder. Used
for checkpoints (mmskr's compat workaround 5 routes mmengine's
``LocalBackend.put`` here), result rows, pair sets and PNG files.
"""
import os
import re
import tempfile

__all__ = ['atomic_write_bytes', 'remove_orphaned_temp_files']


def atomic_write_bytes(data: bytes, filepath) -> None:
    """Write ``data`` to ``filepath`` atomically (temp file + rename).

    Args:
        data (bytes): Content.
        filepath (str | Path): Target path; its folder is created.

    Raises:
        OSError: When writing fails (for example ENOSPC); the target is then
            left as it was and the temporary file is removed.
    """
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{os.path.basename(filepath)}.{os.getpid()}.',
        suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    remove_orphaned_temp_files(folder)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_orphaned_temp_files(folder: str) -> list:
    """Delete temp files of :func:`atomic_write_bytes` whose writer is dead.

    A writer killed mid-write (SIGKILL, power loss) leaves its
    ``.NAME.PID.XXXX.tmp`` behind; the target is intact, the temp file is
    only wasted disk (a full checkpoint). Files of live processes are kept.

    Returns:
        list[str]: The paths removed.
    """
    removed = []
    pattern = re.compile(r'^\..+\.(\d+)\.[^.]+\.tmp$')
    for name in os.listdir(folder):
        m = pattern.match(name)
        if m and not _pid_alive(int(m.group(1))):
            path = os.path.join(folder, name)
            try:
                os.remove(path)
                removed.append(path)
            except FileNotFoundError:
                pass
    return removed
