"""``ctb check`` after part files were added: the last full answer stands when no check can say a thing of them.

A new part nothing refers to (the full answer names no unknown part), of
an id no other part's differs from only by case, whose fields load for
certain and refer only to known packages and vendors, with no equivalents,
assembly BOM or attrition: every check says what it said, and the answer
counts the new files (``storage/unread/added.parts_added_cleanly``).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.gen import generate_mixed
from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.test_recheck import answered_as_in_full, check, full_answer, shown_without_a_model, unchanged

# new part files no check can say a thing of, as ``ctb part new`` writes them and as people do
QUIET = {
    "plain": "name: 220R resistor\n",
    "written-by-part-new": (
        "name: 220R resistor\nvalue: 220R\nsymbol: R\npackage: r-axial-0207\nunit: pcs\ntags: [passive, resistor]\n"
        "datasheet: https://example.com/r.pdf\nmin_stock: 100\n"
        "vendor_parts:\n  - vendor: tayda\n    sku: A-2200\n    mpn: MFR-25-220R\n    manufacturer: Yageo\n"
    ),
    "with-prices": (
        "# a comment\nname: 'TL072, dual'\npackage: dip-14\nequivalents: []\nplaceholder: false\nnotes: |\n  two lines\n  here\n"
        "vendor_parts:\n  - vendor: mouser\n    sku: 595-TL072\n    min_order: 1\n    multiple: 1\n"
        "    price_breaks:\n      - {quantity: 1, price: '0.45'}\n      - {quantity: 100, price: '0.21'}\n"
        "    fetched_at: 2026-12-01T09:00:00Z\n"
    ),
    "in-metres": "name: hookup wire\nunit: m\npackage: null\nattrition: null\n",
}


@pytest.fixture()
def repo(one_build_cleared: Path) -> Path:
    """The example with its build cleared (``tests/conftest.py``)."""
    return one_build_cleared


def add(root: Path, ident: str, text: str) -> None:
    (root / "parts" / f"{ident}.yaml").write_text(text)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_a_new_part_no_check_can_mind_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    add(repo, "r-220r", QUIET[name])
    assert unchanged(repo) == (52, [])
    assert shown_without_a_model(repo)
    now = check(repo, capsys)
    assert now == (0, "", "52 files checked: 0 errors, 0 warnings\n")
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == now


def test_new_parts_with_other_edits_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = check(repo, capsys)
    kept = full_answer(repo)
    for i, text in enumerate(QUIET.values()):
        add(repo, f"new-{i}", text)
    notes = repo / "parts/r-10k.yaml"
    notes.write_text(notes.read_text() + "notes: the workhorse\n")
    assert unchanged(repo) == (55, [])
    assert (
        check(repo, capsys) == (0, "", "55 files checked: 0 errors, 0 warnings\n") == check(repo, capsys, "--no-cache")
    )
    assert full_answer(repo) == kept and first[0] == 0


@pytest.mark.parametrize(
    ("ident", "text", "said"),
    [
        ("r-220r", "name: x\npackage: r-0603\n", "parts/r-220r.yaml:2:10: CTB202 package: unknown package 'r-0603'"),
        ("r-220r", "name: x\nvendor_parts:\n  - {vendor: digikey, sku: X}\n", "CTB203"),
        ("R-10K", "name: x\n", "CTB214"),
        ("r-220r", "name: x\nequivalents: [r-221r]\n", "CTB201"),
        ("r-220r", "name: x\nequivalents: [r-10k]\n", ""),  # refers to a part: read in full, nothing to say
        ("r-220r", "name: x\nattrition: -5\n", "CTB405"),
        ("r-220r", "name: x\nattrition: 5\n", ""),
        ("r-220r", "name: x\nbom:\n  - {part: r-10k, quantity: 2}\n", ""),  # an assembly
        ("r-220r", "value: 220R\n", "CTB103"),  # no name
        ("r-220r", "name: ''\n", "CTB101"),
        ("r-220r", "name: x\ncolour: red\n", "CTB102"),
        ("r-220r", "name: x\ntags: [1]\n", "CTB101"),
        ("r-220r", "name: x\nvendor_parts:\n  - {vendor: tayda, sku: X, currency: eur}\n", "CTB10"),  # not a code
        ("r-220r", "name: x\nunit: furlong\n", "CTB101"),
        ("r-220r", "- name\n", "CTB"),
    ],
)
def test_a_new_part_a_check_may_mind_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], ident: str, text: str, said: str
) -> None:
    check(repo, capsys)
    add(repo, ident, text)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert said in now[1] and bool(said) == (now[0] == 1), now


def test_a_new_part_something_referred_to_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A BOM row naming a part not there yet: the part's file makes its CTB201 go."""
    bom = repo / "projects/vco/bom/v1.yaml"
    text = bom.read_text()
    assert text.count("part: r-100k") >= 1
    bom.write_text(text.replace("part: r-100k", "part: r-220r", 1))
    first = check(repo, capsys)
    assert first[0] == 1 and "CTB201" in first[1]
    add(repo, "r-220r", QUIET["plain"])
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB201" not in now[1]


def test_files_of_other_kinds_added_or_a_part_taken_away_are_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(repo, capsys)
    stock = repo / "stock/bench.yaml"  # a new location (builds: tests/test_new_builds.py)
    stock.write_text("name: Bench\nlines:\n  - {part: r-1k, quantity: 3}\n")
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")
    stock.unlink()
    check(repo, capsys)
    (repo / "parts/c-22p.yaml").unlink()
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB201" in now[1]


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_says_a_thing_of_a_new_part_it_was_shown_for(name: str, tmp_path: Path) -> None:
    """Every check, run on the whole inventory with the new parts, says word for word what it said without them."""
    if name == "example":
        root = tmp_path / "inv"
        shutil.copytree(Path(__file__).resolve().parent.parent / "example-inventory", root)
        texts = QUIET
    else:
        root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
        texts = {"plain": QUIET["plain"], "in-metres": QUIET["in-metres"]}
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q"]) in (0, 1)
    before = [d.render() for d in run_checks(load_repo(root, cache=False).inventory)]
    for i, text in enumerate(texts.values()):
        add(root, f"zz-new-{i}", text)
    inv = load_repo(root, cache=False).inventory
    assert {f"zz-new-{i}" for i in range(len(texts))} <= inv.parts.keys()
    assert [d.render() for d in run_checks(inv)] == before


def test_new_parts_at_random_answer_as_a_full_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after part files came, a full check says exactly that."""
    fields = [
        "value: 1k", "value: 1", "symbol: R", "package: r-axial-0207", "package: r-0603", "package: 7",
        "unit: g", "unit: pcs", "unit: gram", "tags: [a, b]", "tags: []", "tags: a", "min_stock: 5",
        "min_stock: -1", "min_stock: 2.5", "placeholder: true", "placeholder: 1", "attrition: 2", "attrition: null",
        "equivalents: []", "equivalents: [r-10k]", "notes: null", "datasheet: 3", "colour: red",
        "vendor_parts: []", "vendor_parts:\n  - {vendor: tayda, sku: T1}", "vendor_parts:\n  - {vendor: tayda}",
        "vendor_parts:\n  - {vendor: acme, sku: T1}", "vendor_parts:\n  - {vendor: mouser, sku: M, min_order: 0}",
    ]  # fmt: skip
    rng = random.Random(5)
    answered = full = 0
    for turn in range(30):
        check(repo, capsys)
        added = []
        for j in range(rng.choice([1, 1, 2])):
            lines = [] if rng.random() < 0.1 else [f"name: part {turn}"]
            lines += rng.sample(fields, rng.randint(0, 3))
            ident = rng.choice([f"zz-{turn}-{j}", f"ZZ-{turn}-{j}", "R-1K"])  # the example has r-1k
            add(repo, ident, "\n".join(lines) + "\n")
            added.append(repo / "parts" / f"{ident}.yaml")
        light = answered_as_in_full(repo, capsys)
        for path in added:
            path.unlink(missing_ok=True)
        answered += light
        full += not light
    assert answered >= 5 and full >= 5  # both ways were taken, and each light answer was a full check's


def test_the_shapes_of_a_new_part_are_read_off_its_model() -> None:
    """Exactly these fields of a part take values of a known shape; a list of texts is one (tags)."""
    from ctb_files.core.unread import Shape, new_part_fields

    text = Shape("str", required=False, nullable=True)
    assert new_part_fields() == {n: text for n in ("description", "value", "symbol", "datasheet", "notes")} | {
        "name": Shape("str", required=True, nullable=False, least=1),
        "unit": Shape("literal", False, False, choices=new_part_fields()["unit"].choices),
        "attrition": Shape("count", False, True, least=-(10**15) + 1, below=10**15),
        "min_stock": Shape("count", False, True, least=0, below=10**15),
        "placeholder": Shape("bool", required=False, nullable=False),
        "tags": Shape("texts", required=False, nullable=False),
    }  # package, equivalents, vendor parts: ids, read by the id rule; bom: an assembly, never shown
    assert {"pcs", "m", "g", "mL"} <= set(new_part_fields()["unit"].choices)


@pytest.mark.parametrize(
    "tags",
    [[], ["a"], ["a", "b c", ""], ["ü"], [1], "a", None, [None], [["a"]], ["\ud800"], [True], {"a": 1}],
)
def test_the_texts_shape_claims_only_what_the_model_takes(tags: object) -> None:
    from pydantic import ValidationError

    from ctb_files.core.models.part import Part
    from ctb_files.core.unread import new_part_fields, takes

    claimed = takes(new_part_fields()["tags"], True, tags)
    try:
        Part.model_validate({"name": "x", "tags": tags})
        taken = True
    except ValidationError:
        taken = False
    assert not claimed or taken
    assert claimed == (type(tags) is list and all(type(t) is str and t != "\ud800" for t in tags))
