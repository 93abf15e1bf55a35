"""Re-render every generated table from the results files; train nothing.

    python benchmarks/tables.py --update-readme   # write them
    python benchmarks/tables.py --check           # exit 1 if one differs

Writes the results folders' ``table.md`` / ``table.csv`` and the README's
blocks between ``<!-- BEGIN GENERATED name -->`` and
``<!-- END GENERATED name -->`` (see ``experiments/readme.py``).
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from experiments import readme  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument('--update-readme', action='store_true',
                      help='write the tables and the README blocks')
    mode.add_argument('--check', action='store_true',
                      help='list the tables that differ; exit 1 if any')
    args = p.parse_args(argv)
    if args.check:
        stale = readme.stale()
        for what in stale:
            print(f'stale: {what}')
        return 1 if stale else 0
    for what in readme.write_all():
        print(f'rewritten: {what}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
