"""Result files as JSON lines: append one row, read the newest row per key."""
import json
import os
import os.path as osp
from typing import Callable, Dict, Hashable

__all__ = ['append_json_line', 'newest_json_lines']


def append_json_line(path: str, row: dict) -> None:
    """Append ``row`` as one JSON line to ``path`` (folders created)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'a') as f:
        f.write(json.dumps(row) + '\n')


def newest_json_lines(path: str,
                      key: Callable[[dict], Hashable]) -> Dict[Hashable, dict]:
    """Newest row per ``key(row)`` of a JSON-lines file ({} if missing).

    Raises:
        ValueError: a line is not JSON (the file and line are named).
    """
    rows: Dict[Hashable, dict] = {}
    if not osp.isfile(path):
        return rows
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f'{path}:{n}: not a JSON line ({e}); fix or '
                                 'delete the line and re-render') from e
            rows[key(row)] = row
    return rows
