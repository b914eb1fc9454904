"""``ctb build`` through the command line, on real files (and real git for --commit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.stock.ledger import line_key, line_states
from ctb_files.storage.loader import load_repo
from ctb_files.storage.tree import read_tree
from tests.conftest import commit_all, git, write_tree
from tests.test_allocate_world import BASE, bom, build, part, stock

BUILD = """\
# spring batch
project: p   # the synth
version: v1
quantity: 3
note: keep me
"""


def world(root: Path, on_hand: int = 10, **extra: str) -> Path:
    return write_tree(
        root,
        {
            **BASE,
            **part("r1"),
            "stock/a.yaml": stock(f"{{part: r1, quantity: {on_hand}}}  # the reel"),
            "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
            "builds/b1.yaml": BUILD,
            **extra,
        },
    )


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_clear_writes_the_reservation_in_product_order_keeping_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    text = (tmp_path / "builds/b1.yaml").read_text()
    assert text.startswith(BUILD + "status: cleared\ncleared_at: ")
    assert text.endswith(
        "reservations:\n"
        "  - part: r1\n"
        "    quantity: 6\n"
        "    lines: [1]\n"
        "    take:\n"
        "      - {location: a, part: r1, quantity: 6}\n"
        "shortages: []\n"
        "assemblies: []\n"
    )
    assert (tmp_path / "stock/a.yaml").read_text() == "lines:\n  - {part: r1, quantity: 10}  # the reel\n"
    states = line_states(load_repo(tmp_path).inventory)
    assert states[line_key("a", "r1", None)].available == 4
    assert "b1" in capsys.readouterr().out


def test_clearing_twice_is_byte_identical(tmp_path: Path) -> None:
    world(tmp_path, **{"builds/b2.yaml": build(2, "priority: 1\n")})
    assert ctb(tmp_path, "build", "clear", "--all") == 0
    first = read_tree(tmp_path)
    # planned again (the stored answer of the first clear would say the same without planning)
    assert ctb(tmp_path, "build", "clear", "--all", "--no-cache") == 0
    assert ctb(tmp_path, "build", "clear", "b2", "b1", "--no-cache") == 0
    assert read_tree(tmp_path) == first
    assert ctb(tmp_path, "build", "clear", "--all") == 0
    assert read_tree(tmp_path) == first


def test_short_build_writes_shortage_and_exits_zero_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, on_hand=1)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    text = (tmp_path / "builds/b1.yaml").read_text()
    assert "status: short\n" in text
    assert "shortages:\n  - {part: r1, quantity: 5, lines: [1]}\n" in text
    capsys.readouterr()
    assert ctb(tmp_path, "build", "clear", "b1", "--fail-on-shortage") == 1
    assert capsys.readouterr().err.splitlines()[-1] == "ctb: short: b1 (--fail-on-shortage)"


def test_clear_json_has_the_build_file_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "builds": [
            {
                "id": "b1",
                "status": "cleared",
                "reservations": [{"part": "r1", "quantity": 6, "lines": [1], "take": [{"location": "a", "part": "r1", "quantity": 6}]}],
                "shortages": [],
                "assemblies": [],
            }
        ]
    }
    assert ctb(tmp_path, "build", "show", "b1", "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    cost = shown["builds"][0].pop("cost")
    assert shown == doc
    assert cost["totals"] == {} and cost["unpriced"] == [{"part": "r1", "lines": [1], "reason": "no vendor part"}]


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "+status: cleared\n" in out and "+      - {location: a, part: r1, quantity: 6}\n" in out
    assert read_tree(tmp_path) == before


def test_commit_has_message_and_trailers(git_repo: Path) -> None:
    world(git_repo)
    commit_all(git_repo, "start")
    assert ctb(git_repo, "build", "clear", "b1", "--commit") == 0
    message = git(git_repo, "log", "-1", "--format=%B")
    assert message.startswith("ctb: clear build b1\n")
    assert "Ctb-Build: b1" in message
    assert ctb(git_repo, "build", "complete", "b1", "--commit") == 0
    message = git(git_repo, "log", "-1", "--format=%B")
    assert message.startswith("ctb: complete build b1\n")
    assert "Ctb-Build: b1" in message and "Ctb-Part: r1" in message
    assert git(git_repo, "status", "--porcelain") == ""


def test_complete_subtracts_the_takes_from_stock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    assert ctb(tmp_path, "build", "complete", "b1") == 0
    assert (tmp_path / "stock/a.yaml").read_text() == "lines:\n  - {part: r1, quantity: 4}   # the reel\n"
    text = (tmp_path / "builds/b1.yaml").read_text()
    assert "status: completed\n" in text and "completed_at: " in text
    inv = load_repo(tmp_path).inventory
    assert line_states(inv)[line_key("a", "r1", None)].available == 4  # a completed build holds nothing
    before = read_tree(tmp_path)
    capsys.readouterr()
    assert ctb(tmp_path, "build", "clear", "b1") == 1
    assert ctb(tmp_path, "build", "cancel", "b1") == 1
    assert "completed" in capsys.readouterr().err
    assert ctb(tmp_path, "build", "clear", "--all") == 0
    assert read_tree(tmp_path) == before


def test_a_line_emptied_by_complete_stays_with_zero(tmp_path: Path) -> None:
    world(tmp_path, on_hand=6)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    assert ctb(tmp_path, "build", "complete", "b1") == 0
    assert (tmp_path / "stock/a.yaml").read_text() == "lines:\n  - {part: r1, quantity: 0}  # the reel\n"


def test_complete_refuses_when_stock_no_longer_holds_the_reservation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    write_tree(tmp_path, {"stock/a.yaml": stock("{part: r1, quantity: 5}")})
    before = read_tree(tmp_path)
    capsys.readouterr()
    assert ctb(tmp_path, "build", "complete", "b1") == 1
    err = capsys.readouterr().err
    assert err == "ctb: cannot complete b1: stock no longer holds what was reserved: a/r1 has 5, needs 6\n"
    assert read_tree(tmp_path) == before


def test_only_a_cleared_build_completes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, on_hand=1)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    capsys.readouterr()
    assert ctb(tmp_path, "build", "complete", "b1") == 1
    assert capsys.readouterr().err == "ctb: build b1 is short; only a cleared build can be completed\n"


def test_cancel_releases_everything(tmp_path: Path) -> None:
    world(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    assert ctb(tmp_path, "build", "cancel", "b1") == 0
    assert (tmp_path / "builds/b1.yaml").read_text() == BUILD + "status: draft\nreservations: []\nshortages: []\nassemblies: []\n"
    inv = load_repo(tmp_path).inventory
    assert line_states(inv)[line_key("a", "r1", None)].available == 10


def test_cancelling_a_draft_that_holds_nothing_writes_nothing(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(git_repo)
    commit_all(git_repo, "start")
    assert ctb(git_repo, "build", "cancel", "b1", "--commit") == 0
    assert capsys.readouterr().out == "b1: already a draft; it holds nothing\n"
    assert (git_repo / "builds/b1.yaml").read_text() == BUILD
    assert git(git_repo, "log", "--format=%s").splitlines() == ["start"]


def test_unknown_build_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1", "nope") == 1
    assert capsys.readouterr().err == "ctb: no build 'nope' (builds/nope.yaml)\n"
    assert ctb(tmp_path, "build", "show", "nope") == 1
    assert ctb(tmp_path, "build", "new", "nosuch", "v1", "2") == 1
    assert ctb(tmp_path, "build", "new", "p", "v9", "2") == 1
    assert capsys.readouterr().err.splitlines()[-1] == "ctb: project p has no version 'v9'"
    write_tree(tmp_path, {"projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n  - {name: v2}\n"})
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "build", "new", "p", "v2", "2") == 1  # a build needs the version's BOM
    assert capsys.readouterr().err == (
        "ctb: project p has no BOM for version v2 (projects/p/bom/v2.yaml); write it or run 'ctb project sync p --version v2' first\n"
    )
    assert ctb(tmp_path, "build", "new", "p", "v1", "2", "--fallback", "r1=zz") == 1
    assert ctb(tmp_path, "build", "clear") == 2
    assert read_tree(tmp_path) == before


def test_new_build_takes_the_next_free_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"builds/p-v1-1.yaml": build(1)})
    assert ctb(tmp_path, "build", "new", "p", "v1", "4", "--priority", "2", "--due", "2026-12-01", "--exclude", "1") == 0
    text = (tmp_path / "builds/p-v1-2.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../.ctb/schemas/build.schema.json\nproject: p\nversion: v1\nquantity: 4\npriority: 2\ndue: 2026-12-01\nexclude: [1]\nstatus: draft\ncreated_at: ")
    assert text.endswith("Z\nreservations: []\nshortages: []\nassemblies: []\n")
    assert ctb(tmp_path, "build", "new", "p", "v1", "1", "--id", "b1") == 1
    assert "already exists" in capsys.readouterr().err


def test_list_show_and_pick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(
        tmp_path,
        **{
            "stock/b.yaml": stock("{part: r1, quantity: 4, bin: '2'}", "{part: r2, quantity: 9, bin: '1'}"),
            **part("r2"),
            "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}", "{line: 2, quantity: 1, part: r2}"),
            "builds/b2.yaml": build(30, "due: 2026-12-01\n"),
        },
    )
    assert ctb(tmp_path, "build", "clear", "b1", "b2") == 0
    capsys.readouterr()
    assert ctb(tmp_path, "build", "list") == 0
    assert capsys.readouterr().out.splitlines() == [
        "id  project:version  qty  status   priority  due         short",
        "--  ---------------  ---  -------  --------  ----------  -----",
        "b1  p:v1               3  cleared         0                  0",
        "b2  p:v1              30  short           0  2026-12-01      2",
    ]
    assert ctb(tmp_path, "build", "pick", "b1", "--format", "csv") == 0
    assert capsys.readouterr().out == "location,bin,part,quantity\na,,r1,2\nb,1,r2,3\nb,2,r1,4\n"
    assert ctb(tmp_path, "build", "show", "b1") == 0
    out = capsys.readouterr().out
    assert "part  quantity  lines  location  bin  stock part  take" in out
    assert "r1           6  1      a              r1             2" in out
    assert ctb(tmp_path, "build", "pick", "b2") == 1


def test_demo_clears_the_example_builds(tmp_path: Path) -> None:
    from ctb_files.cli.demo import run_demo

    said: list[str] = []
    assert run_demo(tmp_path / "demo", echo=said.append) == 0
    text = "\n".join(said)
    assert "vco-batch-1: 3 × vco:v1, short:" in text and "vco:v1: 0 more can be built now" in text
    assert "status: short\n" in (tmp_path / "demo/builds/vco-batch-1.yaml").read_text()
    assert git(tmp_path / "demo", "status", "--porcelain").strip() == "M builds/vco-batch-1.yaml"


PRICED = {
    "vendors/tayda.yaml": "name: Tayda\n",
    "parts/r1.yaml": 'name: r1\nvendor_parts:\n  - {vendor: tayda, sku: T1, price_breaks: [{quantity: 1, price: "0.12"}, {quantity: 10, price: "0.05"}]}\n',
    "parts/r2.yaml": 'name: r2\nvendor_parts:\n  - {vendor: tayda, sku: T2, price_breaks: [{quantity: 1, price: "0.345"}]}\n',
    "parts/r3.yaml": "name: r3\n",
    "projects/p/bom/v1.yaml": bom(
        "{line: 1, quantity: 2, part: r1}", "{line: 2, quantity: 1, part: r2}", "{line: 3, quantity: 1, part: r3}",
        "{line: 4, quantity: 5, part: r2}",
    ),
    "builds/b1.yaml": BUILD + "exclude: [4]\n",
}


def test_show_gives_the_cost_at_the_build_quantity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **PRICED)
    assert ctb(tmp_path, "build", "show", "b1") == 0
    out = capsys.readouterr().out
    # r1: 6 needed, bought as 10 at the 10 break (0.50, of which 6 × 0.05 = 0.30 used) + 3 × r2 (1.035);
    # line 4 is excluded from the build
    assert out.endswith(
        "\n\ncost ('ctb cost p v1 -n 3' lists each part)\n"
        "to buy USD 1.535 for 3; unit USD 0.5117\n"
        "used USD 1.335 for 3; unit USD 0.445\n"
        "no price: r3 (no vendor part)\n"
    )
    assert ctb(tmp_path, "build", "show", "b1", "--format", "json") == 0
    cost = json.loads(capsys.readouterr().out)["builds"][0]["cost"]
    assert cost["totals"] == {"USD": {"total": "1.535", "unit": "0.511667", "used": "1.335", "used_unit": "0.445"}}
    assert [(c["part"], c["quantity"], c["unit_price"], c["total"]) for c in cost["lines"]] == [
        ("r1", 6, "0.05", "0.50"), ("r2", 3, "0.345", "1.035"), ("r3", 3, None, None),
    ]  # fmt: skip
    assert cost["unpriced"] == [{"part": "r3", "lines": [3], "reason": "no vendor part"}]


def test_show_says_why_a_build_cannot_be_costed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"builds/b1.yaml": BUILD.replace("version: v1", "version: v2")})
    assert ctb(tmp_path, "build", "show", "b1") == 0
    out = capsys.readouterr().out
    assert out.endswith("\n\ncost\nnot available: projects/p/bom/v2.yaml does not exist (BOMs exist for v1); "
                        "write it or run 'ctb project sync p --version v2'\n")  # fmt: skip


def test_commit_from_a_subdirectory_and_with_the_inventory_in_a_subfolder(
    git_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    inv = git_repo / "hardware" / "inventory"
    world(inv, **{".gitignore": ".ctb.lock\n"})  # as 'ctb init' writes it
    write_tree(git_repo, {"README.md": "firmware lives here too\n"})
    commit_all(git_repo, "start")
    monkeypatch.chdir(inv / "parts")  # no --repo: the nearest parent holding ctb.yaml
    assert main(["build", "clear", "b1", "--commit"]) == 0
    assert git(git_repo, "log", "-1", "--format=%s%n%(trailers:only)").split("\n")[:2] == ["ctb: clear build b1", "Ctb-Build: b1"]
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == ["hardware/inventory/builds/b1.yaml"]
    monkeypatch.chdir(git_repo.parent)  # --repo names the subfolder from outside
    assert main(["build", "complete", "b1", "--repo", str(inv), "--commit"]) == 0
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "hardware/inventory/builds/b1.yaml", "hardware/inventory/stock/a.yaml",
    ]  # fmt: skip
    assert git(git_repo, "status", "--porcelain") == ""
    monkeypatch.chdir(inv / "stock")
    capsys.readouterr()
    assert main(["stock", "log", "r1", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [(e["message"], e["location"], e["delta"], e["total"]) for e in entries] == [
        ("start", "a", 10, 10), ("ctb: complete build b1", "a", -6, 4),
    ]  # fmt: skip


def test_commit_is_refused_when_other_changes_are_staged(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(git_repo)
    commit_all(git_repo, "start")
    write_tree(git_repo, {"parts/r1.yaml": "name: r1  # edited\n"})
    git(git_repo, "add", "parts/r1.yaml")
    before = read_tree(git_repo)
    capsys.readouterr()
    assert ctb(git_repo, "build", "clear", "b1", "--commit") == 1
    assert capsys.readouterr().err == "ctb: --commit refused: other changes are staged: parts/r1.yaml\n"
    assert read_tree(git_repo) == before
    assert git(git_repo, "log", "--format=%s").splitlines() == ["start"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--exclude", "9"], 1, "ctb: p:v1 has no BOM line 9 to exclude"),
        (["--exclude", "-1"], 1, "ctb: p:v1 has no BOM line -1 to exclude"),
        (["--fallback", "r1=r1"], 2, "ctb: --fallback 'r1=r1': a part cannot be its own fallback"),
        (["--fallback", "r1=r2", "--fallback", "r1=r3"], 2, "ctb: --fallback 'r1=r3': r1 already falls back to r2"),
    ],
)
def test_new_build_refuses_odd_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    world(tmp_path, **part("r2"), **part("r3"))
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "build", "new", "p", "v1", "2", "--id", "b9", *args) == code
    assert capsys.readouterr().err.strip().splitlines()[-1] == message
    assert read_tree(tmp_path) == before


def test_new_build_refuses_a_quantity_too_large(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path)
    assert ctb(tmp_path, "build", "new", "p", "v1", "99999999999999999999", "--id", "b9") == 2
    assert "is not in the range" in capsys.readouterr().err
    assert not (tmp_path / "builds/b9.yaml").exists()


def test_clearing_a_need_too_large_to_record_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"builds/b1.yaml": BUILD.replace("quantity: 3", "quantity: 999999999999999")})
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "build", "clear", "b1") == 1
    assert capsys.readouterr().err == (
        "ctb: build b1 needs 1999999999999998 of r1: too large to record (quantities stay below 10^15)\n"
    )
    assert read_tree(tmp_path) == before


def test_can_build_with_stock_near_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"stock/b.yaml": stock("{part: r1, quantity: 999999999999980}")})
    assert ctb(tmp_path, "can-build", "p", "v1") == 0
    assert capsys.readouterr().out == "p:v1: 499999999999995 can be built now; limited by r1\n"
