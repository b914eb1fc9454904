"""``ctb check`` after an order was placed or received: the last full answer stands when no check can mind.

A check reads of an order its vendor, its lines' parts and builds (CTB203,
CTB201, CTB207), its lines' counts against what they received (CTB504, and
CTB305 of a fraction of a part counted in pieces) and its status against
them (CTB505).  An order whose status and received counts alone changed,
each of a shape its model takes, whole, at most the line's count, and
``received`` only when every line is, leaves every check as it was; it is
shown so without a model (``storage/unread/orders.order_progress``).  The stock
files ``ctb order receive`` also changes are counts and lines appended.  A
new order as ``ctb order generate`` writes it (a known vendor, lines of
known parts for known builds, whole counts, every other field of a known
shape) is kept the same way (``storage/unread/orders.orders_added``).
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.cli import main
from tests.test_recheck import Tally, check, full_answer, shown_without_a_model, unchanged

ORDER = "orders/mouser-open.yaml"
LINE = (
    '    quantity: 10              # the 10-piece break: covers the batch and leaves spares\n    unit_price: "0.58"\n'
)


@pytest.fixture()
def repo(one_build_cleared: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example with its build cleared (``tests/conftest.py``), and a full check."""
    assert check(one_build_cleared, capsys) == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    return one_build_cleared


def edit(root: Path, before: str, after: str) -> None:
    path = root / ORDER
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


QUIET = {
    "placed": [("status: open\n", "status: placed\nnumber: '2611-0042'\nplaced_at: 2026-12-07T10:00:00Z\n")],
    "some-received": [("status: open\n", "status: placed\n"), (LINE, LINE + "    received: 4\n")],
    "all-received": [("status: open\n", "status: received\n"), (LINE, LINE + "    received: 10\n")],
    "cancelled": [("status: open\n", "status: cancelled\n")],
    "status-left-out": [("status: open\n", "")],
}


@pytest.mark.parametrize("name", sorted(QUIET))
def test_an_order_placed_or_received_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    kept = full_answer(repo)
    for before, after in QUIET[name]:
        edit(repo, before, after)
    assert unchanged(repo) == (51, [])
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == (0, "", "51 files checked: 0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    ("edits", "said"),
    [
        ([("status: open\n", "status: received\n"), (LINE, LINE + "    received: 4\n")], "CTB505"),
        ([(LINE, LINE + "    received: 11\n")], "CTB504"),
        ([(LINE, LINE + "    received: 2.5\n")], "CTB305"),
        ([(LINE, LINE + "    received: -1\n")], "CTB10"),
        ([(LINE, LINE + "    received: '4'\n")], "CTB101"),  # text: the model wants a number
        ([("status: open\n", "status: lost\n")], "CTB10"),
        ([("status: open\n", "status: placed\n"), ("sku: 595-TL074CN", "sku: 595-TL074C")], ""),  # another field
        ([("vendor: mouser\n", "vendor: mousr\n")], "CTB203"),
        ([("  - part: tl074-dip\n", "  - part: tl074\n")], "CTB201"),
    ],
)
def test_other_order_edits_are_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], edits: list[tuple[str, str]], said: str
) -> None:
    for before, after in edits:
        edit(repo, before, after)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert said in now[1] and (said == "") == (now[1] == ""), now


def test_placing_and_receiving_with_the_commands_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ctb order place`` then ``ctb order receive`` in two steps: each commit's check is kept."""
    kept = full_answer(repo)
    assert main(["--repo", str(repo), "order", "place", "mouser-open", "--number", "A-1", "-q"]) == 0
    assert unchanged(repo) == (51, []) and shown_without_a_model(repo)
    assert main(["--repo", str(repo), "order", "receive", "mouser-open", "--line", "tl074-dip=4", "-q"]) == 0
    assert "received: 4" in (repo / ORDER).read_text()
    assert unchanged(repo) == (51, []) and shown_without_a_model(repo)
    assert main(["--repo", str(repo), "order", "receive", "mouser-open", "-q"]) == 0
    assert re.search(r"(?m)^status: received$", (repo / ORDER).read_text())
    capsys.readouterr()
    assert unchanged(repo) == (51, []) and shown_without_a_model(repo)
    assert (
        check(repo, capsys) == check(repo, capsys, "--no-cache") == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    )
    assert full_answer(repo) == kept


def test_orders_progressing_at_random_answer_as_a_full_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after an order changed, a full check says exactly that."""
    path = repo / ORDER
    original = path.read_text()
    second = "  - part: r-1k\n    quantity: 20\n"
    rng = random.Random(4)
    tally = Tally()
    for _ in range(30):
        path.write_text(original + second)
        subprocess.run(["git", "-C", str(repo), "status", "-s"], check=True, capture_output=True)
        check(repo, capsys)
        text = original.replace("status: open\n", f"status: {rng.choice(['open', 'placed', 'received', 'done'])}\n")
        got = [rng.choice([None, 0, 3, 10, 20, 21, 2.5, "'4'"]) for _ in range(2)]
        if got[0] is not None:
            text = text.replace(LINE, LINE + f"    received: {got[0]}\n")
        text += second + (f"    received: {got[1]}\n" if got[1] is not None else "")
        path.write_text(text)
        tally.weigh(repo, capsys)
    assert tally.counts == (5, 5, 25)  # each light answer without a model


NEW = "vendor: tayda\nstatus: open\ncurrency: USD\ncreated_at: 2026-12-07T05:51:27Z\nlines:\n"
KNOB = "  - part: knob-davies\n    sku: A-4496\n    quantity: 5\n    unit_price: '0.29'\n    for: {vco-batch-1: 5}\n"


def test_an_order_as_generate_writes_it_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ctb order generate`` writes a new order file: its check is kept without a model."""
    kept = full_answer(repo)
    assert main(["--repo", str(repo), "order", "generate", "-q"]) == 0
    capsys.readouterr()
    made = sorted(path.name for path in (repo / "orders").iterdir())
    assert made == ["mouser-open.yaml", "tayda-1.yaml"]
    assert unchanged(repo) == (52, []) and shown_without_a_model(repo)
    assert (
        check(repo, capsys) == check(repo, capsys, "--no-cache") == (0, "", "52 files checked: 0 errors, 0 warnings\n")
    )
    assert full_answer(repo) == kept


@pytest.mark.parametrize(
    ("ident", "text", "said"),
    [
        ("tayda-1", NEW + KNOB, ""),  # as generate writes it: kept (the case below each differs in one thing)
        ("tayda-1", NEW.replace("tayda", "tayd") + KNOB, "CTB203"),
        ("tayda-1", NEW + KNOB.replace("knob-davies", "knob-davis"), "CTB201"),
        ("tayda-1", NEW + KNOB.replace("vco-batch-1", "vco-batch-9"), "CTB207"),
        ("tayda-1", NEW + KNOB + "    received: 6\n", "CTB504"),
        ("tayda-1", NEW.replace("open", "received") + KNOB + "    received: 4\n", "CTB505"),
        ("tayda-1", NEW + KNOB.replace("quantity: 5", "quantity: 5.5"), "CTB305"),
        ("tayda-1", NEW.replace("USD", "usd") + KNOB, "CTB10"),
        ("tayda-1", NEW + KNOB.replace("'0.29'", "'-0.29'"), "CTB10"),
        ("tayda-1", NEW + KNOB + "    note: hi\n", "CTB10"),
        ("MOUSER-OPEN", NEW + KNOB, "CTB214"),
        ("tayda-1", NEW + KNOB.replace("{vco-batch-1: 5}", "{vco-batch-1: 2.5}"), ""),  # a fraction for: in full
        ("tayda-1", NEW.replace("USD", "EUR") + KNOB, ""),  # another currency: no check minds, kept
    ],
)
def test_new_orders_unlike_generates_are_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], ident: str, text: str, said: str
) -> None:
    (repo / "orders" / f"{ident}.yaml").write_text(text)
    light = unchanged(repo) is not None
    assert light == (said == "" and "2.5" not in text), text
    assert shown_without_a_model(repo) == light
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert said in now[1] and (said == "") == (now[1] == ""), now


def test_the_shapes_of_a_new_order_are_read_off_its_model() -> None:
    from ctb_files.core.unread import Shape, new_order_fields

    moment = Shape("datetime", required=False, nullable=True)
    count = Shape("count", required=True, nullable=False, least=1, below=10**15)
    orders, lines = new_order_fields()
    assert orders == {
        "status": Shape("literal", False, False, choices=("open", "placed", "received", "cancelled")),
        "number": Shape("str", required=False, nullable=True),
        "expected": Shape("date", required=False, nullable=True),
        "currency": Shape("str", required=False, nullable=True, pattern="^[A-Z]{3}$"),
        "created_at": moment,
        "placed_at": moment,
        "received_at": moment,
    }  # vendor: an id; lines: records with an aliased field
    assert lines == {
        "sku": Shape("str", required=False, nullable=True),
        "quantity": count,
        "unit_price": Shape("decimal", required=False, nullable=True, least=0, below=10**15),
        "received": count._replace(required=False, least=0),
        "restock": Shape("bool", required=False, nullable=False),
    }  # part: an id; for: ids and counts


@given(st.text(max_size=5) | st.sampled_from(["USD", "EUR", "usd", "US", "USDD", "USD\n", "\nUSD", "ÄBC", "A1C"]))
@settings(max_examples=300, deadline=None)
def test_a_patterned_shape_claims_only_what_the_model_takes(value: str) -> None:
    from pydantic import ValidationError

    from ctb_files.core.models.order import Order
    from ctb_files.core.unread import new_order_fields, takes

    claimed = takes(new_order_fields()[0]["currency"], True, value)
    try:
        Order.model_validate({"vendor": "v", "currency": value})
        taken = True
    except ValidationError:
        taken = False
    assert not claimed or taken
    assert claimed == (len(value) == 3 and all("A" <= c <= "Z" for c in value))


def test_new_orders_at_random_answer_as_a_full_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after order files came, a full check says exactly that."""
    rng = random.Random(6)
    pieces = [
        "    received: 2\n", "    received: 5\n", "    received: 9\n", "    restock: true\n", "    sku: null\n",
        "    colour: red\n",
    ]  # fmt: skip
    tally = Tally()
    for turn in range(40):
        check(repo, capsys)
        head = NEW.replace("tayda", rng.choice(["tayda", "tayda", "mouser", "digikey"]))
        head = head.replace("open", rng.choice(["open", "open", "placed", "received", "lost"]))
        line = KNOB.replace("knob-davies", rng.choice(["knob-davies", "knob-davies", "r-1k", "r-1kk"]))
        line = line.replace("vco-batch-1", rng.choice(["vco-batch-1", "vco-batch-1", "vco-batch-1", "nope"]))
        path = repo / "orders" / f"zz-{turn}.yaml"
        path.write_text(head + line + "".join(rng.sample(pieces, rng.randint(0, 1))))
        tally.weigh(repo, capsys)
        path.unlink()
    assert tally.counts == (8, 8, 32)  # each light answer without a model
