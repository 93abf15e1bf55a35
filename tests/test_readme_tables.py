"""The committed tables (results folders and README blocks) are what their
results files give, and the README block markers are handled strictly."""
import pytest

from experiments import readme


def test_committed_tables_rerender_identically():
    assert readme.stale() == [], (
        'run python benchmarks/tables.py --update-readme and commit')


def test_result_tables_cover_table1_table2_and_perf():
    tables = readme.result_tables()
    assert {'table1_cpu/table.md', 'table2_cpu/table.md',
            'table2_native_cpu/table.md', 'perf_cpu/table.md'} <= set(tables)
    assert 'SkrGAN' in tables['table1_cpu/table.md']
    assert 'AUC' in tables['table2_cpu/table.md']


def test_update_readme_replaces_only_between_markers():
    text = ('intro\n<!-- BEGIN GENERATED a -->\nold\nlines\n'
            '<!-- END GENERATED a -->\noutro\n')
    out = readme.update_readme(text, {'a': 'new\n'})
    assert out == ('intro\n<!-- BEGIN GENERATED a -->\nnew\n'
                   '<!-- END GENERATED a -->\noutro\n')
    assert readme.update_readme(out, {'a': 'new\n'}) == out


def test_missing_marker_is_a_clear_error():
    with pytest.raises(ValueError, match='no block.*BEGIN GENERATED b'):
        readme.update_readme('no markers here\n', {'b': 'x\n'})


def test_table1_legend_explains_only_the_tags_shown():
    both = readme.table1_legend('| 1 (p1) | 3 (p2) |')
    assert '"(p1)": one training seed' in both
    assert '"(p2)": three seeds' in both
    only_p1 = readme.table1_legend('| 1 (p1) | 3 |')
    assert '(p1)' in only_p1 and '(p2)' not in only_p1
    assert readme.table1_legend('| 3 | 3 |') == ''


def test_readme_table2_puts_the_papers_rows_beside_ours():
    """The README's native Table 2: the paper's two rows labelled
    ``reported`` under ours at DRIVE's grid, then the paired differences
    against ``none``."""
    block = readme.readme_blocks()['table2-native-cpu']
    rows = [line for line in block.splitlines() if line.startswith('| ')]
    sources = [r.split('|')[2].strip() for r in rows[1:]]
    assert sources[-2:] == ['reported', 'reported']
    assert set(sources[:-2]) == {'ours'}
    reported = {r.split('|')[1].strip(): r for r in rows if 'reported' in r}
    assert '0.8464' in reported['with (SkrGAN pairs)']
    assert '0.7781' in reported['without']
    assert 'Paired differences against `none`' in block
