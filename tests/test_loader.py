"""The loader: every problem in one run, each at its file, line and column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ctb_files.core.canonical import model_fields
from ctb_files.core.models import BomRow, OrderLine, PriceBreak, Reservation, StockLine, Take
from ctb_files.core.models.project import Sku
from ctb_files.render.table import plain
from ctb_files.storage.loader import load_repo
from tests.conftest import git, write_tree


def test_every_bad_file_is_reported_with_its_line(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "ctb.yaml": "ctb: 1\n",
            "parts/r1.yaml": """
                name: R
                # a comment
                vendor_parts:
                  - vendor: mouser
                    sku: abc
                    min_order: 0
                    mutiple: 2
                """,
            "stock/a.yaml": """
                lines:
                  - {part: r1, quantity: -3}
                """,
            "parts/evil.yaml": "name: !!python/object/apply:os.system ['echo hi']\n",
            "parts/bad..id.yaml": "name: x\n",
            "builds/b1.yaml": "project: p\nversion: v\nquantity: 3\n",
        },
    )
    result = load_repo(tmp_path)
    rendered = [d.render() for d in result.diagnostics]
    assert rendered == [
        "parts/bad..id.yaml:1:1: CTB105 'bad..id' is not a valid id (letters, digits, . _ + -, max 80, no '..')",
        "parts/evil.yaml:1:7: CTB003 YAML tags that build objects are not allowed"
        " (could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system')",
        "parts/r1.yaml:6:16: CTB101 vendor_parts[0].min_order: Input should be greater than or equal to 1",
        "parts/r1.yaml:7:5: CTB102 vendor_parts[0].mutiple: unknown key 'mutiple' (did you mean 'multiple'?)",
        "stock/a.yaml:2:26: CTB104 lines[0].quantity: Input should be greater than or equal to 0",
    ]
    assert result.inventory.builds["b1"].quantity == Decimal(3)
    assert "r1" not in result.inventory.parts


def test_a_builds_written_back_results_are_checked_as_strictly_as_any_model(tmp_path: Path) -> None:
    # reservations, takes and shortages are slotted dataclasses, not models: the same codes and words
    write_tree(
        tmp_path,
        {
            "ctb.yaml": "ctb: 1\n",
            "builds/b1.yaml": "project: p\nversion: v\nquantity: 1\nstatus: cleared\nreservations:\n"
            "  - part: r1\n    quantity: 2\n    take:\n      - {location: a, part: r1, bim: A, quantity: 2}\n"
            "      - 5\n"
            "  - part: r2\n    lines: [1]\n"
            "shortages:\n  - {part: r3, quantity: 0}\n",
        },
    )
    rendered = [d.render() for d in load_repo(tmp_path).diagnostics]
    # word for word what the models said
    assert rendered == [
        "builds/b1.yaml:9:33: CTB102 reservations[0].take[0].bim: unknown key 'bim' (did you mean 'bin'?)",
        "builds/b1.yaml:10:9: CTB101 reservations[0].take[1]: Input should be a valid dictionary or instance of Take",
        "builds/b1.yaml:11:5: CTB103 reservations[1].quantity: required key is missing",
        "builds/b1.yaml:14:26: CTB104 shortages[0].quantity: Input should be greater than 0",
    ]


def test_floats_are_exact_decimals(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "ctb.yaml": "ctb: 1\n",
            "parts/r1.yaml": "name: R\nvendor_parts:\n  - {vendor: m, sku: a, price_breaks: [{quantity: 1, price: 0.106}]}\n",
        },
    )
    part = load_repo(tmp_path).inventory.parts["r1"]
    assert part.vendor_parts[0].price_breaks[0].price == Decimal("0.106")


def test_alias_bombs_and_object_tags_are_refused(tmp_path: Path) -> None:
    levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for prev, name in zip("abcdefg", "bcdefgh"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    write_tree(
        tmp_path,
        {
            "ctb.yaml": "ctb: 1\n",
            "parts/bomb.yaml": "\n".join(levels) + "\n",
            "parts/loop.yaml": "name: &x [*x]\n",
            "parts/merge.yaml": "<<: {name: x}\n",
            "parts/binary.yaml": "name: !!binary aGk=\n",
        },
    )
    codes = [(d.path, d.code) for d in load_repo(tmp_path).diagnostics]
    assert codes == [
        ("parts/binary.yaml", "CTB003"),
        ("parts/bomb.yaml", "CTB014"),  # aliases past the limit have their own code
        ("parts/loop.yaml", "CTB002"),
        ("parts/merge.yaml", "CTB002"),
    ]


def test_yaml_12_scalars(tmp_path: Path) -> None:
    from ctb_files.storage.yaml import load_fast

    data = load_fast(b"a: yes\nb: on\nc: 010\nd: 0x1F\ne: 1_000\nf: [R:1]\ng: !!str 12\n", "x")
    assert data == {"a": "yes", "b": "on", "c": 10, "d": 31, "e": "1_000", "f": ["R:1"], "g": "12"}


def test_loading_pauses_the_garbage_collector_and_restores_it(tmp_path: Path) -> None:
    import gc

    from ctb_files.storage.loader import bulk

    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\n"})
    assert gc.isenabled()
    with bulk():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert "r1" in load_repo(tmp_path).inventory.parts and gc.isenabled()
    gc.disable()
    try:
        load_repo(tmp_path)
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()


def test_an_unclosed_bracket_names_the_line_it_was_opened_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\ntags: [a, b\n"})
    assert [d.render() for d in load_repo(tmp_path).diagnostics] == [
        "parts/r1.yaml:3:1: CTB002 YAML syntax: did not find expected ',' or ']'"
        " (while parsing a flow sequence that starts at line 2, column 7)"
    ]


def test_a_quoted_quantity_is_not_a_number(tmp_path: Path) -> None:
    stock = 'lines:\n  - {part: r1, quantity: "5"}\n'
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\n", "stock/a.yaml": stock})
    assert [d.render() for d in load_repo(tmp_path).diagnostics] == [
        "stock/a.yaml:2:26: CTB101 lines[0].quantity: a quantity is a number: write it without quotes"
    ]


def test_text_that_yaml_reads_as_something_else_says_to_quote_it(tmp_path: Path) -> None:
    """A package written 0805 as another YAML writer leaves it (unquoted) is the number 805 to a YAML 1.2 reader."""
    files = {
        "ctb.yaml": "ctb: 1\n",
        "packages/a.yaml": "name: 0805\n",
        "packages/b.yaml": "name: 1e3\n",
        "packages/c.yaml": "name: 2024-01-02\n",
        "packages/d.yaml": "name: true\n",
        "packages/e.yaml": "name:\n",
        "packages/f.yaml": "name: '0805'\n",
    }
    write_tree(tmp_path, files)
    quote = ": put the value in quotes to keep it as written"
    assert [d.render() for d in load_repo(tmp_path).diagnostics] == [
        f"packages/a.yaml:1:7: CTB101 name: text is expected, and YAML reads this as the number 805{quote}",
        f"packages/b.yaml:1:7: CTB101 name: text is expected, and YAML reads this as the number 1000{quote}",
        f"packages/c.yaml:1:7: CTB101 name: text is expected, and YAML reads this as the date 2024-01-02{quote}",
        f"packages/d.yaml:1:7: CTB101 name: text is expected, and YAML reads this as the truth value true{quote}",
        "packages/e.yaml:1:6: CTB101 name: text is expected, and the value is empty",
    ]


def test_the_fast_reader_reads_like_the_stock_safe_loader() -> None:
    import yaml

    from ctb_files.storage.yaml import load_fast

    text = "name: R\nvalue: 10k\nn: 12\nq: 1.50\nt: true\nnone: null\nday: 2026-11-01\nl: [a, 2, {b: c}]\n'k': ~\n"
    plain = yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the stock safe loader
    assert load_fast(text.encode(), "x.yaml") == {**plain, "q": Decimal("1.50")}


def test_equal_texts_and_whole_quantities_are_one_object_each(tmp_path: Path) -> None:
    """A cleared build names its location and parts once per take: loaded, each text is one object
    (within a file), each whole quantity one Decimal (across files), cold and from the warm cache."""
    takes = "\n".join(
        f"      - {{location: main, part: r{i % 3}, bin: A1, quantity: {7 if i % 2 else 300}}}" for i in range(6)
    )
    write_tree(
        tmp_path,
        {
            "ctb.yaml": "ctb: 1\n",
            "stock/main.yaml": "lines:\n  - {part: r0, quantity: 300}\n  - {part: r1, quantity: 7}\n",
            "builds/b1.yaml": "project: p\nversion: v\nquantity: 7\nstatus: completed\n"
            "reservations:\n  - part: r0\n    quantity: 7\n    take:\n" + takes + "\n",
        },
    )
    git(tmp_path, "init", "-q")
    for _ in range(2):  # cold, then every file from the warm cache
        inv = load_repo(tmp_path).inventory
        take = inv.builds["b1"].reservations[0].take
        assert [(t.location, t.part, t.quantity) for t in take] == [
            ("main", f"r{i % 3}", Decimal(7 if i % 2 else 300)) for i in range(6)
        ]
        assert len({id(t.location) for t in take}) == 1
        assert len({id(t.bin) for t in take}) == 1
        assert len({id(t.part) for t in take}) == 3
        assert take[0].part is inv.builds["b1"].reservations[0].part
        sevens = [t.quantity for t in take if t.quantity == 7] + [inv.builds["b1"].quantity]
        sevens.append(inv.stock["main"].lines[1].quantity)
        assert len({id(q) for q in sevens}) == 1
        assert take[0].quantity is inv.stock["main"].lines[0].quantity


def test_models_given_the_same_names_share_one_set_of_them(tmp_path: Path) -> None:
    """pydantic's per-instance set of given names is shared between models given the same names;
    each still holds exactly the names its own input gave; the slotted records (stock lines, a
    build's results, BOM rows and their SKUs, order lines, vendor parts, price breaks) have none."""
    write_tree(
        tmp_path,
        {
            "ctb.yaml": "ctb: 1\n",
            "parts/r1.yaml": "name: R1\nvendor_parts:\n  - {vendor: m, sku: a, price_breaks: [{quantity: 1, price: '0.1'}]}\n",
            "parts/r2.yaml": "name: R2\nvendor_parts:\n  - {vendor: m, sku: b, price_breaks: [{quantity: 1, price: '0.2'}]}\n",
            "parts/r3.yaml": "name: R3\nunit: pcs\n",
            "stock/main.yaml": "lines:\n  - {part: r1, quantity: 3, bin: A}\n  - {part: r2, quantity: 4, bin: B}\n"
            "  - {part: r3, quantity: 5}\n",
            "orders/o1.yaml": "vendor: m\nlines:\n  - {part: r1, quantity: 10}\n  - {part: r2, quantity: 20}\n",
            "projects/p/project.yaml": "name: P\n",
            "projects/p/bom/v.yaml": "project: p\nversion: v\nrows:\n  - {line: 1, refs: [R1], quantity: 1, part: r1}\n"
            "  - {line: 2, refs: [R2], quantity: 1, part: r2}\n"
            "  - {line: 3, quantity: 1, part: r3, vendor: m, partnum: X1}\n  - {line: 4, quantity: 1, part: r3, vendor: null}\n",
            "builds/b1.yaml": "project: p\nversion: v\nquantity: 1\nstatus: cleared\nreservations:\n"
            "  - {part: r1, quantity: 1, lines: [1], take: [{location: main, part: r1, bin: A, quantity: 1}]}\n"
            "  - {part: r2, quantity: 1, lines: [2], take: [{location: main, part: r2, bin: B, quantity: 1}]}\n"
            "  - {part: r3, quantity: 1, lines: [3], take: [{location: main, part: r3, quantity: 1}]}\n",
        },
    )
    result = load_repo(tmp_path)
    assert result.errors == []
    inv = result.inventory

    def given(model: object) -> set[str]:
        return model.__pydantic_fields_set__  # type: ignore[attr-defined,no-any-return]

    # what a stockroom holds by the hundred thousand is slotted dataclasses: no set of names, no dict
    lines = inv.stock["main"].lines
    assert lines[2] == StockLine(part="r3", quantity=Decimal(5))
    reservations = inv.builds["b1"].reservations
    assert reservations[2] == Reservation(
        part="r3", quantity=Decimal(1), lines=[3], take=[Take(location="main", part="r3", quantity=Decimal(1))]
    )
    r1, r2 = inv.parts["r1"], inv.parts["r2"]
    assert r1.vendor_parts[0].price_breaks == [PriceBreak(quantity=Decimal(1), price=Decimal("0.1"))]
    rows = inv.boms[("p", "v")].rows
    assert rows[0] == BomRow(line=1, refs=["R1"], quantity=Decimal(1), part="r1")
    order_lines = inv.orders["o1"].lines
    assert order_lines[1] == OrderLine(part="r2", quantity=Decimal(20))
    records = (
        lines[0], reservations[0], reservations[0].take[0], r1.vendor_parts[0], r1.vendor_parts[0].price_breaks[0],
        rows[0], rows[2].skus[0], order_lines[0],
    )  # fmt: skip
    for record in records:
        assert not hasattr(record, "__dict__") and not hasattr(record, "__pydantic_fields_set__")
    assert given(r1) is given(r2) and given(inv.parts["r3"]) == {"name", "unit"}
    # a BOM row still tells it was read from the old vendor/partnum keys (not null)
    assert [row.legacy for row in rows] == [False, False, True, False]
    assert rows[2].skus == [Sku(vendor="m", sku="X1")] and rows[2].vendor is None and rows[3].vendor is None


def test_a_record_is_written_and_shown_under_its_keys() -> None:
    """An order line's ``for_`` is the key ``for`` wherever a key is read or shown: fmt's order and hints, JSON."""
    line = OrderLine(part="r1", quantity=Decimal(2), for_={"b1": Decimal(2)})
    assert {name: key for name, (key, _annotation) in model_fields(OrderLine).items()}["for_"] == "for"
    assert plain(line) == {
        "part": "r1", "sku": None, "quantity": 2, "unit_price": None, "received": 0, "for": {"b1": 2}, "restock": False,
    }  # fmt: skip
    assert plain(Take(location="main", part="r1", quantity=Decimal("1.5"))) == {
        "location": "main", "part": "r1", "bin": None, "quantity": 1.5,
    }  # fmt: skip
