"""The experiment runner that Table 1, Table 2 and perf share.

A *cell* is one unit of an experiment: a method on a modality (Table 1), an
arm with a seed (Table 2), one measurement (perf). Its result is one JSON
row. A cell keeps ``result.json`` (written atomically) in its work folder;
the experiment appends each new row to ``RESULTS/results.jsonl``, where the
newest row of a key wins, and renders its tables from that file alone.

* reuse: :func:`reused_row` returns the cell's saved row when its identity
  (protocol, checkpoint time, ...) is unchanged, so nothing is recomputed;
* resume: training steps resume from their last complete checkpoint (the
  experiments pass ``--resume`` to the trainer or reuse finished stages);
* run: :func:`run_cells` runs the cells in order, logs progress to stderr
  and collects the errors of failed cells without stopping the others.
"""
import ast
import datetime
import json
import os
import os.path as osp
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Callable, Dict, Hashable, List, Optional, Sequence, Tuple

import torch

from mmskr.utils.atomic_io import atomic_write_bytes
from mmskr.utils.json_lines import append_json_line, newest_json_lines

__all__ = [
    'CELL_ERRORS', 'REPO', 'CellError', 'ExperimentPreset', 'Log', 'by_name',
    'changed_fields', 'code_version', 'leaderboard', 'machine', 'now',
    'read_json', 'record', 'reused_row', 'run_cells', 'same_identity',
    'with_options', 'write_json', 'write_tables'
]


#: The repository root (experiments run from a checkout, not an install).
REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


@dataclass(frozen=True)
class ExperimentPreset:
    """A named budget and protocol; each experiment adds its fields.

    Args:
        name (str): Preset name (``--preset``).
        description (str): One line for ``--help`` and the protocol header.
    """
    name: str
    description: str = field(default='', kw_only=True)

    def to_dict(self) -> dict:
        return asdict(self)


def by_name(*presets: ExperimentPreset) -> Dict[str, ExperimentPreset]:
    """``{preset.name: preset}`` in the given order."""
    return {p.name: p for p in presets}


def with_options(preset: ExperimentPreset,
                 options: Sequence[str]) -> ExperimentPreset:
    """``preset`` with fields set from ``KEY=VALUE`` strings, for tuning
    runs (``--preset-options base_channels=32 lr=5e-4``). Values are read
    as Python literals (``None``, ``32``, ``5e-4``, ``(0, 1)``); other text
    stays a string. The name is kept: :func:`changed_fields` tells the
    variant from the preset.

    Raises:
        ValueError: an item is not ``KEY=VALUE``, names no field of the
            preset (the fields are listed), or gives a value of another
            type than the preset's.
    """
    names = [f.name for f in fields(preset)
             if f.name not in ('name', 'description')]
    changes = {}
    for item in options:
        key, sep, text = item.partition('=')
        if not sep or key not in names:
            raise ValueError(f'preset option {item!r}: expected KEY=VALUE '
                             f'with KEY one of {", ".join(names)}')
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        current = getattr(preset, key)
        if isinstance(current, float) and type(value) is int:
            value = float(value)
        if None not in (current, value) and \
                type(value) is not type(current):
            raise ValueError(
                f'preset option {item!r}: {key} is a '
                f'{type(current).__name__} in preset {preset.name} '
                f'({current!r}), not a {type(value).__name__}')
        changes[key] = value
    return replace(preset, **changes)


def changed_fields(preset: ExperimentPreset,
                   base: ExperimentPreset) -> Dict[str, object]:
    """``{field: value}`` where ``preset`` differs from ``base``."""
    return {f.name: getattr(preset, f.name) for f in fields(preset)
            if getattr(preset, f.name) != getattr(base, f.name)}


class CellError(RuntimeError):
    """A cell could not be trained or evaluated (message says why)."""


#: Errors that fail one cell and let the others run (NonFiniteLossError is
#: a FloatingPointError).
CELL_ERRORS = (CellError, FileNotFoundError, ValueError, RuntimeError,
               FloatingPointError)


class Log:
    """Progress lines ``[tag] message`` on stderr (results go to stdout)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __call__(self, msg: str) -> None:
        print(f'[{self.tag}] {msg}', file=sys.stderr, flush=True)


def now() -> str:
    """UTC time, ISO 8601 to the second."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec='seconds')


def code_version(repo: str = REPO) -> Optional[dict]:
    """The checkout that computed a result: ``commit`` (HEAD) and ``dirty``
    (tracked files differ from it); None outside a git checkout."""
    try:
        commit = subprocess.run(['git', '-C', repo, 'rev-parse', 'HEAD'],
                                capture_output=True, text=True, check=True)
        status = subprocess.run(
            ['git', '-C', repo, 'status', '--porcelain',
             '--untracked-files=no'],
            capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return dict(commit=commit.stdout.strip(), dirty=bool(status.stdout))


def machine(device: str = 'cpu') -> dict:
    """What a result was measured on, and with which code (``code``:
    :func:`code_version`), stored in every row."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    info = dict(
        platform=platform.platform(),
        cpu=cpu,
        cpu_count=os.cpu_count(),
        torch_threads=torch.get_num_threads(),
        python=platform.python_version(),
        torch=torch.__version__,
        device=str(device),
        code=code_version())
    try:
        with open('/proc/meminfo') as f:
            info['mem_gib'] = round(int(f.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    if str(device).startswith('cuda'):
        info['gpu'] = torch.cuda.get_device_name()
        info['cuda'] = torch.version.cuda
    return info


def write_json(path: str, obj) -> None:
    """Write ``obj`` as JSON atomically (a kill never leaves half a file)."""
    atomic_write_bytes((json.dumps(obj, indent=1) + '\n').encode(), path)


def read_json(path: str) -> Optional[dict]:
    """The JSON object in ``path``; None when missing or damaged (a damaged
    file is recomputed, not trusted)."""
    if not osp.isfile(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def same_identity(row: dict, **identity) -> bool:
    """Whether each ``identity`` field equals ``row``'s (compared as JSON)."""
    return all(k in row and row[k] == json.loads(json.dumps(v))
               for k, v in identity.items())


def reused_row(result_file: str, **identity) -> Optional[dict]:
    """The row saved in ``result_file`` if :func:`same_identity`, else
    None."""
    old = read_json(result_file)
    return old if old is not None and same_identity(old, **identity) \
        else None


def record(result_file: str, results_file: str, row: dict,
           key: Callable[[dict], Hashable]) -> None:
    """Save a cell's row: ``result_file`` (atomic) and, unless it is already
    the newest row of its key there, one line of ``results_file``."""
    write_json(result_file, row)
    row = json.loads(json.dumps(row))
    if newest_json_lines(results_file, key).get(key(row)) != row:
        append_json_line(results_file, row)


def run_cells(cells: Sequence[Tuple[str, Callable[[str], None]]],
              log: Log) -> List[str]:
    """Run ``(name, fn)`` cells in order; ``fn(label)`` gets the label
    ``[k/n] name`` for its progress lines.

    Returns:
        list[str]: ``'name: error'`` of each failed cell (the others ran).
    """
    failed = []
    for k, (name, fn) in enumerate(cells, 1):
        label = f'[{k}/{len(cells)}] {name}'
        try:
            fn(label)
        except CELL_ERRORS as e:
            failed.append(f'{name}: {e}')
            log(f'{label}: FAILED: {e}')
    return failed


def write_tables(results_dir: str, tables: Dict[str, str]) -> None:
    """Write ``{file name: text}`` into ``results_dir``."""
    os.makedirs(results_dir, exist_ok=True)
    for name, text in tables.items():
        with open(osp.join(results_dir, name), 'w') as f:
            f.write(text)


def leaderboard(results_dir: str, load: Callable[[str], dict],
                tables: Callable[[dict], Dict[str, str]],
                text: Callable[[dict], str], script: str) -> int:
    """Re-render an experiment's tables from ``results.jsonl``; train
    nothing.

    Args:
        results_dir (str): Holds ``results.jsonl``.
        load (callable): ``path -> results``.
        tables (callable): ``results -> {file name: text}`` written there.
        text (callable): ``results -> str`` printed.
        script (str): The experiment's command (for the hint).

    Returns:
        int: 0, or 1 when there are no results.
    """
    path = osp.join(results_dir, 'results.jsonl')
    results = load(path)
    if not results:
        print(f'no results in {path}: run {script} without --leaderboard '
              'first', file=sys.stderr)
        return 1
    write_tables(results_dir, tables(results))
    print(text(results))
    return 0
