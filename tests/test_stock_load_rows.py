"""The loader reads stock files line by line (``storage/listread.load_lists``): the same data, the same messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ctb_files.core.models.settings import Limits
from ctb_files.storage import loader
from ctb_files.storage.filedata import parse_file
from ctb_files.storage.loader import load_repo
from ctb_files.storage.yaml import YamlProblem, load_fast
from ctb_files.storage.yaml.read import default_limits
from tests.conftest import write_tree
from tests.test_stockread import CASES


def typed(value: Any) -> Any:
    """``value`` with the type of every leaf beside it: ``5`` and ``Decimal(5)`` compare equal, these do not."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, str(value))


MORE = [
    b"name: Shelf A\nlines:\n  - {part: p1, quantity: 5, bin: A3, counted_at: 2024-01-02}\n  - {part: p2, quantity: 2.50}\n",
    b"lines:\n  - {part: p1, quantity: 5, note: yes}\n  - {part: p2, quantity: 1e3}\n  - {part: 0603, quantity: 1}\n",
    b"\xef\xbb\xbflines:\n  - {part: p1, quantity: 5}\n",  # a byte order mark
    b"lines:\n  - {part: p1, quantity: 5}  # a comment after the line\n",
    b"lines:\n  - {part: p\xc3\xa9, quantity: 5}\n",  # not ASCII
    b"lines:\n  - {part: p1, quantity: 12345678901234567}\n",  # past the digits a quantity may have
    b"lines:\n  - {part: p1, quantity: 5}\n  - {part: p1, quantity: 5}\n",  # the same line twice: for the check
    b"lines:\n  - part: p1\n    quantity: 5\n",  # block style
    b"lines:\n  - {part: p1, quantity: 5, deprioritized: true}\n  - {part: p2, quantity: 1, deprioritized: false}\n",
    b"lines:\n  - {part: p1, quantity: 5, deprioritized: True}\n  - {part: p2, quantity: 1, deprioritized: FALSE}\n",
]


@pytest.mark.parametrize("data", CASES + MORE)
def test_same_data_of_the_same_types_or_the_same_problem(data: bytes) -> None:
    try:
        expected = load_fast(data, "stock/a.yaml")
    except YamlProblem as problem:
        with pytest.raises(YamlProblem) as raised:
            parse_file(data, "stock/a.yaml", default_limits())
        assert raised.value.diagnostic == problem.diagnostic
        return
    assert typed(parse_file(data, "stock/a.yaml", default_limits())) == typed(expected)


def test_stricter_limits_are_counted_by_the_whole_file_parser() -> None:
    data = b"lines:\n" + b"".join(b"  - {part: p%d, quantity: 1}\n" % i for i in range(3))
    strict = Limits(items=2)
    with pytest.raises(YamlProblem) as expected:
        load_fast(data, "stock/a.yaml", strict)
    with pytest.raises(YamlProblem) as raised:
        parse_file(data, "stock/a.yaml", strict)
    assert raised.value.diagnostic == expected.value.diagnostic
    assert raised.value.diagnostic.render() == "stock/a.yaml:2:3: CTB008 a list of 3 items, more than the limit of 2"
    assert parse_file(data, "stock/a.yaml", default_limits())["lines"][2] == {"part": "p2", "quantity": 1}


def test_a_repository_loads_the_same_stock_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stock = "name: Shelf\nlines:\n" + "".join(
        f"  - {{part: p{i}, quantity: {i}.5, bin: B{i % 3}}}\n" if i % 2 else f"  - {{part: p{i}, quantity: {i}}}\n"
        for i in range(40)
    )
    files = {
        "ctb.yaml": "ctb: 1\n",
        "stock/shelf.yaml": stock,
        "stock/odd.yaml": "lines:\n  - {part: p1, quantity: many}\n",
    }
    files.update({f"parts/p{i}.yaml": f"name: P{i}\n" for i in range(40)})
    write_tree(tmp_path, files)
    by_rows = load_repo(tmp_path, cache=False)
    monkeypatch.setattr(loader, "parse_file", lambda data, rel, limits: load_fast(data, rel, limits))
    whole = load_repo(tmp_path, cache=False)
    assert by_rows.inventory.stock == whole.inventory.stock
    assert [d.render() for d in by_rows.diagnostics] == [d.render() for d in whole.diagnostics]
    assert by_rows.inventory.stock["shelf"].lines[1].quantity == Decimal("1.5")
    assert [d.code for d in by_rows.diagnostics] == ["CTB101"]  # a count that is not a number: reported alike
