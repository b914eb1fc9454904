"""Stock files as ctb writes them are edited as text (``storage/writeback/flowlines``), to the bytes the round trip writes.

Every writer of stock counts (``set_quantities`` for ``ctb build complete``,
``write_line`` for ``ctb stock add/remove/set/move``, ``add_to_lines`` for
``ctb order receive`` and a build's product) edits the lines of a file in
the plain shape as text, and any other file as a round-trip document.  The
tests run each writer both ways on generated files and edits and hold the
bytes equal; where the text cannot be certain (a value that would read as
another type, a comment after a line, block style), the round trip is used.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.writeback.flowlines import FlowLines
from ctb_files.storage.writeback.stock import add_to_lines, set_quantities, write_counts, write_line
from ctb_files.storage.yaml import load_fast

REL = "stock/shelf.yaml"

WORDS = ["p1", "p-2", "r10k", "c.1", "x_y", "a+b", "Shelf", "top", "from the old shelf", "reel 2 of 3", "2N", "10k-", "0.1uF 50V"]
# values whose plain text would read as something else, or not be plain: the round trip quotes them
TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "null",
    "true",
    "0603",
    "1e3",
    "0x1F",
    ".5",
    "1_000",
    "a  b",  # two spaces
    "a b ",
    "a #b",
    "#x",
    "-",
    "~",
    "2024-01-02",
]


def _both(data: bytes, edit, tmp_path: Path) -> tuple[bytes | None, bytes | None, bool]:
    """The file ``edit`` writes with the text editor and with the round trip alone, and whether text was used."""
    fast = ChangeSet(tmp_path, {REL: data})
    edit(fast)
    used = fast.edit_lines(REL) is not None
    slow = ChangeSet(tmp_path, {REL: data})
    real = FlowLines.read
    try:
        FlowLines.read = classmethod(lambda cls, data: None)  # type: ignore[method-assign,assignment]
        edit(slow)
    finally:
        FlowLines.read = real  # type: ignore[method-assign]
    return fast.pending().get(REL), slow.pending().get(REL), used


def _file(
    head: list[str],
    rows: list[str],
    blocks: list[bool] | None = None,
    indent: str = "  ",
    tail: str = "",
    aside: tuple[str, int] = ("", 1),
) -> bytes:
    """A stock file of ``rows`` (``{key: value, ...}``), each a flow mapping or, where ``blocks`` says, a block mapping,
    their dashes at ``indent`` (two spaces as ctb writes them, none as PyYAML does), ``tail`` after them; ``aside``
    (blank lines and comments, ``{indent}`` standing for the dashes' column) above every second row, from the first
    or from the second."""
    out = []
    for i, row in enumerate(rows):
        if aside[0] and i % 2 == aside[1]:
            out.append(aside[0].format(indent=indent))
        if blocks and blocks[i % len(blocks)]:
            pairs = row[1:-1].split(", ")
            out.append("".join(f"{indent}- {pair}\n" if not j else f"{indent}  {pair}\n" for j, pair in enumerate(pairs)))
        else:
            out.append(f"{indent}- {row}\n")
    return ("".join(line + "\n" for line in head) + "lines:\n" + "".join(out) + tail).encode()


heads = st.lists(
    st.sampled_from([
        "# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json", "# the shelf above the bench", "",
        "name: Shelf", "name: Shelf above the bench", "name: Shelf  # where orders go", "name: top-2.b",
    ]),
    max_size=4,
).filter(lambda head: sum(line.startswith("name:") for line in head) <= 1)  # fmt: skip
numbers = st.one_of(
    st.integers(0, 10**14).map(str),
    st.sampled_from(["0", "2.50", "0.000001", "7.5", "100.00", "12.345678901234"]),
)


@st.composite
def rows(draw: st.DrawFn) -> str:
    fields = [f"part: {draw(st.sampled_from(WORDS))}{draw(st.integers(0, 9))}", f"quantity: {draw(numbers)}"]
    if draw(st.booleans()):
        fields.append(f"bin: {draw(st.sampled_from(['A1', 'B-2', 'top']))}")
    if draw(st.booleans()):
        fields.append(f"note: {draw(st.sampled_from(WORDS))}")
    if draw(st.booleans()):
        fields.append(f"counted_at: {draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))).isoformat()}")
    if draw(st.booleans()):
        fields.append(f"deprioritized: {draw(st.sampled_from(['true', 'false']))}")
    order = draw(st.permutations(fields))
    return "{" + ", ".join(order) + "}"


counts_drawn = st.one_of(
    st.integers(0, 10**14).map(Decimal),
    st.sampled_from([Decimal("2.50"), Decimal("0.5"), Decimal("1E+3"), Decimal("0.000001"), Decimal("3.0")]),
)


def _distinct(found: list[str]) -> list[str]:
    """Rows with distinct (part, bin), as a loaded stock file has."""
    seen: set[tuple[object, object]] = set()
    out = []
    for row in found:
        item = load_fast(f"lines:\n  - {row}\n".encode(), "")["lines"][0]
        key = (item["part"], item.get("bin"))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


# what may open and close the document: a ``---`` line (yamllint's document-start), comments above it, a ``...``
# line and comments after it
FRAMES = [("", ""), ("---\n", ""), ("# stock of the shelf\n\n---\n", ""), ("---\n", "...\n"), ("", "...\n# end\n")]
# blank lines and comments between lines, as sections of a stockroom kept by hand
ASIDE = [
    (text, first)
    for text in ["", "\n", "{indent}# resistors\n", "\n{indent}# capacitors, 0603\n", "\n\n{indent}#\n{indent}# two lines\n"]
    for first in (0, 1)
]
# flow, block or mixed lines; their dashes at ctb's column or at the key's (PyYAML's); a name after them or not; a frame;
# sections; lines ending LF or CR LF (written on Windows)
styles = st.tuples(
    st.sampled_from([[False], [True], [True, False], [False, True, True]]), st.sampled_from(["  ", ""]), st.booleans(),
    st.sampled_from(FRAMES), st.sampled_from(ASIDE), st.sampled_from(["\n", "\r\n"]),
)  # fmt: skip
Style = tuple[list[bool], str, bool, tuple[str, str], tuple[str, int], str]


def _stock(
    head: list[str], found: list[str], style: Style = ([False], "  ", False, ("", ""), ("", 1), "\n")
) -> tuple[bytes, list[dict[str, object]]]:
    """A generated stock file of the rows with distinct (part, bin), and its lines as the loader reads them."""
    blocks, indent, named_after, (opening, closing), aside, brk = style
    tail = "name: Shelf\n" if named_after and not any(line.startswith("name:") for line in head) else ""
    text = opening.encode() + _file(head, _distinct(found), blocks, indent, tail, aside) + closing.encode()
    text = text.replace(b"\n", brk.encode())
    return text, load_fast(text, REL)["lines"]


def _kept(head: list[str], style: Style, count: int) -> bool:
    """Whether the text editor takes a file of this head and style, of ``count`` lines: no blank line in the head but
    a first one that opens the file (the round trip drops that one too, and writes it back as the frame, yaml.frame),
    and no section after a block mapping (the round trip gives it to the mapping's last key)."""
    blocks, _, _, (opening, _), (aside, first), _ = style
    after_block = any(blocks[(i - 1) % len(blocks)] for i in range(first or 2, count, 2))
    return "" not in (head if opening else head[1:]) and not (aside and after_block)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=heads, found=st.lists(rows(), min_size=1, max_size=8), data=st.data())
def test_set_quantities_writes_what_the_round_trip_writes(
    tmp_path: Path, head: list[str], found: list[str], data
) -> None:
    style = data.draw(styles)
    text, items = _stock(head, found, style)
    chosen = data.draw(st.lists(st.integers(0, len(items) - 1), unique=True, min_size=1))
    wanted = {("shelf", str(items[i]["part"]), items[i].get("bin")): data.draw(counts_drawn) for i in chosen}

    def edit(changes: ChangeSet) -> None:
        set_quantities(changes, "shelf", wanted)

    fast, slow, used = _both(text, edit, tmp_path)
    assert fast == slow
    assert used == _kept(head, style, len(items))  # every count drawn has a text read back for certain


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=heads, found=st.lists(rows(), min_size=1, max_size=6), data=st.data())
def test_a_line_written_or_appended_is_what_the_round_trip_writes(
    tmp_path: Path, head: list[str], found: list[str], data
) -> None:
    style = data.draw(styles)
    text, items = _stock(head, found, style)
    index = data.draw(st.one_of(st.none(), st.integers(0, len(items) - 1)))
    note = data.draw(st.one_of(st.none(), st.sampled_from(WORDS + TRICKY)))
    part = data.draw(st.sampled_from(WORDS + TRICKY))
    bin_ = data.draw(st.one_of(st.none(), st.sampled_from(["A1", *TRICKY])))
    count = data.draw(counts_drawn)

    def edit(changes: ChangeSet) -> None:
        write_line(changes, "shelf", part, bin_, count, index=index, note=note)

    fast, slow, used = _both(text, edit, tmp_path)
    assert fast == slow
    plain = note in (None, *WORDS) and (index is not None or (part in WORDS and bin_ in (None, "A1")))
    assert used == (plain and _kept(head, style, len(items)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=heads, found=st.lists(rows(), min_size=1, max_size=6), data=st.data())
def test_adding_to_lines_is_what_the_round_trip_writes(tmp_path: Path, head: list[str], found: list[str], data) -> None:
    style = data.draw(styles)
    text, items = _stock(head, found, style)
    parts = data.draw(
        st.lists(st.sampled_from([f"{w}{i}" for w in WORDS for i in range(3)] + TRICKY), unique=True, min_size=1)
    )
    wanted = {part: data.draw(counts_drawn.filter(lambda c: c < 10**14)) for part in parts}

    def edit(changes: ChangeSet) -> None:
        add_to_lines(changes, "shelf", wanted)

    fast, slow, used = _both(text, edit, tmp_path)
    assert fast == slow
    assert used == (not set(parts) & set(TRICKY) and _kept(head, style, len(items)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=heads, found=st.lists(rows(), min_size=1, max_size=6), data=st.data())
def test_a_stocktake_writes_what_the_round_trip_writes(tmp_path: Path, head: list[str], found: list[str], data) -> None:
    """Counts and their ``counted_at`` (put where the line's record puts it), and counted lines appended."""
    style = data.draw(styles)
    text, items = _stock(head, found, style)
    chosen = data.draw(st.lists(st.integers(0, len(items) - 1), unique=True))
    new_parts = data.draw(st.lists(st.sampled_from(["n1", "n2", *TRICKY]), unique=True, max_size=2))
    counts = [(i, str(items[i]["part"]), items[i].get("bin"), data.draw(counts_drawn)) for i in chosen]
    counts += [(None, part, data.draw(st.sampled_from([None, "A1"])), data.draw(counts_drawn)) for part in new_parts]
    day = data.draw(st.dates(date(2000, 1, 1), date(2099, 12, 31)))

    def edit(changes: ChangeSet) -> None:
        write_counts(changes, "shelf", counts, day)

    fast, slow, used = _both(text, edit, tmp_path)
    assert fast == slow
    assert used == (not set(new_parts) & set(TRICKY) and _kept(head, style, len(items)))


def test_two_edits_of_one_file_both_stay(tmp_path: Path) -> None:
    """A build's takes set as text, then its product added to the same file: both are in the bytes."""
    text = _file(["name: Shelf"], ["{part: a, quantity: 10}", "{part: b, quantity: 4, bin: X}"])

    def edit(changes: ChangeSet) -> None:
        set_quantities(changes, "shelf", {("shelf", "a", None): Decimal(7)})
        add_to_lines(changes, "shelf", {"a": Decimal(2), "kit": Decimal(1)})

    fast, slow, used = _both(text, edit, tmp_path)
    assert (
        fast
        == slow
        == _file(
            ["name: Shelf"], ["{part: a, quantity: 9}", "{part: b, quantity: 4, bin: X}", "{part: kit, quantity: 1}"]
        )
    )
    assert used


def test_a_text_edit_then_a_round_trip_edit_keeps_the_first(tmp_path: Path) -> None:
    """A value the text cannot hold for certain goes to the round trip, which starts from the edits made as text."""
    text = _file([], ["{part: a, quantity: 10}", "{part: b, quantity: 4}"])

    def edit(changes: ChangeSet) -> None:
        set_quantities(changes, "shelf", {("shelf", "a", None): Decimal(7)})
        write_line(changes, "shelf", "b", None, Decimal(5), index=1, note="on")  # a word YAML 1.1 reads as true

    fast, slow, used = _both(text, edit, tmp_path)
    assert fast == slow == _file([], ["{part: a, quantity: 7}", "{part: b, quantity: 5, note: on}"])
    assert not used


@pytest.mark.parametrize(
    "text",
    [
        b"lines:\n  - {part: a, quantity: 1}  # a comment after a line\n",
        b"lines:\n  - part: a\n      quantity: 1\n",  # a block mapping's keys not under each other
        b"lines:\n  - part: a\n    quantity:\n      - 1\n",  # a nested value
        b"lines:\n  - part: a\n    quantity: 1  # a comment\n",
        b"lines:\n  - part: a\n    quantity: [1]\n",
        b"lines:\n  - part: a\n    quantity: 1, bin: b\n",
        b"lines:\n  - part: a\n    part: b\n",  # a key twice
        b"lines:\n  - part: a\n\n    quantity: 1\n",  # a blank line inside
        b"lines:\n  - part: a\n    quantity: True\n",  # a boolean the round trip writes otherwise
        b"lines:\n- part: a\n  quantity: 1\n  - part: b\n",  # both columns in one list
        b"lines:\n  - part: a\n    quantity: 1\n- part: b\n",
        b"lines:\n- part: a\n  quantity: 1\n# the end\n",  # a comment after the lines
        b"lines:\n- part: a\n  quantity: 1\nname: Shelf  # a comment\n",
        b"lines:\n- part: a\n  quantity: 1\n\nname: Shelf\n",
        b"lines:\n- part: a\n  quantity: 1\nname: 'Shelf'\n",
        b"lines:\n- part: a\n  quantity: 1\nname:\n  - x\n",
        b"lines: []\n",
        b"\xef\xbb\xbflines:\n  - {part: a, quantity: 1}\n",
        b"lines:\r\n  - {part: a, quantity: 1}\n",  # line breaks of two kinds
        b"lines:\r  - {part: a, quantity: 1}\r",  # a carriage return alone
        b"lines:\n  - {part: a,  quantity: 1}\n",
        b"lines:\n  - {part: a, quantity: 1}",
        b"name: 'Shelf'\nlines:\n  - {part: a, quantity: 1}\n",
        b"lines:\n  - {part: 'a', quantity: 1}\n",
        "# a comment \u2028 with a line separator\nlines:\n  - {part: a, quantity: 1}\n".encode(),
        b"# a form \x0c feed\nlines:\n  - {part: a, quantity: 1}\n",
        b"lines:\n  - {part: a, quantity: 1}\r\n",
    ],
)
def test_other_shapes_are_left_to_the_round_trip(text: bytes) -> None:
    assert FlowLines.read(text) is None


@pytest.mark.parametrize(
    "text",
    [
        b"---\nlines:\n  - {part: a, quantity: 1}\n",
        b"# the shelf\n---\n# above the bench\nname: Shelf\nlines:\n  - {part: a, quantity: 1}\n...\n# end\n",
        b"\nlines:\n  - {part: a, quantity: 1}\n",
        b"\n---\nlines:\n- part: a\n  quantity: 1\nname: Shelf\n...\n",
    ],
)
def test_a_frame_is_kept_as_it_is(tmp_path: Path, text: bytes) -> None:
    """A ``---`` line, a ``...`` line and the comments around them stay, written by the editor or by the round trip."""
    found = FlowLines.read(text)
    assert found is not None
    assert found.text().encode() == text
    assert list(found.items) == load_fast(text, REL)["lines"]

    def edit(changes: ChangeSet) -> None:
        set_quantities(changes, "shelf", {("shelf", "a", None): Decimal(7)})

    fast, slow, used = _both(text, edit, tmp_path)
    assert used
    assert fast == slow == text.replace(b"quantity: 1", b"quantity: 7")


def test_sections_between_lines_are_kept_as_they_are(tmp_path: Path) -> None:
    """A stockroom kept by hand: a blank line and a comment above each group of lines; an edit changes one line."""
    text = (
        b"name: Shelf\nlines:\n  # resistors\n  - {part: r1, quantity: 10}\n  - {part: r2, quantity: 4}\n"
        b"\n  # capacitors, 0603\n  - {part: c1, quantity: 7}\n"
    )
    found = FlowLines.read(text)
    assert found is not None
    assert found.text().encode() == text
    assert [item["part"] for item in found.items] == ["r1", "r2", "c1"]

    def edit(changes: ChangeSet) -> None:
        set_quantities(changes, "shelf", {("shelf", "r1", None): Decimal(3), ("shelf", "c1", None): Decimal(9)})
        add_to_lines(changes, "shelf", {"c2": Decimal(5)})

    fast, slow, used = _both(text, edit, tmp_path)
    assert used
    assert fast == slow == (
        b"name: Shelf\nlines:\n  # resistors\n  - {part: r1, quantity: 3}\n  - {part: r2, quantity: 4}\n"
        b"\n  # capacitors, 0603\n  - {part: c1, quantity: 9}\n  - {part: c2, quantity: 5}\n"
    )
    # after a block mapping the round trip gives a section to the mapping's last key: left to it
    blocky = b"lines:\n  - part: r1\n    quantity: 10\n\n  # capacitors\n  - {part: c1, quantity: 7}\n"
    assert FlowLines.read(blocky) is None
    # and blank lines or comments after the last line (the round trip's to place)
    assert FlowLines.read(text + b"\n  # the end\n") is None


def test_a_file_written_on_windows_keeps_its_line_breaks(tmp_path: Path) -> None:
    text = b"---\r\nname: Shelf\r\nlines:\r\n  - {part: a, quantity: 1}\r\n\r\n  # b\r\n  - {part: b, quantity: 2}\r\n"
    found = FlowLines.read(text)
    assert found is not None
    assert found.text().encode() == text
    assert [item["part"] for item in found.items] == ["a", "b"]

    def edit(changes: ChangeSet) -> None:
        set_quantities(changes, "shelf", {("shelf", "b", None): Decimal(5)})
        add_to_lines(changes, "shelf", {"c": Decimal(1)})

    fast, slow, used = _both(text, edit, tmp_path)
    assert used
    assert fast == slow == text.replace(b"quantity: 2}", b"quantity: 5}") + b"  - {part: c, quantity: 1}\r\n"


def test_the_example_stock_files_read_as_the_loader_reads_them() -> None:
    """Where the editor takes a file, its items are the loader's lines."""
    taken = 0
    for path in sorted(Path(__file__).parent.parent.glob("ctb_files/data/example-inventory/stock/*.yaml")) + sorted(
        Path(__file__).parent.glob("data/valid/*/stock/*.yaml")
    ):
        data = path.read_bytes()
        found = FlowLines.read(data)
        if found is not None:
            taken += 1
            assert list(found.items) == load_fast(data, path.name)["lines"]
            assert found.text().encode() == data
    assert taken >= 1


def test_stock_add_on_a_plain_file_imports_no_round_trip_library(tmp_path: Path) -> None:
    """``ctb stock add`` on a stock file ctb wrote never loads ruamel (its import alone is tens of milliseconds)."""
    root = tmp_path / "inv"
    root.mkdir()
    (root / "ctb.yaml").write_text("ctb: 1\nname: Probe\ndefault_location: shelf\n")
    (root / "parts").mkdir()
    (root / "parts/a.yaml").write_text("name: A\n")
    (root / "stock").mkdir()
    (root / REL).write_bytes(_file(["name: Shelf"], ["{part: a, quantity: 10}"]))
    probe = (
        "import sys\nfrom ctb_files.cli import main\n"
        "try:\n    main(['--no-cache', 'stock', 'add', 'a', '5'])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('ruamel.yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
    assert (root / REL).read_bytes() == _file(["name: Shelf"], ["{part: a, quantity: 15}"])


@pytest.mark.parametrize("after_line", ["", "  # a comment: the round trip edits this file"])
def test_adding_to_a_count_keeps_the_digits_it_is_written_with(tmp_path: Path, after_line: str) -> None:
    """``2.50`` plus one is ``3.50`` either way; the round trip reads ``2.50`` as a float that prints ``2.5``."""
    text = f"lines:\n  - {{part: a, quantity: 2.50}}{after_line}\n  - {{part: b, quantity: 4}}\n".encode()
    changes = ChangeSet(tmp_path, {REL: text})
    assert add_to_lines(changes, "shelf", {"a": Decimal(1)}) == [("a", Decimal("2.50"), Decimal("3.50"))]
    assert changes.pending()[REL] == text.replace(b"2.50", b"3.50")
    assert (changes.edit_lines(REL) is not None) == (after_line == "")
