"""``ctb order`` through the command line, on real files and real git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.tree import read_tree
from tests.conftest import commit_all, git, write_tree
from tests.test_ordering import BASE, R1, short_build


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def world(root: Path, **extra: str) -> Path:
    return write_tree(root, {**BASE, "parts/r1.yaml": R1, "parts/knob.yaml": "name: Knob\n", **extra})


ORDER_B1 = "vendor: mouser\nstatus: open\nlines:\n  - {part: r1, sku: 603-R1, quantity: 10, unit_price: \"0.05\", for: {b1: 5}}\n"


def test_generate_writes_one_open_order_and_prints_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}", "{part: knob, quantity: 2}")})
    assert ctb(tmp_path, "order", "generate") == 0
    text = (tmp_path / "orders/mouser-1.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../.ctb/schemas/order.schema.json\nvendor: mouser\nstatus: open\nnumber: null\ncurrency: USD\ncreated_at: ")
    assert text.endswith(
        "placed_at: null\nreceived_at: null\nlines:\n"
        "  - part: r1\n    sku: 603-R1\n    quantity: 10\n    unit_price: \"0.05\"\n    for: {b1: 5}\n"
    )
    out = capsys.readouterr().out
    assert "mouser-1 (mouser, open)" in out
    assert "total USD 0.50" in out
    assert "knob  2" in out


def test_generating_twice_gives_byte_identical_files(tmp_path: Path) -> None:
    world(tmp_path, **{
        "builds/b1.yaml": short_build("{part: r1, quantity: 5}"),
        "builds/b2.yaml": short_build("{part: r1, quantity: 30}", extra="priority: 2\n"),
    })  # fmt: skip
    assert ctb(tmp_path, "order", "generate") == 0
    first = read_tree(tmp_path)
    assert ctb(tmp_path, "order", "generate") == 0
    assert ctb(tmp_path, "order", "generate", "b2") == 0
    assert read_tree(tmp_path) == first
    assert "    quantity: 35\n    unit_price: \"0.05\"\n    for: {b1: 5, b2: 30}\n" in first["orders/mouser-1.yaml"].decode()


def test_shrinking_shortages_shrink_open_lines_keeping_comments(tmp_path: Path) -> None:
    order = (
        "# spring restock\nvendor: mouser  # the usual\nstatus: open\nlines:\n"
        "  - part: r1  # reel\n    sku: 603-R1\n    quantity: 35\n    unit_price: \"0.05\"\n    for: {b1: 5, b2: 30}\n"
    )
    world(tmp_path, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}"), "orders/mouser-1.yaml": order})
    assert ctb(tmp_path, "order", "generate") == 0
    assert (tmp_path / "orders/mouser-1.yaml").read_text() == (
        "# spring restock\nvendor: mouser  # the usual\nstatus: open\nlines:\n"
        "  - part: r1  # reel\n    sku: 603-R1\n    quantity: 10\n    unit_price: \"0.05\"\n    for: {b1: 5}\n"
    )


def test_placed_orders_never_change(tmp_path: Path) -> None:
    placed = "vendor: mouser\nstatus: placed\nlines:\n  - {part: r1, sku: 603-R1, quantity: 2, for: {b1: 40}}\n"
    world(tmp_path, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}"), "orders/mouser-1.yaml": placed})
    assert ctb(tmp_path, "order", "generate") == 0
    assert (tmp_path / "orders/mouser-1.yaml").read_text() == placed
    # 3 more: tayda's 3 × 0.11 beats mouser's 3 × 0.12 and 10 × 0.05
    text = (tmp_path / "orders/tayda-1.yaml").read_text()
    assert "    sku: T-R1\n    quantity: 3\n    unit_price: \"0.11\"\n    for: {b1: 3}\n" in text


def test_generate_json_has_the_order_files_and_the_parts_without_vendor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}", "{part: knob, quantity: 2}",
                                                     "{part: null, quantity: 3, lines: [9], reason: unmatched BOM row}")})  # fmt: skip
    assert ctb(tmp_path, "order", "generate", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    (order,) = doc["orders"]
    assert order["id"] == "mouser-1" and order["vendor"] == "mouser" and order["status"] == "open"
    assert order["lines"] == [{"part": "r1", "sku": "603-R1", "quantity": 10, "unit_price": "0.05", "for": {"b1": 5}}]
    assert doc["no_vendor"] == [{"part": "knob", "quantity": 2}]
    assert doc["unorderable"] == [{"build": "b1", "quantity": 3, "lines": [9], "reason": "unmatched BOM row"}]


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}")})
    assert ctb(tmp_path, "order", "generate", "--dry-run") == 0
    assert not (tmp_path / "orders").exists()
    assert "+++ b/orders/mouser-1.yaml" in capsys.readouterr().out


def test_place_then_receive_in_parts_with_one_commit_each(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(git_repo, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}"), "orders/mouser-1.yaml": ORDER_B1, "stock/shelf.yaml": "lines:\n  - {part: r1, quantity: 3}  # loose\n"})
    commit_all(git_repo, "start")
    assert ctb(git_repo, "order", "receive", "mouser-1") == 1
    assert "place it first" in capsys.readouterr().err
    assert ctb(git_repo, "order", "place", "mouser-1", "--number", "240001", "--commit") == 0
    text = (git_repo / "orders/mouser-1.yaml").read_text()
    assert text.startswith('vendor: mouser\nstatus: placed\nnumber: "240001"\nplaced_at: ')
    assert ctb(git_repo, "order", "receive", "mouser-1", "--line", "r1=4", "--commit") == 0
    assert (git_repo / "stock/shelf.yaml").read_text() == "lines:\n  - {part: r1, quantity: 7}  # loose\n"
    assert 'unit_price: "0.05", received: 4, for: {b1: 5}}\n' in (git_repo / "orders/mouser-1.yaml").read_text()
    assert "status: placed\n" in (git_repo / "orders/mouser-1.yaml").read_text()
    message = git(git_repo, "log", "-1", "--format=%B")
    assert message.startswith("ctb: receive order mouser-1\n")
    assert "Ctb-Order: mouser-1" in message and "Ctb-Part: r1" in message
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == ["orders/mouser-1.yaml", "stock/shelf.yaml"]
    assert ctb(git_repo, "order", "receive", "mouser-1", "--line", "r1=7") == 1
    assert "r1: 7 received but only 6 outstanding" in capsys.readouterr().err
    assert ctb(git_repo, "order", "receive", "mouser-1", "--location", "bench") == 1
    assert "no stock location 'bench'" in capsys.readouterr().err
    assert ctb(git_repo, "order", "receive", "mouser-1", "--location", "bench", "--new-location") == 0
    assert (git_repo / "stock/bench.yaml").read_text() == "# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json\nlines:\n  - {part: r1, quantity: 6}\n"
    text = (git_repo / "orders/mouser-1.yaml").read_text()
    assert "status: received\n" in text and "received_at: " in text and "received: 10," in text
    assert ctb(git_repo, "check") == 0


def test_cancel_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1})
    assert ctb(tmp_path, "order", "cancel", "mouser-1") == 0
    assert "status: cancelled\n" in (tmp_path / "orders/mouser-1.yaml").read_text()
    assert ctb(tmp_path, "order", "place", "mouser-1") == 1
    assert ctb(tmp_path, "order", "show", "nope") == 1
    err = capsys.readouterr().err
    assert "order mouser-1 is cancelled; only an open order can be placed" in err
    assert "no order 'nope'" in err


def test_cart_csv_for_mouser_and_for_other_vendors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tayda = "vendor: tayda\nlines:\n  - {part: r1, sku: T-R1, quantity: 25}\n  - {part: knob, quantity: 2}\n"
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1, "orders/tayda-1.yaml": tayda})
    assert ctb(tmp_path, "order", "cart", "mouser-1") == 0
    assert capsys.readouterr().out == "Mouser Part Number,Quantity\n603-R1,10\n"
    assert ctb(tmp_path, "order", "cart", "tayda-1", "-o", str(tmp_path / "cart.csv")) == 0
    assert (tmp_path / "cart.csv").read_text() == "sku,quantity\nT-R1,25\n"
    assert "line for knob has no sku" in capsys.readouterr().err


def test_list_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1})
    assert ctb(tmp_path, "order", "list") == 0
    out = capsys.readouterr().out
    assert "mouser-1  mouser  open" in out and "0.50  USD" in out
    assert ctb(tmp_path, "order", "show", "mouser-1", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["id"] == "mouser-1" and doc["total"] == "0.50" and doc["currency"] == "USD"
    assert ctb(tmp_path, "order", "show", "mouser-1") == 0
    assert "r1    603-R1        10        0.05        0.50  b1 5" in capsys.readouterr().out


BOM = "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 5, part: r1}\n"


def test_receiving_10_into_shelf_clears_the_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"projects/p/bom/v1.yaml": BOM, "builds/b1.yaml": "project: p\nversion: v1\nquantity: 2\n"})
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    assert "shortages:\n  - {part: r1, quantity: 10, lines: [1]}\n" in (tmp_path / "builds/b1.yaml").read_text()
    assert ctb(tmp_path, "order", "generate") == 0
    assert "    quantity: 10\n    unit_price: \"0.05\"\n    for: {b1: 10}\n" in (tmp_path / "orders/mouser-1.yaml").read_text()
    assert ctb(tmp_path, "order", "place", "mouser-1") == 0
    assert ctb(tmp_path, "order", "receive", "mouser-1") == 0
    assert (tmp_path / "stock/shelf.yaml").read_text() == "# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json\nlines:\n  - {part: r1, quantity: 10}\n"
    assert ctb(tmp_path, "build", "clear", "b1") == 0
    text = (tmp_path / "builds/b1.yaml").read_text()
    assert "status: cleared\n" in text and "shortages: []\n" in text
    capsys.readouterr()
    assert ctb(tmp_path, "order", "generate") == 0
    assert capsys.readouterr().out.strip() == "nothing to order"


def test_generate_commits_the_changed_orders_with_trailers(git_repo: Path) -> None:
    world(git_repo, **{"builds/b1.yaml": short_build("{part: r1, quantity: 5}")})
    commit_all(git_repo, "start")
    assert ctb(git_repo, "order", "generate", "--commit") == 0
    message = git(git_repo, "log", "-1", "--format=%B")
    assert message.startswith("ctb: generate orders\n")
    assert "Ctb-Order: mouser-1" in message and "Ctb-Part: r1" in message
    head = git(git_repo, "rev-parse", "HEAD")
    assert ctb(git_repo, "order", "generate", "--commit") == 0
    assert git(git_repo, "rev-parse", "HEAD") == head


def test_show_rounds_money_for_reading_and_json_keeps_it_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order = 'vendor: mouser\nlines:\n  - {part: r1, sku: 603-R1, quantity: 3003, unit_price: "0.00812"}\n'
    world(tmp_path, **{"orders/reel.yaml": order})
    assert ctb(tmp_path, "order", "show", "reel") == 0
    out = capsys.readouterr().out
    assert "r1    603-R1      3003      0.0081     24.3844\n" in out  # 3003 × 0.00812 = 24.38436
    assert out.endswith("total USD 24.3844\n")
    assert ctb(tmp_path, "order", "list") == 0
    assert "reel  mouser  open                1  24.3844  USD\n" in capsys.readouterr().out
    assert ctb(tmp_path, "order", "show", "reel", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["total"], doc["lines"][0]["unit_price"]) == ("24.38436", "0.00812")


def test_receive_refuses_a_location_that_differs_only_by_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    placed = ORDER_B1.replace("status: open", "status: placed")
    world(tmp_path, **{"orders/mouser-1.yaml": placed, "stock/shelf.yaml": "lines:\n  - {part: r1, quantity: 3}\n"})
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "order", "receive", "mouser-1", "--location", "Shelf") == 1
    assert capsys.readouterr().err.strip() == "ctb: location 'Shelf' differs from 'shelf' only by case; use 'shelf'"
    assert read_tree(tmp_path) == before


def test_receive_refuses_to_overflow_a_stock_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    placed = ORDER_B1.replace("status: open", "status: placed")
    full = "lines:\n  - {part: r1, quantity: 999999999999995}\n"
    world(tmp_path, **{"orders/mouser-1.yaml": placed, "stock/shelf.yaml": full})
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "order", "receive", "mouser-1", "--location", "shelf") == 1
    assert capsys.readouterr().err == "ctb: r1 at shelf would reach 1000000000000005; quantities stay below 10^15\n"
    assert read_tree(tmp_path) == before


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("r1=1e400", "ctb: --line 'r1=1e400': not a quantity: '1e400' (too large)\n"),
        ("r1=1e-400", "ctb: --line 'r1=1e-400': not a quantity: '1e-400' (at most 9 decimal places)\n"),
        ("r1=abc", "ctb: --line 'r1=abc': write PART=QUANTITY with a positive quantity\n"),
    ],
)
def test_receive_odd_line_quantities_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], item: str, message: str
) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1.replace("status: open", "status: placed")})
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "order", "receive", "mouser-1", "--line", item) == 2
    assert capsys.readouterr().err == message
    assert read_tree(tmp_path) == before


def test_cart_to_a_missing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1})
    target = tmp_path / "nope" / "cart.csv"
    assert ctb(tmp_path, "order", "cart", "mouser-1", "-o", str(target)) == 1
    assert capsys.readouterr().err == f"ctb: cannot write {target}: No such file or directory\n"


def test_cart_json_lists_the_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1})
    assert ctb(tmp_path, "order", "cart", "mouser-1", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "id": "mouser-1", "header": ["Mouser Part Number", "Quantity"], "rows": [["603-R1", 10]], "skipped": [],
    }  # fmt: skip


def test_place_with_a_blank_number_and_receive_without_a_location_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": ORDER_B1, "ctb.yaml": "ctb: 1\n"})
    before = read_tree(tmp_path)
    assert ctb(tmp_path, "order", "place", "mouser-1", "--number", " ") == 2
    assert capsys.readouterr().err == "ctb: --number is empty; give the vendor's order number or leave the option out\n"
    assert read_tree(tmp_path) == before
    assert ctb(tmp_path, "order", "place", "mouser-1") == 0
    assert ctb(tmp_path, "order", "receive", "mouser-1") == 2
    assert capsys.readouterr().err.splitlines()[-1] == "ctb: give --location or set default_location in ctb.yaml"


def test_generate_renders_the_edited_orders_once_however_many_it_touches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each look at the pending files renders every edited order: the command looks once, and writes that."""
    from ctb_files.storage.changes import ChangeSet

    files = {f"builds/b{n}.yaml": short_build(f"{{part: r1, quantity: {n * 10}}}") for n in range(1, 7)}
    for n in range(1, 7):  # one open order per build, each a line short of what the build lacks
        files[f"orders/mouser-{n}.yaml"] = f"vendor: mouser\nstatus: open\nlines:\n  - {{part: r1, sku: 603-R1, quantity: {n}, for: {{b{n}: {n}}}}}\n"
    world(tmp_path, **files)
    calls: list[int] = []
    real = ChangeSet.pending

    def counted(self: ChangeSet) -> dict[str, bytes | None]:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(ChangeSet, "pending", counted)
    assert ctb(tmp_path, "order", "generate", "--dry-run") == 0
    assert len(calls) == 1 and "+++ b/orders/mouser-1.yaml" in capsys.readouterr().out
    calls.clear()
    assert ctb(tmp_path, "order", "generate") == 0
    out = capsys.readouterr().out
    assert len(calls) == 1
    # the shortages gather on the first open order; the others are emptied, all six are shown
    assert (tmp_path / "orders/mouser-1.yaml").read_text().endswith(
        '  - {part: r1, sku: 603-R1, quantity: 210, unit_price: "0.05", for: {b1: 10, b2: 20, b3: 30, b4: 40, b5: 50, b6: 60}}\n'
    )
    assert all((tmp_path / f"orders/mouser-{n}.yaml").read_text().endswith("lines: []\n") for n in range(2, 7))
    assert "total USD 10.50" in out and out.count("(no lines)") == 5
