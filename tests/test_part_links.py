"""``ctb check`` after a part's package or equivalents changed: the last full answer stands when no check can mind.

A check reads a part's package only to know it (CTB202), and its equivalents
to know them (CTB201) and to weigh open builds' takes (CTB304), which walk
the equivalents only from reserved parts and their fallbacks.  So a part
whose package is now another known one (or none), or whose equivalents are
known parts and, where they changed, lie with the part itself outside
every such walk, leaves every check as it was; it is shown so without a
model (``storage/unread/edits._links_only``).  A clear keeps its answer when
equivalents change among parts none of its plans looked up the lines of.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.gen import generate, generate_mixed
from ctb_files.checks import run_checks
from ctb_files.checks.stock import within_reach_of_takes
from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.test_recheck import (
    Tally,
    check,
    clear,
    full_answer,
    shown_without_a_model,
    spared_world,
    unchanged,
    unchanged_clear,
)


@pytest.fixture()
def repo(one_build_cleared: Path) -> Path:
    """The example with its build cleared (``tests/conftest.py``): it takes r-10k-vishay for r-10k."""
    return one_build_cleared


def edit(root: Path, rel: str, before: str, after: str) -> None:
    path = root / rel
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


def test_the_parts_a_check_walks_from_are_those_open_builds_reserve(repo: Path) -> None:
    inv = load_repo(repo, cache=False).inventory
    assert sorted(set(inv.parts) - within_reach_of_takes(inv)) == [
        "knob-davies", "panel-vco", "r-100r", "tl074-dip", "vco-module",
    ]  # fmt: skip


QUIET = {
    "equivalents-added": [("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [knob-davies]\n")],
    "equivalents-between-two": [
        ("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [tl074-dip]\n"),
        ("parts/tl074-dip.yaml", "package: dip-14\n", "package: dip-14\nequivalents: [r-100r, panel-vco]\n"),
    ],
    "package-changed": [("parts/r-10k.yaml", "package: r-axial-0207\n", "package: do-35\n")],
    "package-taken-out": [("parts/r-10k.yaml", "package: r-axial-0207\n", "")],
    "package-given": [("parts/panel-vco.yaml", "name:", "package: to-92\nname:")],
    "equivalents-written-again": [("parts/r-10k.yaml", "equivalents: [r-10k-vishay]", "equivalents:\n  - r-10k-vishay\n")],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(QUIET))
def test_links_no_check_can_mind_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    for rel, before, after in QUIET[name]:
        edit(repo, rel, before, after)
    assert unchanged(repo) == (51, [])
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == first


@pytest.mark.parametrize(
    ("rel", "before", "after", "said"),
    [
        # the build takes r-10k-vishay for r-10k: without the equivalence the take is weighed otherwise
        ("parts/r-10k.yaml", "equivalents: [r-10k-vishay]", "equivalents: []", "CTB304"),
        # a part within reach (r-1k is reserved) given an equivalent: in full, nothing to say
        ("parts/r-1k.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [r-100r]\n", ""),
        # a part outside reach given one within it
        ("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [r-1k]\n", ""),
        ("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [r-100rr]\n", "CTB201"),
        ("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: r-1k\n", "CTB10"),
        ("parts/r-100r.yaml", "package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [1]\n", "CTB10"),
        ("parts/r-10k.yaml", "package: r-axial-0207\n", "package: r-axial\n", "CTB202"),
        ("parts/r-10k.yaml", "package: r-axial-0207\n", "package: [r-axial-0207]\n", "CTB10"),
        ("parts/r-10k.yaml", "package: r-axial-0207\n", "package: do-35\nunit: m\n", ""),  # and its unit: in full
    ],
)
def test_links_a_check_may_mind_are_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], rel: str, before: str, after: str, said: str
) -> None:
    check(repo, capsys)
    edit(repo, rel, before, after)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert said in now[1] and (said == "") == (now[1] == ""), now


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_minds_equivalents_changed_outside_every_walk(name: str, tmp_path: Path) -> None:
    """Every check says word for word the same after equivalents change among parts outside every walk from a
    reserved part or fallback, and packages change to known ones."""
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
    outside = sorted(set(inv.parts) - within_reach_of_takes(inv))
    packages = sorted(inv.packages)
    assert len(outside) >= 4  # the mixed world has no packages: equivalents alone there
    rng = random.Random(5)
    for i, ident in enumerate(outside):
        path = root / "parts" / f"{ident}.yaml"
        if f"parts/{ident}.yaml" in named:
            continue
        text = re.sub(r"(?m)^(equivalents|package):.*\n", "", path.read_text())
        others = rng.sample(outside, min(len(outside), rng.randint(0, 3)))
        text += f"equivalents: [{', '.join(others)}]\n" if others else ""
        text += f"package: {packages[i % len(packages)]}\n" if i % 3 and packages else ""
        path.write_text(text)
    assert [d.render() for d in run_checks(load_repo(root, cache=False).inventory)] == before


def test_links_changed_at_random_answer_as_a_full_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after a part's links changed, a full check says exactly that."""
    root = generate(tmp_path / "plain", parts=150, builds=8, projects=2)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    ids = sorted(path.stem for path in (root / "parts").iterdir())
    packages = sorted(path.stem for path in (root / "packages").iterdir())
    rng = random.Random(12)
    tally = Tally()
    for _ in range(30):
        check(root, capsys)
        made = {}
        for ident in rng.sample(ids, rng.randint(1, 2)):
            path = root / "parts" / f"{ident}.yaml"
            made[path] = text = path.read_text()
            what = rng.random()
            if what < 0.6:
                others = rng.sample([*ids, "no-such-part"], rng.randint(0, 2))
                text = re.sub(r"(?m)^equivalents:.*\n", "", text) + f"equivalents: [{', '.join(others)}]\n"
            else:
                text = re.sub(r"(?m)^package:.*\n", "", text)
                if what < 0.9:
                    text += f"package: {rng.choice([*packages, 'no-such-package'])}\n"
            path.write_text(text)
        tally.weigh(root, capsys)
        for path, text in made.items():
            path.write_text(text)
    assert tally.counts == (12, 12, 18)  # each light answer without a model


def twin_clear(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """A dry-run clear of a copy of ``root`` without its cache: what a clear in full says."""
    twin = root.parent / "twin"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(root, twin)
    shutil.rmtree(twin / ".git/ctb", ignore_errors=True)
    return clear(twin, capsys, "--dry-run", "--no-cache")


@pytest.mark.parametrize(
    ("before", "after", "kept"),
    [
        ("package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [vco-module]\n", True),
        ("package: r-axial-0207\n", "package: r-axial-0207\nequivalents: [r-1k]\n", False),  # r-1k is looked up
        ("package: r-axial-0207\n", "package: do-35\n", False),  # a package: attrition, implicit parts
    ],
)
def test_a_clear_keeps_its_answer_when_equivalents_change_where_no_plan_looked(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], before: str, after: str, kept: bool, steady_clock: None
) -> None:
    """r-100r and vco-module are the parts no plan of the example looks up the lines of."""
    first = clear(cleared_repo, capsys)
    builds = {p.name: p.read_bytes() for p in (cleared_repo / "builds").iterdir()}
    edit(cleared_repo, "parts/r-100r.yaml", before, after)
    assert (unchanged_clear(cleared_repo) is not None) == kept
    assert clear(cleared_repo, capsys, "--dry-run") == twin_clear(cleared_repo, capsys)
    assert clear(cleared_repo, capsys) == first
    assert {p.name: p.read_bytes() for p in (cleared_repo / "builds").iterdir()} == builds


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_plan_changes_when_equivalents_change_where_no_plan_looked(name: str, tmp_path: Path) -> None:
    """Every plan, table cell, JSON and written field of a clear of every open build is the same after
    equivalents change among parts whose lines no plan looked up (some given equivalents, some taken)."""
    import pickle

    from ctb_files.storage import clearcache, unread
    from ctb_files.storage.cachebase import answer_path
    from tests.test_recheck import cleared

    rng = random.Random(9)
    root = spared_world(name, tmp_path, 8, rng)  # spares, some naming parts a plan looks up
    for _ in range(2):  # the second plans from what the first wrote, and keeps what it looked up
        main(["--repo", str(root), "build", "clear", "--all", "-q"])
    found = unread.kept(answer_path(root, "clear-files"), clearcache.FULL_MAGIC)
    assert found is not None and found.facts is not None and found.facts.unconsulted is not None
    looked_up = pickle.loads(found.facts.unconsulted.parts)
    before = cleared(load_repo(root, cache=False).inventory)
    free = sorted(path.stem for path in (root / "parts").iterdir() if path.stem not in looked_up)
    assert len(free) >= 3
    for ident in free:
        path = root / "parts" / f"{ident}.yaml"
        others = rng.sample(free, rng.choice([0, 1, 2]))
        path.write_text(
            re.sub(r"(?m)^equivalents:.*\n", "", path.read_text()) + f"equivalents: [{', '.join(others)}]\n"
        )
    assert cleared(load_repo(root, cache=False).inventory) == before
