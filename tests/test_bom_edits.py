"""``ctb check`` after a BOM's rows changed: the last full answer stands when no check can say a thing of them.

A BOM whose rows were changed, added or taken out (and nothing else), that
validates, whose new rows ask for known parts in their own unit, whole,
with no attrition, setup, extension fields or flags, that keeps the lines
builds exclude, and of which every check run on it alone says nothing,
leaves every check as it was (``storage/unread/rows.quiet_rows``).  Rows as a
sync writes them (a line, a known part, the fields of
``core/unread.ROW_FIELDS``, each of its shape) are shown so without a model
(``storage/unread/rows.rows_synced``).  A clear reads rows: it plans again.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.gen import generate_mixed
from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.core.unread import ROW_FIELDS
from ctb_files.storage.loader import load_repo
from tests.test_recheck import Tally, answered_as_in_full, check, full_answer, shown_without_a_model, unchanged

BOM = "projects/vco/bom/v1.yaml"


@pytest.fixture()
def repo(one_build_cleared: Path) -> Path:
    """The example with its build cleared (``tests/conftest.py``)."""
    return one_build_cleared


def edit(root: Path, before: str, after: str, rel: str = BOM) -> None:
    path = root / rel
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


ROW_9 = "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-100k}"
QUIET = {
    "part-changed": [(ROW_9, "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-47k}")],
    "row-added": [(ROW_9, ROW_9 + "\n  - {line: 90, refs: [R90], quantity: 3, value: 1k, part: r-1k, dnp: true}")],
    "row-taken-out": [(f"  - {ROW_9}\n", "")],
    "rows-moved": [
        (f"  - {ROW_9}\n", ""),
        ("  # --- power ---\n", f"  # --- power ---\n  - {ROW_9}\n"),
    ],
    "sync-fields": [
        (ROW_9, "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-47k, mpn: CFR-25, manufacturer: Yageo, "
                "skus: [{vendor: mouser, sku: 603-CFR-25}], fields: {Sim.Device: R, Tolerance: 1%}, optional: true}"),
    ],
    "as-a-sync-writes-it": [
        (ROW_9, "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-47k, missing: null, optional: false, "
                "dnp: false, substitute: null, ext: {}}\n  - {line: 9, implicit: true, quantity: 1, part: r-1k}"),
    ],
    "several": [
        (ROW_9, "{line: 9, refs: [R3], quantity: 2, value: 47k, part: r-47k, mpn: CFR-25}"),
        ("{line: 17, refs: [R12], quantity: 1, value: 22k, part: r-22k}", "{line: 17, refs: [R12, R13], quantity: 2, part: r-22k}"),
        ("{line: 13, refs: [R7], quantity: 1, value: 1M, part: r-1m}", "{line: 13, refs: [R7], quantity: 1, value: 1M}"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(QUIET))
def test_rows_no_check_can_mind_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    for before, after in QUIET[name]:
        edit(repo, before, after)
    assert unchanged(repo) == (51, [])
    assert shown_without_a_model(repo)  # rows as a sync writes them
    assert check(repo, capsys) == first
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == first


@pytest.mark.parametrize(
    ("after", "kept"),
    [
        ("{line: 9, refs: [R3], quantity: '1', part: r-47k}", False),  # a count written as text
        ("{line: '9', refs: [R3], quantity: 1, part: r-47k}", True),  # a line written as text: validated, kept
        ("{line: 9, refs: [R3], quantity: 1, part: r-47k, substitute: r-100k}", True),
        ("{line: 9, refs: [R3], quantity: 1, part: r-47k, implicit: 'no'}", True),  # a mark written as text
        ("{line: 9, refs: R3, quantity: 1, part: r-47k}", False),  # refs not a list: the model refuses it
        ("{line: 9, refs: [R3], quantity: 1, part: r-47k, fields: {Sim: 1}}", False),  # a field's value not text
        ("{line: 9, refs: [R3], quantity: 1, part: r-47k, skus: [{vendor: mouser}]}", False),  # no SKU number
        ("{line: 9, refs: [R3], quantity: 1, part: r-47k, vendor: mouser, partnum: 603-X}", True),  # the old keys
        ("{line: 9, refs: [R3], quantity: 1, part: r-47k, note: hello}", False),  # no such field
    ],
)
def test_rows_unlike_a_syncs_are_validated(
    repo: Path, capsys: pytest.CaptureFixture[str], after: str, kept: bool
) -> None:
    """A row with a field a sync does not write, or a value not of its shape, is never shown without a model;
    validated, it may still leave the answer standing, which is then a full check's."""
    check(repo, capsys)
    edit(repo, ROW_9, after)
    assert not shown_without_a_model(repo)
    assert answered_as_in_full(repo, capsys) == kept
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")


@pytest.mark.parametrize(
    ("after", "said"),
    [
        ("{line: 9, refs: [R3], quantity: 1, part: r-100kk}", "CTB201"),
        ("{line: 10, refs: [R3], quantity: 1, part: r-100k}", "CTB212"),
        ("{line: 9, refs: [R3], quantity: 1.5, part: r-100k}", "CTB305"),
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, unit: m}", "CTB403"),
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, unit: pcs}", ""),  # a unit: read in full, fine
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, attrition: -2}", "CTB405"),
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, attrition: 2}", ""),
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, flags: [odd]}", "CTB404"),
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, ext: {colour: red}}", "CTB45"),
        ("{line: 9, refs: [R3], quantity: 1, part: r-100k, substitute: r-100kk}", "CTB201"),
        ("{refs: [R3], quantity: 1, part: r-100k}", "CTB101"),  # no line: the model refuses it
        ("{line: 9, refs: [R3], quantity: 0, part: r-100k}", "CTB104"),
    ],
)
def test_rows_a_check_may_mind_are_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], after: str, said: str
) -> None:
    check(repo, capsys)
    edit(repo, ROW_9, after)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert said in now[1] and (said == "") == (now[1] == ""), now


def test_the_lines_builds_exclude_stay_or_the_bom_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = repo / "builds/vco-batch-1.yaml"
    build.write_text(
        re.sub(r"^quantity: (\d+)$", r"quantity: \1\nexclude: [9]", build.read_text(), count=1, flags=re.M)
    )
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    edit(repo, "  - {line: 13, refs: [R7], quantity: 1, value: 1M, part: r-1m}\n", "")  # not excluded
    assert unchanged(repo) == (51, [])
    assert check(repo, capsys) == first and full_answer(repo) == kept
    edit(repo, f"  - {ROW_9}\n", "")  # excluded: its build's CTB210 comes
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB210" in now[1]


def test_another_field_of_the_bom_changed_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(repo, capsys)
    edit(repo, "version: v1\n", "version: v2\n")
    edit(repo, ROW_9, "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-47k}")
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB209" in now[1]


def test_a_clear_after_rows_changed_plans_again(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], steady_clock: None
) -> None:
    from tests.test_recheck import clear, unchanged_clear

    clear(cleared_repo, capsys)
    edit(cleared_repo, ROW_9, "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-47k}")
    assert unchanged_clear(cleared_repo) is None
    twin = cleared_repo.parent / "twin"
    shutil.copytree(cleared_repo, twin)
    shutil.rmtree(twin / ".git/ctb", ignore_errors=True)
    assert clear(cleared_repo, capsys, "--dry-run") == clear(twin, capsys, "--dry-run", "--no-cache")


def test_rows_changed_at_random_answer_as_a_full_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after a BOM's rows changed, a full check says exactly that."""
    root = generate_mixed(tmp_path / "mixed", parts=120, builds=8, projects=2, rows=20)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    bom = sorted(root.glob("projects/*/bom/*.yaml"))[0]
    original = bom.read_text()
    head, _, body = original.partition("rows:\n")
    lines = body.splitlines(keepends=True)
    parts = sorted(path.stem for path in (root / "parts").iterdir())
    extras = ["", "", ", unit: g", ", attrition: 1", ", attrition: -1", ", flags: [x]", ", dnp: true", ", mpn: X1"]
    rng = random.Random(31)
    tally = Tally()
    for _ in range(30):
        bom.write_text(original)
        check(root, capsys)
        rows = list(lines)
        for _ in range(rng.randint(1, 3)):
            what = rng.random()
            if what < 0.4 and rows:
                i = rng.randrange(len(rows))
                part = rng.choice([*parts[:30], "no-such-part"])
                rows[i] = re.sub(r"part: [\w.+-]+", f"part: {part}", rows[i], count=1)
            elif what < 0.7:
                line = rng.choice([1, 500, 501, 502])
                quantity = rng.choice([1, 2, 2.5])
                rows.append(
                    f"  - {{line: {line}, refs: [Z{line}], quantity: {quantity}, part: {rng.choice(parts)}{rng.choice(extras)}}}\n"
                )
            elif rows:
                del rows[rng.randrange(len(rows))]
        bom.write_text(head + "rows:\n" + "".join(rows))
        tally.weigh(root, capsys)
    assert tally.counts == (20, 20, 10)  # every light answer here without a model: rows of a sync


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_minds_quiet_rows_changed(name: str, tmp_path: Path) -> None:
    """Every check says word for word the same after each BOM's rows change as the light comparison allows:
    a row's part changed to another known part, a row added, a row no build excludes taken out."""
    if name == "example":
        root = tmp_path / "inv"
        shutil.copytree(Path(__file__).resolve().parent.parent / "example-inventory", root)
    else:
        root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q"]) in (0, 1)
    inv = load_repo(root, cache=False).inventory
    before = [d.render() for d in run_checks(inv)]
    named = {d.path for d in run_checks(inv)}
    excluded = {(b.project, b.version): set(b.exclude) for b in inv.builds.values()}
    known = sorted(inv.parts)
    changed = 0
    for path in sorted(root.glob("projects/*/bom/*.yaml")):
        rel = path.relative_to(root).as_posix()
        if rel in named:
            continue
        project, version = path.parent.parent.name, path.stem
        text = path.read_text()
        lines = [int(n) for n in re.findall(r"line: (\d+)", text)]
        plain = [
            m for m in re.finditer(r"  - \{line: (\d+), [^\n]*part: ([\w.+-]+)\}\n", text) if "ext:" not in m.group(0)
        ]
        if not plain:
            continue
        first = plain[0]
        text = text.replace(first.group(2) + "}", known[(known.index(first.group(2)) + 1) % len(known)] + "}", 1)
        gone = [m for m in plain[1:] if int(m.group(1)) not in excluded.get((project, version), set())]
        if gone:
            text = text.replace(gone[0].group(0), "", 1)
        text += f"  - {{line: {max(lines) + 1}, refs: [ZZ1], quantity: 2, part: {known[0]}}}\n"
        path.write_text(text)
        changed += 1
    assert changed >= 1
    assert [d.render() for d in run_checks(load_repo(root, cache=False).inventory)] == before


def test_the_fields_a_sync_writes_are_read_off_the_row_record() -> None:
    """Every field of ``ROW_FIELDS`` has a shape read off the row's schema under its one validator."""
    from ctb_files.core.unread import Shape, new_row_fields

    text = Shape("str", required=False, nullable=True)
    sku = Shape("str", required=True, nullable=False, least=1)
    assert new_row_fields() == {
        n: text for n in ("value", "footprint", "mpn", "manufacturer", "description", "missing")
    } | {
        "line": Shape("from", required=False, nullable=True, least=0),
        "implicit": Shape("bool", required=False, nullable=False),
        "refs": Shape("texts", required=False, nullable=False),
        "quantity": Shape("count", required=True, nullable=False, least=1, below=10**15),
        "skus": Shape("records", required=False, nullable=False, fields=(("vendor", sku), ("sku", sku))),
        "fields": Shape("textmap", required=False, nullable=False),
        "optional": Shape("bool", required=False, nullable=False),
        "dnp": Shape("bool", required=False, nullable=False),
    }
    assert tuple(new_row_fields()) == ROW_FIELDS


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**16) | st.floats(allow_nan=False) | st.text(max_size=4)
    | st.sampled_from(["\ud800", "1", "1.5", "", "mouser"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3) | st.integers(0, 3), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@given(name=st.sampled_from([n for n in ROW_FIELDS if n != "line"]), value=_VALUES)
@settings(max_examples=400, deadline=None)
def test_a_row_shape_claims_only_what_the_record_takes_as_it_is(name: str, value: object) -> None:
    """What the shapes say a row takes, the record takes, and keeps as given (its validator leaves it alone)."""
    from pydantic import ValidationError

    from ctb_files.core.models.common import record_adapter
    from ctb_files.core.models.project import BomRow
    from ctb_files.core.unread import new_row_fields, takes

    row = {"line": 4, "quantity": 2, name: value}
    claimed = all(takes(shape, n in row, row.get(n)) for n, shape in new_row_fields().items())
    try:
        taken = record_adapter(BomRow).validate_python(row)
    except ValidationError:
        assert not claimed, row
        return
    if claimed:
        got = getattr(taken, name)
        if name == "skus":
            got = [{"vendor": s.vendor, "sku": s.sku} for s in got]
        assert got == value and type(got) is type(value) or (name == "quantity" and got == value), row
        assert not taken.legacy and taken.line == 4


def test_a_row_giving_another_field_at_its_default_is_the_row_without_it() -> None:
    """``substitute: null``, ``ext: {}`` and the like, as a sync writes them: the record is the same."""
    from ctb_files.core.models.common import record_adapter
    from ctb_files.core.models.project import BomRow
    from ctb_files.core.unread import row_defaults

    defaults = row_defaults()
    assert defaults == {
        "unit": None, "vendor": None, "partnum": None, "flags": [], "substitute": None, "order": None,
        "attrition": None, "setup": None, "consumable": False, "ext": {},
    }  # fmt: skip
    plain = record_adapter(BomRow).validate_python({"line": 3, "quantity": 2, "part": "r-1k"})
    for name, value in defaults.items():
        given = record_adapter(BomRow).validate_python({"line": 3, "quantity": 2, "part": "r-1k", name: value})
        assert given == plain and not given.legacy, name
