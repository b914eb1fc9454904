"""``stock log`` on long histories: the whole-id filter, the plain-row reader and the one-walk history read
the same answers and notes as reading every version with the YAML parser."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ctb_files.cli import main
from ctb_files.storage.git import GitRepo
from ctb_files.storage.stocklog import id_pattern, names_id
from ctb_files.storage.stockread import StockVersions, fast_item
from ctb_files.storage.yaml import YamlProblem, load_fast
from tests.conftest import commit_all, git, write_tree

BASE = {"ctb.yaml": "ctb: 1\n", "parts/p1.yaml": "name: P1\n", "parts/p10.yaml": "name: P10\n"}


def day(n: int) -> str:
    return f"2026-03-{n:02d}T10:00:00+00:00"


def stock(*lines: str) -> str:
    return "lines:\n" + "".join(f"  - {line}\n" for line in lines)


def log(root: Path, capsys: pytest.CaptureFixture[str], part: str) -> tuple[list[tuple[Any, ...]], str]:
    """(message, location, bin, delta, total) per entry, and stderr."""
    assert main(["--repo", str(root), "stock", "log", part, "--format", "json"]) == 0
    captured = capsys.readouterr()
    entries = json.loads(captured.out)["entries"]
    return [(e["message"], e["location"], e["bin"], e["delta"], e["total"]) for e in entries], captured.err


# --- the whole-id filter ----------------------------------------------------------------------


def test_ids_that_begin_with_the_part_are_other_parts(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock("{part: p10, quantity: 7}", "{part: p1-a, quantity: 3}")})
    commit_all(git_repo, "others only", date=day(1))
    write_tree(git_repo, {"stock/a.yaml": stock("{part: p10, quantity: 9}", "{part: p1-a, quantity: 3}",
                                                "{part: p1, quantity: 4}")})  # fmt: skip
    commit_all(git_repo, "p1 arrives", date=day(2))
    write_tree(git_repo, {"stock/a.yaml": stock("{part: p10, quantity: 2}", "{part: p1-a, quantity: 1}",
                                                "{part: p1, quantity: 4}")})  # fmt: skip
    commit_all(git_repo, "others used", date=day(3))
    write_tree(git_repo, {"stock/b.yaml": stock("{part: xp1, quantity: 5}", "{part: p1.5, quantity: 5}")})
    commit_all(git_repo, "look-alikes in b", date=day(4))
    assert log(git_repo, capsys, "p1") == ([("p1 arrives", "a", None, 4, 4)], "")
    assert log(git_repo, capsys, "p10") == (
        [("others only", "a", None, 7, 7), ("p1 arrives", "a", None, 2, 9), ("others used", "a", None, -7, 2)], ""
    )
    assert log(git_repo, capsys, "p1-a") == ([("others only", "a", None, 3, 3), ("others used", "a", None, -2, 1)], "")


def test_a_broken_version_is_noted_for_the_parts_it_names(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock("{part: p1, quantity: 10}", "{part: p10, quantity: 1}")})
    commit_all(git_repo, "start", date=day(1))
    (git_repo / "stock/a.yaml").write_text("lines:\n  - {part: p1, quantity: 11}\n  - {part: p10, quantity: [\n")
    broken = commit_all(git_repo, "oops", date=day(2))
    write_tree(git_repo, {"stock/a.yaml": stock("{part: p1, quantity: 12}", "{part: p10, quantity: 1}")})
    commit_all(git_repo, "fixed", date=day(3))
    (git_repo / "stock/b.yaml").write_text("lines:\n  - {part: p10, quantity: 5\n")
    other = commit_all(git_repo, "b broken, naming p10 only", date=day(4))
    entries, err = log(git_repo, capsys, "p1")
    assert entries == [("start", "a", None, 10, 10), ("fixed", "a", None, 2, 12)]
    # the middle version is read as unchanged; b never names p1, so it holds none and is not noted
    assert err == (
        f"note: {broken[:7]}: stock/a.yaml:4:1: CTB002 YAML syntax: did not find expected node content; "
        "read as unchanged\n"
    )
    _, err10 = log(git_repo, capsys, "p10")
    assert f"note: {other[:7]}: stock/b.yaml:3:1: CTB002 YAML syntax: " in err10


def test_a_part_spelled_with_escapes_is_still_found(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "p\x31" reads as p1: the file names p1 only through an escape and inside p10
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock('{part: "p\\x31", quantity: 4}', "{part: p10, quantity: 1}")})
    commit_all(git_repo, "escaped", date=day(1))
    assert log(git_repo, capsys, "p1") == ([("escaped", "a", None, 4, 4)], "")


def test_id_characters_are_the_id_rule() -> None:
    from ctb_files.core.models.common import valid_id
    from ctb_files.storage.stocklog import _ID_BYTES

    assert {c for c in range(128) if valid_id("a" + chr(c) + "a")} == set(_ID_BYTES)


def test_names_id_matches_whole_ids_only() -> None:
    found = id_pattern("p1")
    assert names_id(b"lines:\n  - {part: p1, quantity: 1}\n", found)
    assert names_id(b"p1", found)
    assert names_id(b'part: "p1"', found)
    assert names_id(b"# p1 moved to b\n", found)
    for text in (b"p10", b"xp1", b"p1-a", b"p1.5", b"p1_x", b"a+p1", b"p1+", b"", b"p"):
        assert not names_id(text, found), text
    assert names_id(b"{part: p10}, {part: p1}", found)  # a later whole occurrence after a partial one


# --- shapes the split reader leaves to the parser -------------------------------------------------


def test_block_style_comments_and_bins(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock("{part: p1, quantity: 5, bin: A3}", "{part: p10, quantity: 2}")})
    commit_all(git_repo, "flow", date=day(1))
    (git_repo / "stock/a.yaml").write_text(
        "# shelf a\nlines:\n  - part: p1\n    quantity: 7\n    bin: A3\n  - part: p1\n    quantity: 1\n"
    )
    commit_all(git_repo, "block style, a second line without bin", date=day(2))
    (git_repo / "stock/a.yaml").write_text(
        "lines:\n  - {part: p1, quantity: 6, bin: A3}  # reel\n  # p1 in B is counted on Friday\n"
        "  - {part: p1, quantity: 2, bin: B}\n"
    )
    commit_all(git_repo, "comments, bins", date=day(3))
    entries, err = log(git_repo, capsys, "p1")
    assert err == ""
    assert entries == [
        ("flow", "a", "A3", 5, 5),
        ("block style, a second line without bin", "a", None, 1, 6),
        ("block style, a second line without bin", "a", "A3", 2, 8),
        ("comments, bins", "a", None, -1, 7),
        ("comments, bins", "a", "A3", -1, 6),
        ("comments, bins", "a", "B", 2, 8),
    ]


def test_split_reading_equals_the_parser_on_odd_rows() -> None:
    cases = [
        b"lines:\n  - {part: p1, quantity: 010}\n  - {part: p2, quantity: 1_000}\n",
        b"lines:\n  - {part: p1, quantity: 0x1F}\n  - {part: yes, quantity: 1e3}\n",
        b"lines:\n  - {part: p1, quantity: .5}\n  - {part: p1, quantity: 5.}\n  - {part: p1, quantity: ~}\n",
        b"lines:\n  - {part: true, quantity: 1}\n  - {part: null, quantity: 2}\n  - {part: on, quantity: -0.0}\n",
        b"lines:\n  - {part: p1, quantity: 1234567890123456}\n",
        b"lines:\n  - {part: p1, quantity: 1.0000000000001}\n",
        b"lines:\n  - {part: p1,quantity: 5}\n  - {part : p1, quantity: 5}\n  - { part: p1 }\n",
        b"lines:\n  - {part: p1, quantity: 2026-03-01}\n",
    ]
    for data in cases:
        try:
            expected = load_fast(data, "stock/a.yaml")
        except YamlProblem as problem:
            with pytest.raises(YamlProblem) as raised:
                StockVersions().load(data, "stock/a.yaml")
            assert raised.value.diagnostic == problem.diagnostic
            continue
        assert _typed(StockVersions().load(data, "stock/a.yaml")) == _typed(expected), data


# --- the plain-row reader equals the parser wherever it answers -------------------------------------

_KEYS = st.sampled_from(["part", "quantity", "bin", "note", "x_1", "_k", "true", "null", "y", "on", "a-b", "1"])
_VALUES = st.one_of(
    st.sampled_from([
        "p1", "p10", "p1-a", "p1.5", "A3", "0", "00", "010", "-0", "+5", "-7", "5", "1.50", "0.000", "-0.0",
        "+0.25", "5.", ".5", "1e3", "1E3", "1_000", "0x1F", "0o17", "~", "null", "Null", "NULL", "true", "True",
        "FALSE", "yes", "no", "on", "off", "y", "n", "inf", ".inf", "-.inf", ".nan", "2026-03-01", "12:30",
        "999999999999999", "1000000000000000", "123456789012345.5", "0.000000000001", "0.0000000000001",
        "1.0000000000001", "e5", "-e", "+x", "p1_x", "a+b", "x.", "0.5.1",
    ]),  # fmt: skip
    st.from_regex(r"[-+]?[0-9]{1,17}(\.[0-9]{0,14})?", fullmatch=True),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9._+-]{0,12}", fullmatch=True),
)
_SEPARATORS = st.sampled_from([", ", ",", ",  ", " , "])


@st.composite
def _rows(draw: st.DrawFn) -> bytes:
    pairs = draw(st.lists(st.tuples(_KEYS, st.sampled_from([": ", ":  ", ":"]), _VALUES), min_size=0, max_size=4))
    body = "".join(
        (draw(_SEPARATORS) if index else "") + key + colon + value for index, (key, colon, value) in enumerate(pairs)
    )
    return ("- {" + body + "}").encode()


def _typed(value: Any) -> Any:
    """The value with every scalar's type and exact text: 1 == True and Decimal('1.5') == Decimal('1.50') otherwise."""
    if isinstance(value, dict):
        return [(_typed(k), _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


@settings(max_examples=400, deadline=None)
@given(_rows())
@example(b"- {part: p1, quantity: 5}")
@example(b"- {part: p1, quantity: 1.50, bin: A3}")
@example(b"- {part: p1, part: p2}")
def test_fast_rows_equal_the_parser(row: bytes) -> None:
    fast = fast_item(row)
    if fast is None:
        return  # left to the parser
    parsed = load_fast(row, "")
    assert isinstance(parsed, list) and len(parsed) == 1
    assert _typed(fast) == _typed(parsed[0])


def test_split_reading_stays_within_the_parser_limits() -> None:
    from ctb_files.storage import rowread, stockread
    from ctb_files.storage.yaml import default_limits
    from ctb_files.storage.yaml.read import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS

    limits = default_limits()
    assert stockread._INTEGER_DIGITS <= MAX_INTEGER_DIGITS
    assert stockread._FRACTION_DIGITS <= MAX_FRACTION_DIGITS
    assert limits.keys >= stockread._MAX_KEYS
    assert limits.string >= stockread._MAX_TEXT
    assert limits.items >= rowread._MAX_ITEMS
    assert limits.file_size >= rowread._MAX_BYTES
    # a list longer than the parser allows is its refusal, not a list
    many = b"lines:\n" + b"  - {part: p1, quantity: 1}\n" * (limits.items + 1)
    with pytest.raises(YamlProblem) as raised:
        StockVersions().load(many, "stock/a.yaml")
    assert raised.value.diagnostic.code == "CTB008"


def test_one_location_of_a_50000_part_stockroom_is_within_the_default_limits() -> None:
    """Two binned lines a part in two files (or every part in one): 50,000 lines in one stock file load."""
    from ctb_files.storage.yaml import default_limits, load_fast

    limits = default_limits()
    assert limits.items == 100_000
    body = b"lines:\n" + b"".join(b"  - {part: p%d, bin: S%d, quantity: %d}\n" % (i, i % 40, i % 300) for i in range(50_000))
    assert len(body) < limits.file_size
    parsed = load_fast(body, "stock/main.yaml")
    assert isinstance(parsed, dict) and len(parsed["lines"]) == 50_000
    assert parsed["lines"][49_999] == {"part": "p49999", "bin": "S39", "quantity": 199}
    lines = StockVersions().load(body, "stock/main.yaml")
    assert isinstance(lines, dict) and len(lines["lines"]) == 50_000


def test_fast_rows_answer_the_usual_shape() -> None:
    assert fast_item(b"- {part: p1, quantity: 5}") == {"part": "p1", "quantity": 5}
    assert fast_item(b"- {part: p1, quantity: 1.50, bin: A3}") == {"part": "p1", "quantity": Decimal("1.50"), "bin": "A3"}
    assert fast_item(b"- {part: yes, quantity: 1, deprioritized: true}") == {"part": "yes", "quantity": 1, "deprioritized": True}
    assert fast_item(b"- {part: null, quantity: 1}") == {"part": None, "quantity": 1}  # as the parser reads it
    for left in (b"- {part: p1, quantity: 1e3}", b"- {part: p1, quantity: True}", b"- {part: ~, quantity: 1}", b"- {part: p1, part: p2}", b"- {}"):
        assert fast_item(left) is None


# --- one walk of the history ------------------------------------------------------------------------


def test_path_history_equals_history_and_changes_along(git_repo: Path) -> None:
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock("{part: p1, quantity: 10}")})
    commit_all(git_repo, "start", date=day(1))
    git(git_repo, "checkout", "-q", "-b", "side")
    write_tree(git_repo, {"stock/a.yaml": stock("{part: p1, quantity: 8}")})
    commit_all(git_repo, "side change\n\nwith a body", date=day(2))
    git(git_repo, "checkout", "-q", "main")
    write_tree(git_repo, {"stock/a.yaml": stock("{part: p1, quantity: 15}"), "parts/p2.yaml": "name: P2\n"})
    commit_all(git_repo, "main change", date=day(3))
    git(git_repo, "merge", "-q", "--no-commit", "-s", "ours", "side", date=day(4))  # resolved by hand below
    write_tree(git_repo, {"stock/a.yaml": stock("{part: p1, quantity: 14}")})
    commit_all(git_repo, "resolved: 14", date=day(4))
    git(git_repo, "checkout", "-q", "-b", "dropped", "HEAD~1")
    write_tree(git_repo, {"stock/b.yaml": stock("{part: p1, quantity: 3}")})
    commit_all(git_repo, "dropped change", date=day(5))
    git(git_repo, "checkout", "-q", "main")
    git(git_repo, "merge", "-q", "--no-ff", "-s", "ours", "-m", "merge, keeping ours", "dropped", date=day(6))
    write_tree(git_repo, {"parts/p3.yaml": "name: P3\n"})
    commit_all(git_repo, "no stock change", date=day(7))
    with GitRepo(git_repo) as repo:
        walked = repo.path_history(["stock"])
        assert walked.parents == repo.parents_of_all()
        history = repo.history(["stock"])
        assert walked.listed == [c.sha for c in history]
        described = repo.describe(walked.listed)
        assert [described[sha] for sha in walked.listed] == history
        assert walked.shorts == {c.sha: c.short for c in repo.history([])}
        along = repo.changes_along(["stock"])
        assert walked.changes == {c.sha: along.get(c.sha, []) for c in history}
        assert [c.summary for c in history] == ["resolved: 14", "main change", "side change", "start"]
        merge = history[0]
        assert len(merge.parents) == 2
        assert walked.changes[merge.sha] == [
            ("stock/a.yaml", b"lines:\n  - {part: p1, quantity: 15}\n", b"lines:\n  - {part: p1, quantity: 14}\n")
        ]


def test_path_history_of_an_empty_repository(git_repo: Path) -> None:
    with GitRepo(git_repo) as repo:
        walked = repo.path_history(["stock"])
    assert (walked.parents, walked.shorts, walked.listed, walked.changes) == ({}, {}, [], {})
