"""``ctb check`` after part files were taken away: the last full answer stands when no check can mind.

A part no other file names (``checks.references.parts_named``), outside
every walk from an open build's reserved part or fallback
(``checks.stock.within_reach_of_takes``), whose file the full answer says
nothing of, taken away while the answer names no unknown part: every check
says what it said, of one file fewer (``storage/unread/files.parts_removed``).
Files changed or added since are then read as if the part had never been.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.gen import generate_mixed
from ctb_files.checks import run_checks
from ctb_files.checks.references import parts_named
from ctb_files.checks.stock import within_reach_of_takes
from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.test_recheck import Tally, check, full_answer, shown_without_a_model, spared_world, unchanged

SPARES = {
    "zz-spare": "name: a spare\nvalue: 1k\n",
    "zz-other": "name: another spare\npackage: to-92\nequivalents: [zz-spare]\ntags: [spare]\n",
    "zz-third": "name: a third\nequivalents: [zz-other, zz-third]\n",
}


@pytest.fixture()
def repo(one_build_cleared: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example with its build cleared (``tests/conftest.py``), three parts nothing names, and a full check."""
    for ident, text in SPARES.items():
        (one_build_cleared / "parts" / f"{ident}.yaml").write_text(text)
    assert check(one_build_cleared, capsys) == (0, "", "54 files checked: 0 errors, 0 warnings\n")
    return one_build_cleared


def test_parts_named_are_those_other_files_name(repo: Path) -> None:
    inv = load_repo(repo, cache=False).inventory
    assert sorted(set(inv.parts) - parts_named(inv)) == ["zz-third"]  # zz-third names zz-other, which names zz-spare
    assert sorted(set(inv.parts) - within_reach_of_takes(inv)) == [
        "knob-davies", "panel-vco", "r-100r", "tl074-dip", "vco-module", "zz-other", "zz-spare", "zz-third",
    ]  # fmt: skip


def test_parts_nothing_names_taken_away_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Taken away one after the other: each is weighed against the last full check, whose record a light
    answer leaves as it was (zz-other was named there by zz-third, zz-spare no more after it)."""
    kept = full_answer(repo)
    for count, (ident, light) in enumerate([("zz-third", True), ("zz-other", False), ("zz-spare", True)], start=1):
        (repo / "parts" / f"{ident}.yaml").unlink()
        if not light:
            assert unchanged(repo) is None
            assert check(repo, capsys) == check(repo, capsys, "--no-cache")
            kept = full_answer(repo)
            continue
        assert unchanged(repo) == (54 - count, [])
        assert shown_without_a_model(repo)
        now = check(repo, capsys)
        assert now == (0, "", f"{54 - count} files checked: 0 errors, 0 warnings\n")
        assert full_answer(repo) == kept  # answered without a full check
        assert check(repo, capsys, "--no-cache") == now


def test_a_part_named_elsewhere_taken_away_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "parts/zz-spare.yaml").unlink()  # zz-other names it
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB201" in now[1]
    (repo / "parts/r-47k.yaml").unlink()  # a BOM row names it


def test_a_part_some_walk_reaches_taken_away_is_checked_in_full(
    one_build_cleared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A part nothing names that joins a reserved part to the one its build took: without it the take is
    weighed otherwise (CTB304)."""
    repo = one_build_cleared
    r10k = repo / "parts/r-10k.yaml"
    r10k.write_text(re.sub(r"(?m)^equivalents:.*\n", "", r10k.read_text()))
    (repo / "parts/zz-bridge.yaml").write_text("name: a bridge\nequivalents: [r-10k, r-10k-vishay]\n")
    first = check(repo, capsys)
    assert first == (0, "", "52 files checked: 0 errors, 0 warnings\n")
    inv = load_repo(repo, cache=False).inventory
    assert "zz-bridge" not in parts_named(inv) and "zz-bridge" in within_reach_of_takes(inv)
    (repo / "parts/zz-bridge.yaml").unlink()
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "CTB304" in now[1]


@pytest.mark.parametrize(
    ("rel", "before", "after", "said"),
    [
        ("projects/vco/bom/v1.yaml", "value: 100k, part: r-100k}", "value: 100k, part: zz-third}", "CTB201"),
        ("stock/drawer-a.yaml", "lines:\n", "lines:\n  - {part: zz-third, quantity: 5, bin: Z1}\n", "CTB201"),
        ("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [zz-third]\n", "CTB201"),
    ],
)
def test_a_file_naming_a_part_taken_away_is_not_taken_as_clean(
    repo: Path, capsys: pytest.CaptureFixture[str], rel: str, before: str, after: str, said: str
) -> None:
    """A file changed since the full check that names a part since taken away: the part is unknown now."""
    (repo / "parts/zz-third.yaml").unlink()
    path = repo / rel
    text = path.read_text()
    assert text.count(before) >= 1, before
    path.write_text(text.replace(before, after, 1))
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and said in now[1]


def test_a_part_taken_away_and_another_come(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Renamed in case only: no clash with the part that went (CTB214), and every check as before."""
    (repo / "parts/zz-third.yaml").unlink()
    (repo / "parts/ZZ-Third.yaml").write_text("name: a third\n")
    assert unchanged(repo) == (54, [])
    assert (
        check(repo, capsys) == check(repo, capsys, "--no-cache") == (0, "", "54 files checked: 0 errors, 0 warnings\n")
    )


def test_a_part_taken_away_while_a_part_is_unknown_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The answer names an unknown part: its hint might have been the one taken away."""
    edit = repo / "projects/vco/bom/v1.yaml"
    edit.write_text(edit.read_text().replace("part: r-1m}", "part: zz-thirdd}", 1))
    first = check(repo, capsys)
    assert "unknown part 'zz-thirdd' (did you mean 'zz-third'?)" in first[1]
    (repo / "parts/zz-third.yaml").unlink()
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache") and "did you mean 'zz-third'" not in now[1]


DRAFT = "project: vco\nversion: v1\nquantity: 1\n"
NAMING = {
    "equivalent": ("parts/r-100r.yaml", "name:", "equivalents: [zz-ref]\nname:"),
    "assembly-line": ("parts/vco-module.yaml", "name:", "bom:\n  - {part: zz-ref, quantity: 1}\nname:"),
    "implicit-part": ("packages/pot-9mm.yaml", "  - {part: knob-davies", "  - {part: zz-ref, quantity: 1}\n  - {part: knob-davies"),
    "product": ("projects/vco/project.yaml", "part: vco-module", "part: zz-ref"),
    "bom-row": ("projects/vco/bom/v1.yaml", "part: r-1m}", "part: zz-ref}"),
    "substitute": ("projects/vco/bom/v1.yaml", "part: r-1m}", "part: r-1m, substitute: zz-ref}"),
    "stock-line": ("stock/drawer-a.yaml", "lines:\n", "lines:\n  - {part: zz-ref, quantity: 5, bin: Z1}\n"),
    "fallback-for": ("builds/zz-draft.yaml", DRAFT, DRAFT + "fallbacks: {zz-ref: r-1k}\n"),
    "fallback": ("builds/zz-draft.yaml", DRAFT, DRAFT + "fallbacks: {r-1k: zz-ref}\n"),
    "reserved": ("builds/zz-draft.yaml", DRAFT, DRAFT + "status: completed\nreservations:\n  - {part: zz-ref, quantity: 0}\n"),
    "taken": (
        "builds/zz-draft.yaml", DRAFT,
        DRAFT + "status: completed\nreservations:\n"
        "  - {part: r-1k, quantity: 1, take: [{location: gone, part: zz-ref, quantity: 1}]}\n",
    ),
    "short": ("builds/zz-draft.yaml", DRAFT, DRAFT + "status: short\nshortages:\n  - {part: zz-ref, quantity: 1}\n"),
    "assembly-need": ("builds/zz-draft.yaml", DRAFT, DRAFT + "assemblies:\n  - {part: zz-ref, quantity: 1}\n"),
    "order-line": ("orders/mouser-open.yaml", "  - part: tl074-dip\n", "  - part: zz-ref\n    quantity: 1\n  - part: tl074-dip\n"),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(NAMING))
def test_every_place_that_names_a_part_is_among_the_parts_named(kind: str, tmp_path: Path) -> None:
    """Each kind of reference alone names the part, and the part's file taken away, a check says so."""
    root = tmp_path / "inv"
    shutil.copytree(Path(__file__).resolve().parent.parent / "example-inventory", root)
    (root / "parts/zz-ref.yaml").write_text("name: referred to\n")
    rel, before, after = NAMING[kind]
    path = root / rel
    text = path.read_text() if path.exists() else before
    assert before in text, before
    path.write_text(text.replace(before, after, 1))
    inv = load_repo(root, cache=False).inventory
    assert "zz-ref" in parts_named(inv)
    assert not [d.render() for d in run_checks(inv) if "zz-ref" in d.message]
    inv.parts.pop("zz-ref")
    inv.seen.get("part", set()).discard("zz-ref")  # as if its file had never been
    assert [d.code for d in run_checks(inv) if "zz-ref" in d.message] == ["CTB201"]


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_minds_a_part_nothing_names_taken_away(name: str, tmp_path: Path) -> None:
    """Every check says word for word the same after each part nothing names and no walk reaches goes."""
    rng = random.Random(3)
    root = spared_world(name, tmp_path, 12, rng, none=2)  # spares, some reached from reserved parts
    assert main(["--repo", str(root), "build", "clear", "--all", "-q"]) in (0, 1)
    inv = load_repo(root, cache=False).inventory
    before = run_checks(inv)
    named = {d.path for d in before} | {rel for d in before for rel in re.findall(r"parts/[\w.+-]+\.yaml", d.message)}
    free = sorted(set(inv.parts) - parts_named(inv) - within_reach_of_takes(inv))
    gone = [ident for ident in free if f"parts/{ident}.yaml" not in named]
    assert len(gone) >= 2
    for ident in gone:
        (root / "parts" / f"{ident}.yaml").unlink()
    assert [d.render() for d in run_checks(load_repo(root, cache=False).inventory)] == [d.render() for d in before]


def test_parts_taken_away_at_random_answer_as_a_full_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after part files went, a full check says exactly that."""
    root = generate_mixed(tmp_path / "mixed", parts=120, builds=8, projects=2, rows=20)
    ids = sorted(path.stem for path in (root / "parts").iterdir())
    rng = random.Random(21)
    for i in range(10):
        others = rng.sample([*ids[:40], *(f"spare-{j}" for j in range(i))], rng.randint(0, 2))
        (root / "parts" / f"spare-{i}.yaml").write_text(f"name: spare {i}\nequivalents: [{', '.join(others)}]\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    pool = sorted(path.stem for path in (root / "parts").iterdir())
    tally = Tally()
    for _ in range(30):
        check(root, capsys)
        taken = {}
        for ident in rng.sample([*pool[-14:], *rng.sample(pool, 2)], rng.randint(1, 2)):
            path = root / "parts" / f"{ident}.yaml"
            taken[path] = path.read_text()
            path.unlink()
        tally.weigh(root, capsys)
        for path, text in taken.items():
            path.write_text(text)
    assert tally.counts == (9, 9, 21)  # each light answer without a model
