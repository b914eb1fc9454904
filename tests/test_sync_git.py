"""``ctb project sync`` from a git repository (real git in tmp_path) and from a path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage import sources
from ctb_files.storage.yaml import load_fast
from tests.conftest import commit_all, git, write_tree

DATA = Path(__file__).parent / "data" / "sync"
V1_CSV = (DATA / "vco-v1.csv").read_text()
# v2: the pots become 3 (RV3 added); every other row is the same
V2_CSV = V1_CSV.replace('4,"RV1,RV2",2,', '4,"RV1,RV2,RV3",3,')


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ctb-files" / "git"


@pytest.fixture
def hw(tmp_path: Path) -> dict[str, str]:
    """The hardware repository: v1.0 (annotated tag), branch dev at v2, a later commit on main."""
    root = tmp_path / "hw"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {"vco.csv": V1_CSV, "README": "VCO\n"})
    shas = {"v1": commit_all(root, "v1", date="2026-01-01T10:00:00Z")}
    git(root, "tag", "-a", "v1.0", "-m", "first release")
    git(root, "checkout", "-q", "-b", "dev")
    write_tree(root, {"vco.csv": V2_CSV})
    shas["v2"] = commit_all(root, "more pots", date="2026-02-01T10:00:00Z")
    git(root, "checkout", "-q", "main")
    write_tree(root, {"README": "VCO, now documented\n"})
    shas["main"] = commit_all(root, "docs", date="2026-03-01T10:00:00Z")
    return shas


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(DATA / "inventory", root)
    write_tree(root, {"projects/vco/project.yaml": """
        name: Eurorack VCO
        source: {git: ../hw}
        bom_path: vco.csv
        versions:
          - {name: v1, ref: v1.0}
          - {name: v2, ref: dev}
    """})  # fmt: skip
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "inventory")
    return root


def run(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def bom(root: Path, version: str) -> dict:
    return load_fast((root / f"projects/vco/bom/{version}.yaml").read_bytes(), version)


def test_two_versions_differ_in_exactly_the_changed_row(
    inv: Path, hw: dict[str, str], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(inv, "project", "sync", "vco") == 0
    out, err = capsys.readouterr()
    assert "syncing vco v1 (v1.0)" in err and "syncing vco v2 (dev)" in err
    assert "wrote projects/vco/bom/v1.yaml" in err
    header, rule, v1, v2 = out.splitlines()[:4]
    assert header.split() == ["version", "commit", "rows", "matched", "unmatched", "implicit", "placeholders", "problems", "flags"]
    assert v1.split() == ["v1", hw["v1"][:7], "9", "7", "2", "1", "1", "0", "0"]
    assert v2.split() == ["v2", hw["v2"][:7], "9", "7", "2", "1", "0", "0", "0"]
    assert "v1 line 6: no part with value 22k, footprint R_0805 and symbol R" in out
    one, two = bom(inv, "v1"), bom(inv, "v2")
    assert {k: v for k, v in one["source"].items() if k != "synced_at"} == {
        "git": "../hw", "ref": "v1.0", "commit": hw["v1"], "path": "vco.csv", "format": "ctb-csv",
    }  # fmt: skip
    assert two["source"]["commit"] == hw["v2"]
    different = [(a, b) for a, b in zip(one["rows"], two["rows"]) if a != b]
    assert len(one["rows"]) == len(two["rows"]) == 10
    assert [(a["refs"], b["refs"], a["quantity"], b["quantity"]) for a, b in different[:1]] == [
        (["RV1", "RV2"], ["RV1", "RV2", "RV3"], 2, 3)
    ]
    assert [(a["part"], a["quantity"], b["quantity"]) for a, b in different[1:]] == [("knob-davies", 2, 3)]
    # the cache is a bare repository under XDG_CACHE_HOME: nothing checked out
    (mirror,) = [p for p in cache.iterdir() if p.is_dir()]
    assert (mirror / "HEAD").is_file() and not (mirror / "vco.csv").exists()


def test_bom_diff_shows_exactly_the_changed_row(inv: Path, hw: dict[str, str], cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ctb_files.cli.bom")
    assert run(inv, "project", "sync", "vco") == 0
    capsys.readouterr()
    assert run(inv, "bom", "diff", "vco:v1", "vco:v2", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    edits = [op for op in doc["opcodes"] if op["tag"] != "equal"]
    assert [(op["tag"], [(r["part"], r["quantity"], r["refs"]) for r in op["old"]], [(r["part"], r["quantity"], r["refs"]) for r in op["new"]]) for op in edits] == [
        (
            "replace",
            [("pot-b100k", 2, ["RV1", "RV2"]), ("knob-davies", 2, [])],
            [("pot-b100k", 3, ["RV1", "RV2", "RV3"]), ("knob-davies", 3, [])],
        )
    ]
    changed = doc["summary"]["changed"]
    assert sorted((c["part"], c["old_quantity"], c["new_quantity"]) for c in changed) == [
        ("knob-davies", 2, 3),
        ("pot-b100k", 2, 3),
    ]
    assert doc["summary"]["added"] == [] and doc["summary"]["removed"] == []


def test_resync_is_byte_identical_and_follows_the_branch(
    inv: Path, hw: dict[str, str], cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(inv, "project", "sync", "vco", "--commit") == 0
    before = (inv / "projects/vco/bom/v2.yaml").read_bytes()
    head = git(inv, "rev-parse", "HEAD")
    capsys.readouterr()
    assert run(inv, "project", "sync", "vco", "--commit") == 0
    assert "wrote" not in capsys.readouterr().err
    assert (inv / "projects/vco/bom/v2.yaml").read_bytes() == before
    assert git(inv, "rev-parse", "HEAD") == head
    # a new commit on dev that changes only the README: new commit recorded, rows unchanged
    hwroot = tmp_path / "hw"
    git(hwroot, "checkout", "-q", "dev")
    write_tree(hwroot, {"README": "dev notes\n"})
    newer = commit_all(hwroot, "notes")
    assert run(inv, "project", "sync", "vco", "--version", "v2") == 0
    assert bom(inv, "v2")["source"]["commit"] == newer
    assert bom(inv, "v2")["rows"] == load_fast(before, "v2")["rows"]


def test_refs_resolve_as_sha_then_branch_then_tag(
    inv: Path, hw: dict[str, str], cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hwroot = tmp_path / "hw"
    git(hwroot, "branch", "v1.0-fix", hw["v2"])
    git(hwroot, "tag", "same", hw["v1"])
    git(hwroot, "branch", "same", hw["v2"])
    write_tree(inv, {"projects/vco/project.yaml": f"""
        name: Eurorack VCO
        source: {{git: ../hw}}
        bom_path: vco.csv
        versions:
          - {{name: short, ref: {hw["v1"][:8]}}}
          - {{name: full, ref: {hw["v2"]}}}
          - {{name: same, ref: same}}
          - {{name: head}}
    """})  # fmt: skip
    assert run(inv, "project", "sync", "vco", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    commits = {v["version"]: v["commit"] for v in doc["versions"]}
    assert commits == {"short": hw["v1"], "full": hw["v2"], "same": hw["v2"], "head": hw["main"]}
    first = doc["versions"][0]
    assert (first["rows"], first["matched"], first["implicit"], first["placeholders"]) == (9, 7, 1, ["mouser-595-TL074CDR"])
    assert first["unmatched"] == [
        {"line": 6, "text": "no part with value 22k, footprint R_0805 and symbol R"},
        {"line": 9, "text": "no part with value Jack, footprint Jack_3.5mm and symbol J"},
    ]
    assert first["problems"] == []


@pytest.mark.parametrize(
    ("project", "message"),
    [
        ("source: {git: ../hw}\nbom_path: vco.csv\nversions: [{name: v1, ref: v9.9}]", "ref v9.9 is not a commit, branch or tag of ../hw"),
        ("source: {git: ../hw}\nbom_path: nope.csv\nversions: [{name: v1, ref: v1.0}]", "nope.csv does not exist in ../hw at"),
        ("source: {git: ../nowhere}\nbom_path: vco.csv\nversions: [{name: v1, ref: v1.0}]", "git source ../nowhere does not exist"),
        ("source: {git: ../hw}\nversions: [{name: v1, ref: v1.0}]", "project vco has no bom_path"),
    ],
)
def test_failures_are_one_line_and_write_nothing(
    inv: Path, hw: dict[str, str], cache: Path, capsys: pytest.CaptureFixture[str], project: str, message: str
) -> None:
    write_tree(inv, {"projects/vco/project.yaml": "name: VCO\n" + project + "\n"})
    assert run(inv, "project", "sync", "vco") == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (inv / "projects/vco/bom").exists()
    assert not (inv / "parts/mouser-595-TL074CDR.yaml").exists()


def test_one_failing_version_writes_no_version(inv: Path, hw: dict[str, str], cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(inv, {"projects/vco/project.yaml": """
        name: VCO
        source: {git: ../hw}
        bom_path: vco.csv
        versions: [{name: v1, ref: v1.0}, {name: v2, ref: gone}]
    """})  # fmt: skip
    assert run(inv, "project", "sync", "vco") == 1
    assert not (inv / "projects/vco/bom").exists()


def test_oversized_file_is_refused(inv: Path, hw: dict[str, str], cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sources, "MAX_BOM_BYTES", 100)
    assert run(inv, "project", "sync", "vco", "--version", "v1") == 1
    assert "more than the 100 a BOM file may have" in capsys.readouterr().err


def test_unknown_version_and_project(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(inv, "project", "sync", "vco", "--version", "v7") == 1
    assert "project vco has no version v7 (versions: v1, v2)" in capsys.readouterr().err
    assert run(inv, "project", "sync", "nope") == 1
    assert "no project nope (projects: vco)" in capsys.readouterr().err


def test_path_source_reads_the_inventory_at_a_rev_or_the_working_tree(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(inv, {
        "boms/vco.csv": V1_CSV,
        "projects/vco/project.yaml": "name: VCO\nsource: {path: boms/vco.csv}\nversions: [{name: v1, ref: main}, {name: wip}]\n",
    })  # fmt: skip
    first = commit_all(inv, "bom v1")
    write_tree(inv, {"boms/vco.csv": V2_CSV})  # not committed
    assert run(inv, "project", "sync", "vco") == 0
    v1, wip = bom(inv, "v1"), bom(inv, "wip")
    assert {k: v for k, v in v1["source"].items() if k != "synced_at"} == {
        "path": "boms/vco.csv", "ref": "main", "commit": first, "format": "ctb-csv",
    }  # fmt: skip
    assert "commit" not in wip["source"]
    assert v1["rows"][3]["quantity"] == 2 and wip["rows"][3]["quantity"] == 3
    write_tree(inv, {"projects/vco/project.yaml": "name: VCO\nsource: {path: ../outside.csv}\nversions: [{name: v1}]\n"})
    capsys.readouterr()
    assert run(inv, "project", "sync", "vco") == 1
    assert "source path ../outside.csv is outside the inventory repository" in capsys.readouterr().err


def test_project_list_and_show(inv: Path, hw: dict[str, str], cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(inv, "project", "sync", "vco", "--version", "v1") == 0
    capsys.readouterr()
    assert run(inv, "project", "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].split() == ["vco", "Eurorack", "VCO", "git", "../hw", "vco.csv", "v1,", "v2"]
    assert run(inv, "project", "show", "vco", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(v["name"], v["ref"], v["commit"], v["rows"], v["unmatched"]) for v in doc["versions"]] == [
        ("v1", "v1.0", hw["v1"], 9, 2),
        ("v2", "dev", None, None, None),
    ]
    assert run(inv, "project", "show", "vco") == 0
    text = capsys.readouterr().out
    assert "source: git ../hw vco.csv" in text and "not synced" in text


def test_project_without_source_is_refused_before_any_progress(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(inv, {"projects/vco/project.yaml": "name: VCO\nversions: [{name: v1}, {name: v2}]\n"})
    assert run(inv, "project", "sync", "vco") == 1
    assert capsys.readouterr().err == (
        "ctb: project vco has no source; write its BOM files by hand or use 'ctb bom import'\n"
    )
    assert not (inv / "projects/vco/bom").exists()


def test_path_source_of_an_inventory_in_a_subfolder_of_the_work_tree(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = git_repo / "hw" / "inventory"
    shutil.copytree(DATA / "inventory", inv)
    write_tree(inv, {
        "boms/vco.csv": V1_CSV,
        "projects/vco/project.yaml": "name: VCO\nsource: {path: boms/vco.csv}\nversions: [{name: v1, ref: main}]\n",
    })  # fmt: skip
    # the same path at the top of the work tree must not be what is read
    write_tree(git_repo, {"boms/vco.csv": "Reference,Value,Footprint,Qty\nX1,decoy,none,1\n"})
    first = commit_all(git_repo, "inventory in a subfolder")
    write_tree(inv, {"boms/vco.csv": V2_CSV})  # not committed: the ref says main
    assert run(inv, "project", "sync", "vco") == 0
    v1 = bom(inv, "v1")
    assert {k: v for k, v in v1["source"].items() if k != "synced_at"} == {
        "path": "boms/vco.csv", "ref": "main", "commit": first, "format": "ctb-csv",
    }  # fmt: skip
    assert v1["rows"][3]["quantity"] == 2


def test_unmatched_row_matches_after_the_part_is_added_and_keeps_its_substitute(
    inv: Path, hw: dict[str, str], cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(inv, "project", "sync", "vco", "--version", "v1") == 0
    rel = "projects/vco/bom/v1.yaml"
    text = (inv / rel).read_text()
    six = text.index("  - line: 6\n")
    row = text[six : text.index("  - line: 7\n")]
    assert "    part: null\n    missing: no part with value 22k, footprint R_0805 and symbol R\n" in row
    # by hand: a substitute, and a comment on the row
    edited = row.replace("    substitute: null\n", "    substitute: r-0805-10k  # until 22k arrive\n")
    (inv / rel).write_text(text[:six] + edited + text[six + len(row) :])
    write_tree(inv, {
        "packages/r-0805-bare.yaml": "name: 0805 resistor, bare footprint name\nfootprints: [R_0805]\n",
        "parts/r-0805-22k.yaml": "name: 22k 0805\nvalue: 22k\nsymbol: R\npackage: r-0805-bare\n",
    })  # fmt: skip
    capsys.readouterr()
    assert run(inv, "project", "sync", "vco", "--version", "v1") == 0
    assert "v1 line 6" not in capsys.readouterr().out
    line6 = [r for r in bom(inv, "v1")["rows"] if r["line"] == 6]
    assert [(r["part"], r["missing"], r["substitute"]) for r in line6] == [("r-0805-22k", None, "r-0805-10k")]
    assert "    substitute: r-0805-10k  # until 22k arrive\n" in (inv / rel).read_text()
