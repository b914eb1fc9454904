"""Hostile inventories: mutated example files never crash, hang or get written by read-only commands.

The mutations and the judge are :mod:`bench.fuzz` (``python -m bench.fuzz
--cases 10000`` runs them long); here hypothesis draws a few dozen cases
and shrinks any failure to the fewest mutations.  Each case runs
``check``, ``fmt --check``, ``build clear --all --dry-run`` and
``bom show vco:v1`` in this process and asserts: exit 0 or 1, no
traceback, not a byte written, well under the time limit.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.fuzz import FOCUS, HOSTILE, KINDS, Mutation, example_files, run_case

FILES = example_files()

mutations = st.lists(
    st.builds(
        Mutation,
        path=st.sampled_from(FOCUS) | st.sampled_from(FILES),
        kind=st.sampled_from(KINDS),
        a=st.integers(0, 1 << 16),
        b=st.integers(0, 1 << 16),
        snippet=st.integers(0, len(HOSTILE) - 1),
    ),
    min_size=1,
    max_size=3,
)


def _judge(case: list[Mutation]) -> None:
    with tempfile.TemporaryDirectory(prefix="ctb-fuzz-") as tmp:
        for outcome in run_case(case, Path(tmp)):
            assert outcome.problem() is None, (
                f"{' '.join(outcome.command)}: {outcome.problem()}\n"
                + "\n".join(m.describe() for m in case)
                + f"\n{outcome.output[-2000:]}"
            )


@settings(max_examples=50)
@given(mutations)
def test_mutated_inventories_never_crash_hang_or_write(case: list[Mutation]) -> None:
    _judge(case)


@pytest.mark.parametrize("first", range(0, len(HOSTILE), 4))
def test_every_hostile_snippet_as_a_quantity_a_line_and_a_value(first: int) -> None:
    # four snippets a case, each in its own file: check reads every file, so none hides another
    snippets = [index % len(HOSTILE) for index in range(first, first + 4)]
    _judge(
        [
            Mutation("stock/shelf.yaml", "number", 2, 0, snippets[0]),
            Mutation("builds/vco-batch-1.yaml", "insert", 200, 0, snippets[1]),
            Mutation("projects/vco/bom/v1.yaml", "number", 5, 0, snippets[2]),
            Mutation("parts/r-10k.yaml", "value", 1, 0, snippets[3]),
        ]
    )
