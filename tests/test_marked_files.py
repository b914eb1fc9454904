"""A stockroom whose files open with ``---``, as yamllint's ``document-start`` rule asks (some close with ``...``).

Every command that writes a file keeps that frame, and the comments above
``---`` and below ``...``, byte for byte: the text editors keep the text
around what they change, and the round trip writes the frame around the
document again (:mod:`ctb_files.storage.yaml.frame`).  The files are read
line by line like ctb's own.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage import listread
from ctb_files.storage.fmt import format_bytes
from ctb_files.storage.loader import load_repo
from ctb_files.storage.mergedriver import merge_texts
from ctb_files.storage.yaml import document_frame, dump, load_fast, load_roundtrip

HEADER = "# Kept by the stockroom team; yamllint runs on every file.\n"

FILES = {
    "ctb.yaml": "---\nctb: 1\ndefault_location: shelf\n",
    "parts/r1.yaml": "---\nname: R1 10k\nequivalents: [r2]\n",
    "parts/r2.yaml": "---\nname: R2 10k\n",
    "parts/c1.yaml": "---\nname: C1 100n\n",
    "parts/top.yaml": "---\nname: Top\nbom:\n  - {part: r1, quantity: 2}\n  - {part: c1, quantity: 1}\n",
    "stock/shelf.yaml": HEADER
    + "---\nname: Shelf\nlines:\n  - {part: r1, quantity: 40, bin: A1}\n  - {part: r2, quantity: 5}\n"
    "  - {part: c1, quantity: 12}\n...\n# counted in November\n",
    "projects/board/project.yaml": "---\nname: Board\nversions:\n  - name: v1\n",
    "projects/board/bom/v1.yaml": "---\nproject: board\nversion: v1\nrows:\n"
    "  - {line: 1, refs: [R1, R2, R3, R4], quantity: 4, part: r1}\n  - {line: 2, refs: [C1, C2], quantity: 2, part: c1}\n",
    "builds/b1.yaml": HEADER + "---\nproject: board\nversion: v1\nquantity: 2\n",
    "builds/b2.yaml": "---\nproject: board\nversion: v1\nquantity: 1\n...\n",
    "vendors/mouser.yaml": "---\nname: Mouser\n",
    "orders/o1.yaml": "---\nvendor: mouser\nstatus: placed\nlines:\n"
    "  - {part: r1, quantity: 100, received: 0, for: {b1: 8}}\n  - {part: c1, quantity: 50, received: 0, for: {b1: 4}}\n",
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "--- ", "---\t")) and line != "---"
    ]


def test_the_files_check_and_their_lists_are_read_line_by_line(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(world), "check"]) == 0
    assert capsys.readouterr().err == "12 files checked: 0 errors, 0 warnings\n"
    for rel in ("stock/shelf.yaml", "projects/board/bom/v1.yaml", "orders/o1.yaml"):
        data = (world / rel).read_bytes()
        assert listread._read(data, rel) == load_fast(data, rel)  # raises nothing: read here, not by the parser
    stock = listread._read((world / "stock/shelf.yaml").read_bytes(), "stock/shelf.yaml")
    assert stock == {
        "name": "Shelf",
        "lines": [
            {"part": "r1", "quantity": 40, "bin": "A1"},
            {"part": "r2", "quantity": 5},
            {"part": "c1", "quantity": 12},
        ],
    }


def test_a_clear_keeps_the_frame_and_only_adds_lines(world: Path) -> None:
    assert main(["--repo", str(world), "build", "clear", "--all", "-q"]) == 0
    for rel in ("builds/b1.yaml", "builds/b2.yaml"):
        before, after = FILES[rel], (world / rel).read_text()
        assert all(line.startswith("+") for line in changed_lines(before, after)), rel
    b1 = (world / "builds/b1.yaml").read_text()
    assert b1.startswith(HEADER + "---\nproject: board\nversion: v1\nquantity: 2\nstatus: cleared\n")
    b2 = (world / "builds/b2.yaml").read_text()
    assert b2.startswith("---\nproject: board\nversion: v1\nquantity: 1\nstatus: cleared\n")
    assert b2.endswith("\n...\n")  # closed as it was
    builds = load_repo(world).inventory.builds
    # b1 (2 boards) takes 8 r1 of the 40 in A1 and 4 c1; b2 (1 board) 4 r1 and 2 c1
    assert [(r.part, r.quantity) for r in builds["b1"].reservations] == [("c1", 4), ("r1", 8)]
    assert [(r.part, r.quantity) for r in builds["b2"].reservations] == [("c1", 2), ("r1", 4)]


def test_a_stock_change_changes_one_line(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(world), "stock", "add", "r2", "3"]) == 0
    assert capsys.readouterr().out == "shelf: r2 5 → 8 (+3)\n"
    after = (world / "stock/shelf.yaml").read_text()
    assert changed_lines(FILES["stock/shelf.yaml"], after) == [
        "-  - {part: r2, quantity: 5}",
        "+  - {part: r2, quantity: 8}",
    ]
    assert after.startswith(HEADER + "---\n")
    assert after.endswith("...\n# counted in November\n")


def test_a_new_stock_line_goes_before_the_end_marker(world: Path) -> None:
    assert main(["--repo", str(world), "stock", "add", "r2", "7", "--bin", "B2", "-q"]) == 0
    after = (world / "stock/shelf.yaml").read_text()
    assert changed_lines(FILES["stock/shelf.yaml"], after) == ["+  - {part: r2, quantity: 7, bin: B2}"]
    assert after.endswith("  - {part: r2, quantity: 7, bin: B2}\n...\n# counted in November\n")


def test_an_edit_through_the_round_trip_keeps_the_frame(world: Path) -> None:
    assert main(["--repo", str(world), "bom", "add", "top", "r2", "3", "--order", "5", "-q"]) == 0
    after = (world / "parts/top.yaml").read_text()
    assert changed_lines(FILES["parts/top.yaml"], after) == ["+  - {part: r2, quantity: 3, order: 5}"]
    assert after.startswith("---\nname: Top\n")
    assert main(["--repo", str(world), "order", "receive", "o1", "--line", "c1=20", "-q"]) == 0
    after = (world / "orders/o1.yaml").read_text()
    assert changed_lines(FILES["orders/o1.yaml"], after) == [
        "-  - {part: c1, quantity: 50, received: 0, for: {b1: 4}}",
        "+  - {part: c1, quantity: 50, received: 20, for: {b1: 4}}",
    ]


def test_fmt_keeps_the_frame(world: Path) -> None:
    assert main(["--repo", str(world), "fmt", "--check", "-q"]) == 0  # every file already in ctb fmt form
    text = HEADER + "---\n# the bench shelf\nlines:\n- {quantity: 5, part: r2}\nname: Shelf\n...\n# end\n"
    formatted = format_bytes(text.encode(), "stock/shelf.yaml").decode()
    assert (
        formatted == HEADER + "---\n# the bench shelf\nname: Shelf\nlines:\n  - {part: r2, quantity: 5}\n...\n# end\n"
    )
    assert format_bytes(formatted.encode(), "stock/shelf.yaml").decode() == formatted


def test_the_stock_merge_keeps_the_frame() -> None:
    base = FILES["stock/shelf.yaml"]
    ours = base.replace("quantity: 40", "quantity: 38")
    theirs = base.replace("quantity: 5}", "quantity: 9}")
    result = merge_texts(base.encode(), ours.encode(), theirs.encode(), "stock/shelf.yaml")
    assert result.clean
    assert result.text == base.replace("quantity: 40", "quantity: 38").replace("quantity: 5}", "quantity: 9}")


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("---\na: 1\n", ("---\n", "")),
        ("# c\n\n---\n# d\na: 1\n", ("# c\n\n---\n", "")),
        ("a: 1\n...\n", ("", "...\n")),
        ("---\na: 1\n...\n\n# end\n", ("---\n", "...\n\n# end\n")),
        ("\na: 1\n", ("\n", "")),  # a blank first line, which the round trip drops
        ("\n---\na: 1\n", ("\n---\n", "")),
        ("--- # c\na: 1\n", ("", "")),  # a marker with more on its line: the round trip's
        ("a: 1\n---\nb: 2\n", ("", "")),
        ("a: 1\n...\nb: 2\n", ("", "")),
        ("---\r\na: 1\r\n...\r\n", ("---\n", "...\n")),
        ("", ("", "")),
        ("a: 1\n", ("", "")),
    ],
)
def test_the_frame_of_a_text(text: str, frame: tuple[str, str]) -> None:
    assert document_frame(text) == frame


@pytest.mark.parametrize(
    "text",
    [
        "---\na: 1\n",
        "# c\n\n---\n# d\na: 1\nb: [1, 2]\n",
        "---\na: 1\n# last\n...\n# after\n",
        "\n# c\nlines:\n  - {p: 1}\n",
        "  \n\n# c\na: 1\n",
        "---\n\n\na: 1\n",
    ],
)
def test_the_round_trip_writes_a_text_it_read_back_as_it_was(text: str) -> None:
    assert dump(load_roundtrip(text), text) == text


@pytest.fixture
def windows(tmp_path: Path) -> Path:
    """The same stockroom written on Windows: every line ends CR LF."""
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.replace("\n", "\r\n").encode())
    return tmp_path


def _crlf_only(data: bytes) -> bool:
    return b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")


def test_files_written_on_windows_keep_their_line_breaks(windows: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(windows), "check", "-q"]) == 0
    data = (windows / "stock/shelf.yaml").read_bytes()
    assert listread._read(data, "stock/shelf.yaml") == load_fast(data, "stock/shelf.yaml")  # read line by line
    assert main(["--repo", str(windows), "build", "clear", "--all", "-q"]) == 0
    assert main(["--repo", str(windows), "stock", "add", "r2", "3", "-q"]) == 0
    assert main(["--repo", str(windows), "stock", "add", "c1", "2", "--bin", "B9", "-q"]) == 0
    assert main(["--repo", str(windows), "bom", "add", "top", "r2", "3", "--order", "5", "-q"]) == 0
    assert main(["--repo", str(windows), "order", "receive", "o1", "--line", "c1=20", "-q"]) == 0
    for rel in ("builds/b1.yaml", "builds/b2.yaml", "stock/shelf.yaml", "parts/top.yaml", "orders/o1.yaml"):
        after = (windows / rel).read_bytes()
        assert _crlf_only(after), rel
        before = FILES[rel]
        changed = changed_lines(before, after.decode().replace("\r\n", "\n"))
        assert changed, rel
        if rel.startswith(("builds/", "parts/")):  # they only gain lines
            assert all(line.startswith("+") for line in changed), rel
    stock = (windows / "stock/shelf.yaml").read_bytes().decode()
    # 3 r2 added, 2 c1 into a new bin, then the 20 c1 received into the line c1 had
    assert changed_lines(FILES["stock/shelf.yaml"], stock.replace("\r\n", "\n")) == [
        "-  - {part: r2, quantity: 5}",
        "-  - {part: c1, quantity: 12}",
        "+  - {part: r2, quantity: 8}",
        "+  - {part: c1, quantity: 32}",
        "+  - {part: c1, quantity: 2, bin: B9}",
    ]
    assert stock.endswith("  - {part: c1, quantity: 2, bin: B9}\r\n...\r\n# counted in November\r\n")
    builds = load_repo(windows).inventory.builds
    assert [(r.part, r.quantity) for r in builds["b1"].reservations] == [("c1", 4), ("r1", 8)]
