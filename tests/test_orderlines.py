"""Order files as ctb writes them have their lines rewritten as text (``storage/writeback/orderlines``), to the
bytes the round trip writes.

``ctb order generate`` rewrites the ``lines`` of every open order it adds
to (``writeback.order.apply_plan``).  The tests run it both ways on
generated order files and new lines and hold the bytes equal; where the
text cannot be certain (a comment among the lines, a value quoted another
way, a nested block), the round trip is used.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ctb_files.ops.orders.plan import OrderPlan
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.writeback.order import apply_plan
from ctb_files.storage.writeback.orderlines import OrderLines, merged
from ctb_files.storage.yaml import load_fast

REL = "orders/o1.yaml"


def _both(data: bytes, lines: list[dict[str, object]], tmp_path: Path) -> tuple[bytes | None, bytes | None, bool]:
    """The order file ``lines`` make of ``data`` with the text editor and with the round trip alone, and whether
    the text editor was used."""
    fast = ChangeSet(tmp_path, {REL: data})
    apply_plan(fast, OrderPlan(lines={"o1": lines}))
    used = fast.edit_as_text(REL, OrderLines) is not None
    slow = ChangeSet(tmp_path, {REL: data})
    real = OrderLines.read
    try:
        OrderLines.read = classmethod(lambda cls, data: None)  # type: ignore[method-assign,assignment]
        apply_plan(slow, OrderPlan(lines={"o1": lines}))
    finally:
        OrderLines.read = real  # type: ignore[method-assign]
    return fast.pending().get(REL), slow.pending().get(REL), used


def _file(
    head: list[str],
    rows: list[list[tuple[str, str]]],
    blocks: list[bool],
    indent: str = "  ",
    tail: str = "",
    below: bool = False,
) -> str:
    """An order file of ``rows`` (each its keys and the text of their values), each line a flow mapping or, where
    ``blocks`` says, a block mapping (``below``: its ``for`` in block style too), their dashes at ``indent``,
    ``tail`` after them."""
    out = []
    for i, row in enumerate(rows):
        if blocks[i % len(blocks)]:
            pairs = []
            for j, (k, v) in enumerate(row):
                lead = f"{indent}{'  ' if j else '- '}{k}:"
                if below and v.startswith("{"):  # the mapping on the lines below its key, as PyYAML writes it
                    pairs.append(lead + "\n" + "".join(f"{indent}    {pair}\n" for pair in v[1:-1].split(", ")))
                else:
                    pairs.append(f"{lead} {v}\n")
            out.append("".join(pairs))
        else:
            out.append(f"{indent}- {{" + ", ".join(f"{k}: {v}" for k, v in row) + "}\n")
    return "".join(line + "\n" for line in head) + "lines:\n" + "".join(out) + tail


PARTS = ["p1", "r-10k", "m1575", "c.1", '"0805"', '"yes"']
SKUS = [
    "M-1575",
    "D1",
    "LCSC C25804",
    '"0603"',
    '"1e3"',
    "595-TL074CDR",
    "296-1395-5-ND",
    '"1e-5"',
    "1-e5",
    "0.1uF 50V",
]
NUMBERS = ["0", "1", "5", "12", "2.50", "100", "0.000001"]
MONEY = ['"0.45"', '"1.00"', '"0.052"', "0.45", "'0.45'"]
BUILDS = ["b1", "b-2", "vco-batch-3", "b0076"]

heads = st.lists(
    st.sampled_from([
        "# yaml-language-server: $schema=../.ctb/schemas/order.schema.json", "vendor: mouser", "status: open",
        "number: null", 'number: "12345"', "currency: USD", "created_at: 2026-12-07T23:46:23Z",
        "expected: 2026-12-20", "placed_at: null", "# a comment above the lines",
    ]),
    max_size=5, unique=True,
).filter(lambda head: sum(line.startswith("number:") for line in head) <= 1)  # fmt: skip


@st.composite
def old_rows(draw: st.DrawFn) -> list[tuple[str, str]]:
    row = [("part", draw(st.sampled_from(PARTS)))]
    if draw(st.booleans()):
        row.append(("sku", draw(st.sampled_from(SKUS))))
    row.append(("quantity", draw(st.sampled_from(NUMBERS[1:]))))
    if draw(st.booleans()):
        row.append(("unit_price", draw(st.sampled_from(MONEY))))
    if draw(st.booleans()):
        row.append(("received", draw(st.sampled_from(NUMBERS))))
    if draw(st.booleans()):
        builds = draw(st.lists(st.sampled_from(BUILDS), min_size=1, max_size=3, unique=True))
        row.append(("for", "{" + ", ".join(f"{b}: {draw(st.sampled_from(NUMBERS[1:]))}" for b in builds) + "}"))
    if draw(st.booleans()):
        row.append(("restock", "true"))
    if draw(st.integers(0, 5)) == 0:
        row.append(("note", draw(st.sampled_from(["reel", "cut tape", "two words"]))))
    return draw(st.permutations(row)) if draw(st.integers(0, 4)) == 0 else row


@st.composite
def new_lines(draw: st.DrawFn) -> dict[str, object]:
    """A line as ``ops.orders.plan.line_data`` gives one: house key order, Decimals, money as text."""
    line: dict[str, object] = {"part": draw(st.sampled_from(PARTS)).strip('"')}
    if draw(st.booleans()):
        line["sku"] = draw(st.sampled_from(SKUS)).strip('"')
    line["quantity"] = Decimal(draw(st.sampled_from(NUMBERS[1:])))
    if draw(st.booleans()):
        line["unit_price"] = draw(st.sampled_from(["0.45", "1.00", "0.052", "12.50"]))
    if draw(st.booleans()):
        line["received"] = Decimal(draw(st.sampled_from(NUMBERS[1:])))
    if draw(st.booleans()):
        builds = draw(st.lists(st.sampled_from(BUILDS), min_size=1, max_size=3, unique=True))
        line["for"] = {b: Decimal(draw(st.sampled_from(NUMBERS[1:]))) for b in builds}
    if draw(st.integers(0, 3)) == 0:
        line["restock"] = True
    return line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=heads,
    rows=st.lists(old_rows(), min_size=1, max_size=6),
    blocks=st.lists(st.booleans(), min_size=1, max_size=3),
    indent=st.sampled_from(["  ", ""]),
    frame=st.sampled_from([("", ""), ("---\n", ""), ("# top\n---\n", "...\n")]),
    crlf=st.booleans(),
    tail=st.sampled_from(["", "vendor: mouser\n", "status: open\nvendor: mouser\n"]),
    below=st.booleans(),
    edits=st.data(),
)
def test_lines_written_as_the_round_trip_writes_them(
    tmp_path: Path, head, rows, blocks, indent, frame, crlf, tail, below, edits
) -> None:
    head = [line for line in head if line.partition(":")[0] + ":" not in tail]  # each key once
    text = frame[0] + _file(head, rows, blocks, indent, tail, below) + frame[1]
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode()
    try:
        old = load_fast(data, REL)["lines"]
    except Exception:
        return  # not a file the loader takes (a key twice in a line): no command gets here
    # the new lines: some of the old ones as the loader reads them (often unchanged), some drawn anew
    kept = [dict(line) for line in old if edits.draw(st.booleans())]
    lines = edits.draw(st.permutations([*kept, *edits.draw(st.lists(new_lines(), max_size=4))]))
    fast, slow, used = _both(data, lines, tmp_path)
    event("edited as text" if used else "through the round trip")
    assert fast == slow


@pytest.mark.parametrize(
    "body",
    [
        "  - {part: p1, quantity: 5}\n  # a comment among the lines\n  - {part: p2, quantity: 5}\n",
        "  - {part: p1, quantity: 5}  # reel\n",
        "  - {part: p1, quantity: 5}\n\n  - {part: p2, quantity: 5}\n",
        "  - part: p1\n    quantity: 5\n    for:\n        b1: 5\n",  # its keys further in than the round trip's
        "  - part: p1\n    quantity: 5\n    for:\n      - b1\n",
        "  - part: p1\n    note:\n    quantity: 5\n",
        "  - {part: p1, quantity: 5, unit_price: '0.45'}\n",
        "  - {part: p1, quantity: 5, sku: 1e-5}\n",  # a number: the round trip would quote it
        "  - {part: p1, quantity: 5, for: {}}\n",
        "  - {part: p1, quantity: 5, tags: [a, b]}\n",
        "  - {part: p1,  quantity: 5}\n",
        "  - {part: p1, quantity: 05}\n",
        "  - {part: p1, quantity: 5, for: {b1: 1}}\n".replace("b1: 1", ", ".join(f"b{i}: 1" for i in range(400))),
    ],
)
def test_other_shapes_go_to_the_round_trip(tmp_path: Path, body: str) -> None:
    data = ("vendor: mouser\nlines:\n" + body).encode()
    assert OrderLines.read(data) is None
    lines: list[dict[str, object]] = [{"part": "p1", "quantity": Decimal(6)}, {"part": "p3", "quantity": Decimal(1)}]
    fast, slow, used = _both(data, lines, tmp_path)
    assert not used
    assert fast == slow


def test_values_without_a_certain_text_go_to_the_round_trip(tmp_path: Path) -> None:
    data = b"vendor: mouser\nlines:\n  - {part: p1, quantity: 5}\n"
    for line in (
        {"part": "p1", "sku": "1 e", "quantity": Decimal(5)},  # no certain plain reading
        {"part": "p1", "sku": 'say "hi"', "quantity": Decimal(5)},  # quotes inside
        {"part": "p1", "quantity": Decimal(5), "for": {}},
        {"part": "p1", "quantity": Decimal(5), "for": {"0805": Decimal(1)}},  # a key that reads as a number
    ):
        fast, slow, _ = _both(data, [line], tmp_path)
        assert fast == slow
    text = OrderLines.read(data)
    assert text is not None
    assert not text.update([{"part": "p1", "sku": "1 e", "quantity": Decimal(5)}])
    assert not text.update([])  # no line left: ``lines: []`` is the round trip's
    assert text.text() == data.decode()


def test_the_merge_keeps_old_keys_in_place_and_puts_new_ones_before_the_next() -> None:
    old = {"part": "p1", "quantity": 5, "for": {"b2": 1, "b1": 2}, "note": "reel"}
    new = {
        "part": "p1",
        "sku": "S",
        "quantity": Decimal(5),
        "unit_price": "0.45",
        "for": {"b1": Decimal(3), "b3": Decimal(1)},
    }
    out = merged(old, new)
    assert list(out) == ["part", "sku", "quantity", "unit_price", "for"]
    assert out["quantity"] == 5 and type(out["quantity"]) is int  # equal: the old value (and its text) stays
    assert out["for"] == {"b1": Decimal(3), "b3": Decimal(1)}
    assert list(out["for"]) == ["b1", "b3"]


D = Decimal
# an order as ``order generate`` creates it, then edited by hand in places
CREATED = (
    b"# yaml-language-server: $schema=../.ctb/schemas/order.schema.json\n"
    b"vendor: digikey\nstatus: open\nnumber: null\ncurrency: USD\ncreated_at: 2026-12-07T23:46:23Z\n"
    b"placed_at: null\nreceived_at: null\nlines:\n"
)
# the lines of an order as PyYAML's safe_dump writes them: keys sorted, at the key's column, for below its key
PYYAML = b"- for:\n    b0076: 3\n  part: m1575\n  quantity: 7\n  received: 0\n  sku: M-1575\n"


@pytest.mark.parametrize(
    ("data", "lines", "written"),
    [
        (
            CREATED
            + b'  - part: m1007\n    sku: D-1007\n    quantity: 42\n    unit_price: "0.17"\n    for: {b0062: 2, b0104: 3}\n'
            + b"  - {part: m1032, sku: D-1032, quantity: 12, received: 0, for: {b0122: 4}}\n  - {part: r1, quantity: 100}\n",
            [
                {"part": "m1032", "sku": "D-1032", "quantity": D(20), "for": {"b0122": D(4), "b0001": D(8)}},
                {"part": "m1007", "sku": "D-1007", "quantity": D(42), "unit_price": "0.17", "for": {"b0104": D(3), "b0062": D(2)}},
                {"part": "r1", "quantity": D(100)},
                {"part": "c9", "sku": "D-9", "quantity": D(10), "unit_price": "0.052", "for": {"b0002": D(10)}},
                {"part": "c10", "quantity": D(50), "restock": True},
            ],
            CREATED
            + b"  - {part: m1032, sku: D-1032, quantity: 20, for: {b0122: 4, b0001: 8}}\n"
            + b'  - part: m1007\n    sku: D-1007\n    quantity: 42\n    unit_price: "0.17"\n    for: {b0062: 2, b0104: 3}\n'
            + b"  - {part: r1, quantity: 100}\n"
            + b'  - part: c9\n    sku: D-9\n    quantity: 10\n    unit_price: "0.052"\n    for: {b0002: 10}\n'
            + b"  - {part: c10, quantity: 50, restock: true}\n",
        ),
        (
            b"currency: USD\nlines:\n" + PYYAML + b"status: open\nvendor: mouser\n",
            [
                {"part": "m1575", "sku": "M-1575", "quantity": D(7), "for": {"b0076": D(3), "b0001": D(2)}},
                {"part": "r9", "sku": "595-R9", "quantity": D(10), "for": {"b0002": D(10)}},
            ],
            b"currency: USD\nlines:\n- for:\n    b0076: 3\n    b0001: 2\n  part: m1575\n  quantity: 7\n  sku: M-1575\n"
            b"- part: r9\n  sku: 595-R9\n  quantity: 10\n  for: {b0002: 10}\nstatus: open\nvendor: mouser\n",
        ),
    ],
    ids=["as created", "as PyYAML writes it"],
)  # fmt: skip
def test_an_order_is_edited_as_text(
    tmp_path: Path, data: bytes, lines: list[dict[str, object]], written: bytes
) -> None:
    fast, slow, used = _both(data, lines, tmp_path)
    assert used
    assert fast == slow == written
