"""The fast history walks give the answers of the straightforward computation.

``bom log`` works on blob ids (one ``git log --raw`` walk, folder trees and
blobs read once, explosions reused); these tests explode the BOM at every
commit and its parent from files read one at a time with ``git show`` and
compare.  Row-wise BOM reading is compared with the whole-file parser.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from ctb_files.core.models import BomFile, Extension, Part, Project, Settings
from ctb_files.errors import CtbError
from ctb_files.ops.bom.diff import FlatRow, flatten, summarize_bom_change
from ctb_files.ops.bom.extensions import visible_names
from ctb_files.ops.bom.tree import Target, explode, parse_target
from ctb_files.storage import history
from ctb_files.storage.bomread import BomVersions
from ctb_files.storage.history import bom_log
from ctb_files.storage.yaml import YamlProblem, load_fast
from tests.conftest import commit_all, git, write_tree


class _ShowCatalog:
    """Files at one commit, each read with its own ``git show`` and parsed on its own."""

    def __init__(self, root: Path, commit: str) -> None:
        self.root, self.commit = root, commit

    def _model(self, model: type[BaseModel], rel: str) -> BaseModel | None:
        try:
            data = git(self.root, "show", f"{self.commit}:{rel}")
        except Exception:  # absent at that commit
            return None
        try:
            raw = load_fast(data.encode(), rel)
            return model.model_validate(raw or {}) if isinstance(raw, dict) or raw is None else None
        except (YamlProblem, ValidationError):
            return None

    def part(self, part_id: str) -> Part | None:
        found = self._model(Part, f"parts/{part_id}.yaml")
        return found if isinstance(found, Part) else None

    def project(self, project_id: str) -> Project | None:
        found = self._model(Project, f"projects/{project_id}/project.yaml")
        return found if isinstance(found, Project) else None

    def project_bom(self, project_id: str, version: str) -> BomFile | None:
        found = self._model(BomFile, f"projects/{project_id}/bom/{version}.yaml")
        return found if isinstance(found, BomFile) else None

    def extensions(self) -> list[Extension]:
        found = self._model(Settings, "ctb.yaml")
        return list(found.bom_extensions) if isinstance(found, Settings) else []


def _rows_at(root: Path, commit: str | None, target: Target) -> list[FlatRow]:
    if commit is None:
        return []
    cat = _ShowCatalog(root, commit)
    try:
        rows = explode(cat, target)
    except CtbError:
        return []
    return flatten(rows, visible_names(cat.extensions()))


def _blob(root: Path, commit: str | None, rel: str) -> str | None:
    if commit is None:
        return None
    out = git(root, "ls-tree", commit, "--", rel).split()
    return out[2] if out else None


def _reference(root: Path, target: Target) -> list[tuple[str, str]]:
    """(commit, summary) of every commit of a linear history whose BOM differs from its parent's."""
    commits = git(root, "rev-list", "HEAD").split()
    out: list[tuple[str, str]] = []
    for at, commit in enumerate(commits):
        parent = commits[at + 1] if at + 1 < len(commits) else None
        before, after = _rows_at(root, parent, target), _rows_at(root, commit, target)
        if before == after:
            edited = _blob(root, commit, target.path) != _blob(root, parent, target.path)
            if target.project is not None and after and edited:
                out.append((commit, f"{target.path} edited; rows unchanged"))
            continue
        change = summarize_bom_change(before, after)
        out.append((commit, change.text() if change else "rows changed"))
    return out


def _bom(rows: list[str], comment: str = "") -> str:
    return "project: p\nversion: v1\n" + comment + "rows:\n" + "".join(f"  - {row}\n" for row in rows)


@pytest.fixture
def linear(git_repo: Path) -> Path:
    """Forty commits: BOM rows, used and unused parts, a sub-assembly, stock, a broken BOM, a comment edit."""
    rng = random.Random(5)
    parts = {f"r{i}": "name: R\nunit: pcs\n" for i in range(8)}
    parts["sub"] = "name: Sub\nbom:\n  - {part: r0, quantity: 2}\n"
    rows = [f"{{line: {n}, refs: [R{n}], quantity: {n}, value: {n}k, part: r{n}}}" for n in range(1, 5)]
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\n",
        "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
        "projects/p/bom/v1.yaml": _bom(rows),
        "stock/a.yaml": "lines: []\n",
        **{f"parts/{name}.yaml": text for name, text in parts.items()},
    })  # fmt: skip
    commit_all(git_repo, "start", date="2024-01-01T00:00:00+00:00")
    for number in range(40):
        files = {"stock/b.yaml": f"lines:\n  - {{part: r2, quantity: {number}}}\n"}  # never an empty commit
        kind = number % 8
        if kind in (0, 3):
            line = rng.randrange(len(rows))
            rows[line] = f"{{line: {line + 1}, refs: [R{line + 1}], quantity: {rng.randint(1, 4)}, part: r{rng.randrange(8)}}}"
            files["projects/p/bom/v1.yaml"] = _bom(rows)
        elif kind == 1:
            files["stock/a.yaml"] = f"lines:\n  - {{part: r1, quantity: {number}}}\n"
        elif kind == 2:  # a part the BOM may use changes unit: rows without a unit change with it
            name = f"r{rng.randrange(8)}"
            files[f"parts/{name}.yaml"] = f"name: R {number}\nunit: {rng.choice(['pcs', 'm'])}\n"
        elif kind == 4:  # the sub-assembly's own BOM, used once a row points at it
            files["parts/sub.yaml"] = f"name: Sub\nbom:\n  - {{part: r{rng.randrange(8)}, quantity: {number}}}\n"
            rows[0] = "{line: 1, refs: [X1], quantity: 1, part: sub}"
            files["projects/p/bom/v1.yaml"] = _bom(rows)
        elif kind == 5 and number == 13:
            files["projects/p/bom/v1.yaml"] = "project: p\nrows: [\n"  # broken in the middle of history
        elif kind == 5:
            files["projects/p/bom/v1.yaml"] = _bom(rows, comment=f"# synced {number}\n")  # rows unchanged
        elif kind == 6:
            files["parts/r9.yaml"] = f"name: unused {number}\n"
        else:
            files["ctb.yaml"] = f"ctb: 1\n# settings edited {number}\n"
        write_tree(git_repo, files)
        commit_all(git_repo, f"change {number}", date=f"2024-01-{2 + number // 2:02d}T{10 + number % 2}:00:00+00:00")
    return git_repo


def test_project_bom_log_equals_exploding_every_commit(linear: Path) -> None:
    target = parse_target("p:v1")
    expected = _reference(linear, target)
    assert len(expected) >= 15  # the history really changes the BOM many ways
    assert any("edited; rows unchanged" in text for _, text in expected)
    assert [(e.commit, e.summary) for e in bom_log(linear, target)] == expected


def test_the_walk_for_histories_with_merges_gives_the_same_log(linear: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a history with a merge takes the walk that asks git again for the grown set of files
    monkeypatch.setattr(history._Log, "_linear", lambda *_args: None)
    for text in ("p:v1", "sub"):
        target = parse_target(text)
        assert [(e.commit, e.summary) for e in bom_log(linear, target)] == _reference(linear, target)


def test_assembly_log_equals_exploding_every_commit(linear: Path) -> None:
    target = parse_target("sub")
    expected = _reference(linear, target)
    assert len(expected) >= 5
    assert [(e.commit, e.summary) for e in bom_log(linear, target)] == expected


def test_max_count_and_short_names(linear: Path) -> None:
    entries = bom_log(linear, parse_target("p:v1"), max_count=3)
    assert [e.commit for e in entries] == [c for c, _ in _reference(linear, parse_target("p:v1"))[:3]]
    for entry in entries:
        assert entry.short == git(linear, "log", "-1", "--format=%h", entry.commit).strip()


def test_a_broken_bom_in_the_middle_reads_as_no_bom(linear: Path) -> None:
    entries = bom_log(linear, parse_target("p:v1"))
    broken = git(linear, "log", "--format=%H", "--grep=^change 13$").strip()
    after_broken = git(linear, "log", "--format=%H", "--grep=^change 14$").strip()
    by_commit = {e.commit: e.summary for e in entries}
    # everything removed at the broken commit, everything back at the next BOM commit after it
    assert by_commit[broken].startswith("- ") and "+ " not in by_commit[broken]
    later = [e for e in entries if e.commit != broken and e.date > entries[[x.commit for x in entries].index(broken)].date]
    assert later[-1].summary.startswith("+ ")
    assert after_broken not in by_commit or by_commit[after_broken].startswith("+ ")


def test_a_merge_lists_the_side_commit_not_the_merge(git_repo: Path) -> None:
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\n",
        "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
        "projects/p/bom/v1.yaml": _bom(["{line: 1, refs: [R1], quantity: 1, part: r1}"]),
        "parts/r1.yaml": "name: R1\n",
        "parts/r2.yaml": "name: R2\n",
    })  # fmt: skip
    first = commit_all(git_repo, "start", date="2024-02-01T10:00:00+00:00")
    git(git_repo, "checkout", "-q", "-b", "side")
    write_tree(git_repo, {"projects/p/bom/v1.yaml": _bom(["{line: 1, refs: [R1], quantity: 3, part: r1}"])})
    side = commit_all(git_repo, "three of r1", date="2024-02-02T10:00:00+00:00")
    git(git_repo, "checkout", "-q", "main")
    write_tree(git_repo, {"parts/r1.yaml": "name: R1\nunit: m\n", "stock/a.yaml": "lines: []\n"})
    unit = commit_all(git_repo, "r1 in metres", date="2024-02-03T10:00:00+00:00")
    git(git_repo, "merge", "-q", "--no-edit", "side", date="2024-02-04T10:00:00+00:00")
    merge = git(git_repo, "rev-parse", "HEAD").strip()
    entries = bom_log(git_repo, parse_target("p:v1"))
    # the merge differs from both parents (unit from main, quantity from side): it is listed
    assert [(e.commit, e.summary) for e in entries] == [
        (merge, "r1 1 m → 3 m"),
        (unit, "r1 1 pcs → 1 m"),
        (side, "r1 1 pcs → 3 pcs"),
        (first, "+ r1 1 pcs"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "project: p\nversion: v1\nrows:\n  - {line: 1, refs: [R1, R2], quantity: 2, part: r1}\n",
        "project: p\nrows:\n  # a comment\n\n  - {line: 1, refs: [], quantity: 2}\n  - {line: 2, skus: [a, b], quantity: 1}\n",
        "project: p\nrows:\n  - {line: 1, refs: [R1, quantity: 2}\n",  # does not parse
        "project: p\nrows:\n  - {line: 1, value: \"a}\", quantity: 2}\n",  # quotes: the whole file
        "project: p\nrows:\n  - {line: 1, refs: [R1], quantity: 2}\n    - {line: 2, quantity: 1}\n",
        "project: p\nrows:\n",
        "rows:\n  - {line: 1, quantity: 2}\n",
        "project: p\nrows:\n  - {line: 1, quantity: 2} # trailing comment\n",
        "project: p\nrows:\n  - {line: 1, quantity: 2}\n  - {line: 1, quantity: 2, line: 3}\n",
    ],
)
def test_row_wise_bom_reading_equals_the_whole_file_parser(text: str) -> None:
    data = text.encode()
    versions = BomVersions()
    try:
        expected: object = load_fast(data, "b.yaml")
    except YamlProblem as exc:
        expected = exc.diagnostic.message
    for _ in range(2):  # the second time every row comes from the shared pieces
        try:
            got: object = versions.load(data, "b.yaml")
        except YamlProblem as exc:
            got = exc.diagnostic.message
        assert got == expected
