"""``ctb bom diff``: difflib opcodes, per-part summary, text/JSON/HTML renderings."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.bom.diff import FlatRow, Side, compare, opcodes, summarize_bom_change
from ctb_files.render.bom import diff_html
from tests.conftest import write_tree

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _rows(spec: str) -> list[FlatRow]:
    out = []
    for item in spec.split(","):
        part, qty = item.split()
        out.append(FlatRow(1, part, Decimal(qty), "pcs"))
    return out


OLD = _rows("a 1, b 2, c 1, e 1")
NEW = _rows("a 1, b 4, d 1, e 1")


def test_opcodes_equal_replace_equal() -> None:
    ops = opcodes(OLD, NEW)
    assert [op.tag for op in ops] == ["equal", "replace", "equal"]
    assert [(r.part, r.quantity) for r in ops[1].old] == [("b", 2), ("c", 1)]
    assert [(r.part, r.quantity) for r in ops[1].new] == [("b", 4), ("d", 1)]


def test_summary_added_removed_changed() -> None:
    change = summarize_bom_change(OLD, NEW)
    assert [a.part for a in change.added] == ["d"]
    assert [a.part for a in change.removed] == ["c"]
    assert [(c.part, c.old_quantity, c.new_quantity) for c in change.changed] == [("b", 2, 4)]
    assert change.text() == "+ d 1 pcs; - c 1 pcs; b 2 pcs → 4 pcs"
    assert change.to_json()["changed"] == [
        {"part": "b", "old_quantity": 2, "new_quantity": 4, "old_unit": "pcs", "new_unit": "pcs"}
    ]


def test_summary_sums_totals_and_finds_moved_references() -> None:
    old = [FlatRow(1, "r10k", Decimal(2), "pcs", ("R1", "R2")), FlatRow(2, "r10k", Decimal(1), "pcs", total=Decimal(3))]
    new = [FlatRow(1, "r10k", Decimal(1), "pcs", ("R1",)), FlatRow(1, "r22k", Decimal(1), "pcs", ("R2",)),
           FlatRow(2, "r10k", Decimal(1), "pcs", total=Decimal(3))]  # fmt: skip
    change = summarize_bom_change(old, new)
    assert [(c.part, c.old_quantity, c.new_quantity) for c in change.changed] == [("r10k", 5, 4)]
    assert [(m.ref, m.old_part, m.new_part) for m in change.moved] == [("R2", "r10k", "r22k")]
    assert change.text() == "+ r22k 1 pcs; r10k 5 pcs → 4 pcs; R2 moved r10k → r22k"


def test_reference_and_field_changes_are_named() -> None:
    old = [FlatRow(1, "r1", Decimal(2), "pcs", ("R1", "R2")), FlatRow(1, "c1", Decimal(1), "pcs", ext=(("note", '"a"'),))]
    new = [FlatRow(1, "r1", Decimal(2), "pcs", ("R1", "R3")), FlatRow(1, "c1", Decimal(1), "pcs", ext=(("note", '"b"'),))]
    assert summarize_bom_change(old, new).text() == "c1 note changed; r1 refs R1 R2 → R1 R3"
    assert summarize_bom_change(old, list(reversed(old))).text() == "rows reordered"
    assert not summarize_bom_change(old, list(old))


def test_sides_shared_between_comparisons_give_the_same_summaries() -> None:
    # bom log compares each version with both neighbours through one Side per version
    v1 = [FlatRow(1, "r1", Decimal(2), "pcs", ("R1", "R2")), FlatRow(1, "c1", Decimal(1), "pcs", ext=(("note", '"a"'),))]
    v2 = [FlatRow(1, "r1", Decimal(2), "pcs", ("R1", "R3")), FlatRow(1, "c1", Decimal(1), "pcs", ext=(("note", '"b"'),))]
    v3 = [*reversed(v2), FlatRow(1, None, Decimal(1), "pcs", ("J1",))]
    sides = [Side(v) for v in (v1, v2, v3)]
    pairs = [(v1, v2), (v2, v3), (v2, list(reversed(v2))), (v3, v1)]
    shared = [summarize_bom_change(sides[0], sides[1]), summarize_bom_change(sides[1], sides[2]),
              summarize_bom_change(sides[1], Side(list(reversed(v2)))), summarize_bom_change(sides[2], sides[0])]  # fmt: skip
    assert [s.to_json() for s in shared] == [summarize_bom_change(a, b).to_json() for a, b in pairs]
    assert [s.text() for s in shared] == [
        "c1 note changed; r1 refs R1 R2 → R1 R3", "J1: + (unmatched)", "rows reordered",
        "c1 note changed; r1 refs R1 R3 → R1 R2; J1: - (unmatched)",
    ]
    assert sides[1].amounts == {"r1": (Decimal(2), "pcs"), "c1": (Decimal(1), "pcs")}


def test_unit_rewrite_counts_as_a_change_of_notation() -> None:
    old = [FlatRow(1, "wire", Decimal(2), "m")]
    new = [FlatRow(1, "wire", Decimal(3), "km")]
    assert summarize_bom_change(old, new).text() == "wire 2 m → 3 km"


WORLD = {
    "ctb.yaml": """
        ctb: 1
        bom_extensions:
          - {name: note, type: string, visible: true, editable: true}
          - {name: placement, type: object, fields: {x: number, y: number}}
    """,
    "projects/vco/project.yaml": "name: VCO\nversions:\n  - {name: v1}\n  - {name: v2}\n",
    "projects/vco/bom/v1.yaml": """
        project: vco
        version: v1
        rows:
          - {line: 1, refs: [R1, R2], quantity: 2, part: r10k}
          - {line: 2, refs: [C1], quantity: 1, part: c100n, ext: {note: "X7R"}}
          - {line: 3, refs: [U1], quantity: 1, part: tl072}
    """,
    "projects/vco/bom/v2.yaml": """
        project: vco
        version: v2
        rows:
          - {line: 1, refs: [R1, R2, R3], quantity: 3, part: r10k}
          - {line: 2, refs: [C1], quantity: 1, part: c100n, ext: {note: "X7R", placement: {x: 1}}}
          - {line: 3, refs: [U1], quantity: 1, part: tl074}
    """,
    "parts/r10k.yaml": "name: 10k\n",
    "parts/c100n.yaml": "name: 100n\n",
    "parts/tl072.yaml": "name: TL072\n",
    "parts/tl074.yaml": "name: TL074\n",
}


@pytest.fixture
def vco(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "inv", WORLD)


def test_cli_two_targets_json(vco: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "diff", "vco:v1", "vco:v2", "--repo", str(vco), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # the hidden placement field does not take part: line 2 is equal
    assert [op["tag"] for op in doc["opcodes"]] == ["replace", "equal", "replace"]
    assert doc["opcodes"][1]["old"] == [
        {"level": 1, "part": "c100n", "quantity": 1, "unit": "pcs", "refs": ["C1"], "ext": {"note": "X7R"}}
    ]
    assert doc["summary"] == {
        "added": ["tl074"], "removed": ["tl072"],
        "changed": [{"part": "r10k", "old_quantity": 2, "new_quantity": 3, "old_unit": "pcs", "new_unit": "pcs"}],
        "moved": [{"ref": "U1", "from": "tl072", "to": "tl074"}], "changed_rows": [],
    }  # fmt: skip


def test_references_moving_at_the_top_of_two_versions_are_found() -> None:
    # level-1 rows hang off "vco:v1" on one side and "vco:v2" on the other
    old = [FlatRow(1, "r4k7", Decimal(2), "pcs", ("R7", "R8"), parent="vco:v1")]
    new = [FlatRow(1, "r4k7", Decimal(1), "pcs", ("R7",), parent="vco:v2"),
           FlatRow(1, "r10k", Decimal(1), "pcs", ("R8",), parent="vco:v2")]  # fmt: skip
    change = summarize_bom_change(old, new)
    assert [(m.ref, m.old_part, m.new_part) for m in change.moved] == [("R8", "r4k7", "r10k")]
    # below the top, the same designator under two different assemblies is two references
    deep_old = [FlatRow(2, "r4k7", Decimal(1), "pcs", ("R1",), parent="board-a")]
    deep_new = [FlatRow(2, "r10k", Decimal(1), "pcs", ("R1",), parent="board-b")]
    assert summarize_bom_change(deep_old, deep_new).moved == []


def test_cli_text_side_by_side(vco: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "diff", "vco:v1", "vco:v2", "--repo", str(vco)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["old: vco:v1", "new: vco:v2"]
    body = [line.split() for line in lines[5:8]]
    assert body[0] == ["r10k", "2", "pcs", "R1", "R2", "|", "r10k", "3", "pcs", "R1", "R2", "R3"]
    assert body[1] == ["c100n", "1", "pcs", "C1", "X7R", "c100n", "1", "pcs", "C1", "X7R"]
    assert body[2] == ["tl072", "1", "pcs", "U1", "|", "tl074", "1", "pcs", "U1"]
    assert "added: tl074 (1 pcs)" in lines and "changed: r10k 2 pcs → 3 pcs" in lines
    assert "moved: U1 tl072 → tl074" in lines


def test_cli_needs_two_targets_or_from(vco: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "diff", "vco:v1", "--repo", str(vco)]) == 2
    assert "--from" in capsys.readouterr().err
    assert main(["bom", "diff", "vco:v8", "vco:v9", "--repo", str(vco)]) == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("vco:v1", "vcx:v2", "ctb: unknown project 'vcx' (did you mean vco?)"),
        ("vco:v1", "vco:v3", "ctb: projects/vco/bom/v3.yaml does not exist (BOMs exist for v1, v2); "
                             "write it or run 'ctb project sync vco --version v3'"),
        ("r10k", "vco:v2", "ctb: part r10k is not an assembly (it has no bom)"),
    ],
)  # fmt: skip
def test_two_targets_must_both_exist(vco: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str) -> None:
    # a typo in one name is refused, not shown as a BOM that lost every row
    assert main(["bom", "diff", old, new, "--repo", str(vco)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == message + "\n"


def test_output_to_a_missing_folder_is_one_line(vco: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "no" / "such" / "diff.html"
    assert main(["bom", "diff", "vco:v1", "vco:v2", "--repo", str(vco), "--format", "html", "-o", str(out)]) == 1
    assert capsys.readouterr().err == f"ctb: cannot write {out}: No such file or directory\n"
    assert not out.parent.exists()


class _Doc(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)


def _long_diff() -> str:
    old = [FlatRow(1, f"p{i:02d}", Decimal(1), "pcs") for i in range(12)]
    new = list(old)
    new[6] = FlatRow(1, "p06", Decimal(2), "pcs", ("R<6>",))
    return diff_html(compare(old, new, "old <v1>", "new & v2"), compact=True)


def test_html_is_a_complete_standalone_document(vco: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "diff.html"
    assert main(["bom", "diff", "vco:v1", "vco:v2", "--repo", str(vco), "--format", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert page.rstrip().endswith("</html>")
    parser = _Doc()
    parser.feed(page)
    assert {"html", "head", "meta", "title", "style", "body", "table", "thead", "tbody"} <= set(parser.tags)
    assert "script" not in parser.tags and parser.external == []
    assert '<tr class="replace">' in page and "tl074" in page
    # the summary comes first, so a long table need not be scrolled to learn what changed
    assert page.index('<section class="summary">') < page.index('<table class="diff">')
    assert "<li>moved: U1 tl072 → tl074</li>" in page


def test_html_side_without_a_row_is_blank_not_coloured() -> None:
    old = [FlatRow(1, "a", Decimal(1), "pcs"), FlatRow(1, "b", Decimal(1), "pcs")]
    new = [FlatRow(1, "c", Decimal(1), "pcs")]
    page = diff_html(compare(old, new, "v1", "v2"))
    # replace of two rows by one: the second new cell group is empty
    assert page.count('<td class="new empty') == 4 and page.count('<td class="old empty') == 0
    assert "table.diff td.empty{background:#f7f8fa}" in page


def test_html_compact_folds_long_equal_runs() -> None:
    page = _long_diff()
    assert page.count('<tr class="fold">') == 2  # p00..p05 and p07..p11
    assert "⋯ 4 equal rows ⋯" in page and "⋯ 3 equal rows ⋯" in page
    assert "R&lt;6&gt;" in page and "old &lt;v1&gt;" in page  # escaped


def test_html_renders_in_a_headless_browser(tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH to render with")
    page = tmp_path / "diff.html"
    page.write_text(_long_diff(), encoding="utf-8")
    png = tmp_path / "diff.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
         "--window-size=1000,700", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
