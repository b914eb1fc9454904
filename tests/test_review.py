"""``ctb review``: what a change does to the inventory, between commits, the working tree and merges."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.review import review
from ctb_files.storage.loader import load_files
from tests.conftest import commit_all, git, write_tree
from tests.test_mergedriver import ctb_on_path

WORLD = {
    "ctb.yaml": "ctb: 1\nname: Review lab\n",
    "parts/r1.yaml": "name: 10k resistor\n",
    "parts/tl074.yaml": "name: TL074 quad op-amp\n",
    "parts/bat54s.yaml": "name: BAT54S diode\n",
    "vendors/mouser.yaml": "name: Mouser\n",
    "stock/a.yaml": """\
        name: Drawer A
        lines:
          - {part: r1, quantity: 10}
          - {part: tl074, quantity: 2, bin: "3"}
        """,
    "projects/p/project.yaml": "name: Synth\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": """\
        project: p
        version: v1
        rows:
          - {line: 1, quantity: 2, part: r1}
          - {line: 2, quantity: 1, part: tl074}
        """,
    "builds/b1.yaml": "project: p\nversion: v1\nquantity: 3\n",
}


def ctb(root: Path, *args: str) -> int:
    return main([*args, "--repo", str(root)])


@pytest.fixture
def inv(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A committed inventory whose build b1 is short of one TL074 (2 on hand, 3 needed)."""
    write_tree(git_repo, WORLD)
    assert ctb(git_repo, "build", "clear", "b1") == 0
    commit_all(git_repo, "b1 cleared, short of one tl074")
    capsys.readouterr()
    return git_repo


def change_everything(root: Path) -> None:
    """Five more TL074, b1 cleared again, a new build b2, a BOM change and a placed order."""
    stock = (root / "stock/a.yaml").read_text()
    write_tree(root, {"stock/a.yaml": stock.replace("quantity: 2, bin", "quantity: 7, bin")})
    assert ctb(root, "build", "clear", "b1") == 0
    write_tree(root, {"builds/b2.yaml": "project: p\nversion: v1\nquantity: 1\n"})
    assert ctb(root, "build", "clear", "b2") == 0
    bom = (root / "projects/p/bom/v1.yaml").read_text()
    bom = bom.replace("quantity: 2, part: r1", "quantity: 3, part: r1") + "  - {line: 3, quantity: 2, part: bat54s}\n"
    write_tree(root, {
        "projects/p/bom/v1.yaml": bom,
        "orders/o1.yaml": 'vendor: mouser\nstatus: placed\nlines:\n  - {part: bat54s, quantity: 10, unit_price: "0.12"}\n',
    })  # fmt: skip


EXPECTED = """\
### Inventory changes (`HEAD` → working tree)

#### Stock

| Part | Location | On hand | Reserved | Available |
|---|---|---:|---:|---:|
| r1 | a | 10 | 6 → 8 (+2) | 4 → 2 (-2) |
| tl074 | a | 2 → 7 (+5) | 0 → 4 (+4) | 2 → 3 (+1) |

#### Builds

| Build | What | Status | Shortages |
|---|---|---|---|
| b1 | 3 × p:v1 | short → cleared | resolved: tl074 1 |
| b2 | 1 × p:v1 | new, cleared | — |

<details><summary>b1: 2 parts reserved</summary>

| Part | Quantity | Taken from |
|---|---:|---|
| r1 | 6 | a 6 |
| tl074 | 3 | a#3 3 |

</details>

<details><summary>b2: 2 parts reserved</summary>

| Part | Quantity | Taken from |
|---|---:|---|
| r1 | 2 | a 2 |
| tl074 | 1 | a#3 1 |

</details>

#### Shortages (all open builds)

| Part | Short |
|---|---:|
| tl074 | 1 → 0 (-1) |

#### BOMs

| BOM | Change |
|---|---|
| p:v1 | + bat54s 2 pcs; r1 2 pcs → 3 pcs |

#### Orders

| Order | Vendor | Status | Lines | Total |
|---|---|---|---:|---:|
| o1 | mouser | new, placed | 1 | 1.20 USD |
"""


def test_markdown_of_a_working_tree_change(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change_everything(inv)
    capsys.readouterr()
    head = git(inv, "rev-parse", "--short=7", "HEAD").strip()
    assert ctb(inv, "review", "HEAD") == 0
    assert capsys.readouterr().out == EXPECTED.replace("`HEAD`", f"`HEAD {head}`")


def test_json_between_two_commits(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = git(inv, "rev-parse", "HEAD").strip()
    change_everything(inv)
    commit_all(inv, "more op-amps, b2, bat54s, order")
    capsys.readouterr()
    assert ctb(inv, "review", base, "HEAD", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"stock", "builds", "boms", "orders"}
    assert doc["stock"] == [
        {"location": "a", "part": "r1", "before": 10, "after": 10, "reserved_before": 6, "reserved_after": 8},
        {"location": "a", "part": "tl074", "before": 2, "after": 7, "reserved_before": 0, "reserved_after": 4},
    ]
    b1, b2 = doc["builds"]
    assert (b1["id"], b1["before"], b1["after"]) == ("b1", "short", "cleared")
    assert b1["resolved_shortages"] == [{"part": "tl074", "before": 1, "after": 0}] and b1["shortages"] == []
    assert [(r["part"], r["quantity"]) for r in b1["reservations"]] == [("r1", 6), ("tl074", 3)]
    assert b1["reservations"][1]["take"] == [{"location": "a", "part": "tl074", "bin": "3", "quantity": 3}]
    assert (b2["id"], b2["before"], b2["after"], b2["quantity"]) == ("b2", None, "cleared", 1)
    assert doc["boms"] == [{
        "target": "p:v1", "project": "p", "version": "v1", "change": "changed",
        "summary": {
            "changed_rows": [], "added": ["bat54s"], "removed": [], "moved": [],
            "changed": [{"part": "r1", "old_quantity": 2, "new_quantity": 3, "old_unit": "pcs", "new_unit": "pcs"}],
        },
        "text": "+ bat54s 2 pcs; r1 2 pcs → 3 pcs",
    }]  # fmt: skip
    assert doc["orders"] == [{
        "id": "o1", "vendor": "mouser", "before": None, "after": "placed", "lines": 1, "total": "1.20",
        "currency": "USD", "lines_changed": False,
    }]  # fmt: skip


def test_no_change_is_one_line(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sha = git(inv, "rev-parse", "HEAD").strip()
    assert ctb(inv, "review", sha) == 0
    assert capsys.readouterr().out == f"No inventory changes (`{sha}` → working tree).\n"


def test_a_build_completing_moves_stock(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(inv, {"stock/a.yaml": (inv / "stock/a.yaml").read_text().replace("quantity: 2, bin", "quantity: 3, bin")})
    assert ctb(inv, "build", "clear", "b1") == 0
    commit_all(inv, "b1 cleared")
    assert ctb(inv, "build", "complete", "b1") == 0
    capsys.readouterr()
    assert ctb(inv, "review", "HEAD", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stock"] == [
        {"location": "a", "part": "r1", "before": 10, "after": 4, "reserved_before": 6, "reserved_after": 0},
        {"location": "a", "part": "tl074", "before": 3, "after": 0, "reserved_before": 3, "reserved_after": 0},
    ]
    assert [(b["id"], b["before"], b["after"]) for b in doc["builds"]] == [("b1", "cleared", "completed")]


def test_an_unreadable_file_is_not_reported_as_removed(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(inv, {"builds/b1.yaml": "project: p\nversion: v1\nquantity: [\n"})
    assert ctb(inv, "review", "HEAD") == 0
    out = capsys.readouterr().out
    assert out.startswith("No inventory changes (")
    assert "> Not compared (the file does not read on one side; run `ctb check`): `builds/b1.yaml`\n" in out


def test_review_from_before_the_inventory_existed(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {"README.md": "parts of the lab\n"})
    first = commit_all(git_repo, "readme")
    write_tree(git_repo, WORLD)
    commit_all(git_repo, "inventory")
    assert ctb(git_repo, "review", first, "HEAD") == 0
    out = capsys.readouterr().out
    assert "| r1 | a | 0 → 10 (+10) | 0 | 0 → 10 (+10) |\n| tl074 | a | 0 → 2 (+2) | 0 | 0 → 2 (+2) |\n" in out
    assert "| b1 | 3 × p:v1 | new, draft | — |\n" in out
    assert "| p:v1 | new BOM, 2 rows |\n" in out
    assert "Not compared" not in out


def test_pure_review_of_two_file_sets() -> None:
    before = load_files({k: v.encode() for k, v in WORLD.items()}).inventory
    after_files = dict(WORLD, **{"stock/b.yaml": "lines:\n  - {part: r1, quantity: 5}\n"})
    after = load_files({k: v.encode() for k, v in after_files.items()}).inventory
    result = review(before, after)
    assert [(s.location, s.part, s.before, s.after) for s in result.stock] == [("b", "r1", 0, 5)]
    assert not result.builds and not result.boms and not result.orders


# --- across merges --------------------------------------------------------------------------------


@pytest.fixture
def merged(inv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """Two branches change the same stock line (r1 10: -2 and +5) and the BOM; merged with the driver."""
    ctb_on_path(monkeypatch)
    write_tree(inv, {".gitattributes": "stock/*.yaml merge=ctb-stock\n"})
    commit_all(inv, "merge driver for stock", date="2024-05-01T10:00:00+00:00")
    git(inv, "tag", "base")
    assert ctb(inv, "merge-driver", "install") == 0
    stock = (inv / "stock/a.yaml").read_text()
    git(inv, "checkout", "-q", "-b", "used-two")
    write_tree(inv, {"stock/a.yaml": stock.replace("r1, quantity: 10", "r1, quantity: 8")})
    commit_all(inv, "used two resistors", date="2024-05-02T10:00:00+00:00")
    git(inv, "checkout", "-q", "-b", "restocked", "base")
    bom = (inv / "projects/p/bom/v1.yaml").read_text().replace("quantity: 1, part: tl074", "quantity: 2, part: tl074")
    write_tree(inv, {"stock/a.yaml": stock.replace("r1, quantity: 10", "r1, quantity: 15"), "projects/p/bom/v1.yaml": bom})
    commit_all(inv, "five resistors in; two op-amps per synth", date="2024-05-03T10:00:00+00:00")
    git(inv, "checkout", "-q", "used-two")
    env = {"GIT_AUTHOR_DATE": "2024-05-04T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-05-04T10:00:00+00:00"}
    done = subprocess.run(
        ["git", "merge", "--no-edit", "restocked"], cwd=inv, capture_output=True, text=True,
        env={**os.environ, **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    capsys.readouterr()
    return inv


def test_review_across_a_merge(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(merged, "review", "base", "HEAD", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stock"] == [
        {"location": "a", "part": "r1", "before": 10, "after": 13, "reserved_before": 6, "reserved_after": 6}
    ]
    assert [(b["target"], b["text"]) for b in doc["boms"]] == [("p:v1", "tl074 1 pcs → 2 pcs")]
    assert ctb(merged, "review", "HEAD^1", "HEAD") == 0
    text = capsys.readouterr().out
    assert "| r1 | a | 8 → 13 (+5) | 6 | 2 → 7 (+5) |" in text and "| p:v1 | tl074 1 pcs → 2 pcs |" in text


def test_bom_log_across_a_merge(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(merged, "bom", "log", "p:v1", "--format", "json") == 0
    commits = json.loads(capsys.readouterr().out)["commits"]
    assert [c["summary"] for c in commits][:1] == ["tl074 1 pcs → 2 pcs"]
    assert commits[0]["date"].startswith("2024-05-03")


def test_stock_log_across_a_merge(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(merged, "stock", "log", "r1", "--format", "json") == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [(e["message"], e["delta"], e["total"]) for e in entries] == [
        ("b1 cleared, short of one tl074", 10, 10),
        ("used two resistors", -2, 8),
        ("five resistors in; two op-amps per synth", 5, 13),
    ]


def test_review_of_a_clear_shows_the_build_its_reservations_and_stock_deltas(
    inv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(inv, {"builds/b2.yaml": "project: p\nversion: v1\nquantity: 1\n"})
    commit_all(inv, "b2 drafted")
    head = git(inv, "rev-parse", "--short=7", "HEAD").strip()
    assert ctb(inv, "build", "clear", "b2") == 0
    capsys.readouterr()
    assert ctb(inv, "review", "HEAD") == 0
    assert capsys.readouterr().out == f"""\
### Inventory changes (`HEAD {head}` → working tree)

#### Stock

| Part | Location | On hand | Reserved | Available |
|---|---|---:|---:|---:|
| r1 | a | 10 | 6 → 8 (+2) | 4 → 2 (-2) |
| tl074 | a | 2 | 0 → 1 (+1) | 2 → 1 (-1) |

#### Builds

| Build | What | Status | Shortages |
|---|---|---|---|
| b2 | 1 × p:v1 | draft → cleared | — |

<details><summary>b2: 2 parts reserved</summary>

| Part | Quantity | Taken from |
|---|---:|---|
| r1 | 2 | a 2 |
| tl074 | 1 | a#3 1 |

</details>
"""


def test_a_broken_ctb_yaml_does_not_make_bom_extension_values_look_changed(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\nbom_extensions:\n  - {name: note, type: string, visible: true}\n",
        "parts/r1.yaml": "name: R1\n",
        "parts/top.yaml": "name: Top\nbom:\n  - {part: r1, quantity: 1, ext: {note: hand solder}}\n",
    })  # fmt: skip
    commit_all(git_repo, "start")
    write_tree(git_repo, {"ctb.yaml": "- not a mapping\n"})
    assert main(["review", "HEAD", "--repo", str(git_repo)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No inventory changes (")
    assert "`ctb.yaml`" in out
