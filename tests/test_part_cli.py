"""``ctb part list`` and ``ctb part show`` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.cli.part import part_group
from tests.conftest import write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\ncurrency: EUR\n",
    "vendors/mouser.yaml": "name: Mouser\n",
    "packages/r-0805.yaml": 'name: "0805"\n',
    "parts/r-10k.yaml": """\
        name: 10k resistor
        value: 10K
        package: r-0805
        tags: [passive]
        vendor_parts:
          - vendor: mouser
            sku: 603-RC0805
            mpn: RC0805
            price_breaks:
              - {quantity: 1, price: "0.10"}
              - {quantity: 100, price: "0.012"}
    """,
    "parts/r-10k-alt.yaml": "name: 10k resistor, other maker\nvalue: 10K\ntags: [passive]\nequivalents: [r-10k]\n",
    "parts/wire.yaml": "name: Wire\nunit: m\n",
    "stock/a.yaml": "lines:\n  - {part: r-10k, quantity: 10}\n  - {part: wire, quantity: 1.5}\n",
    "stock/b.yaml": "lines:\n  - {part: r-10k, quantity: 2, bin: '4'}\n",
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 2, part: r-10k}\n",
    "builds/b1.yaml": """\
        project: p
        version: v1
        quantity: 3
        status: cleared
        reservations:
          - part: r-10k
            quantity: 6
            lines: [1]
            take:
              - {location: a, part: r-10k, quantity: 6}
    """,
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_tree(tmp_path, WORLD)


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_the_group_is_exported_for_other_modules() -> None:
    assert set(part_group.commands) >= {"list", "show"}


def test_list_shows_stock_per_part(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "part", "list") == 0
    assert capsys.readouterr().out == (
        "id         name                       value  package  unit  on hand  available\n"
        "---------  -------------------------  -----  -------  ----  -------  ---------\n"
        "r-10k      10k resistor               10K    r-0805   pcs        12          6\n"
        "r-10k-alt  10k resistor, other maker  10K             pcs         0          0\n"
        "wire       Wire                                       m         1.5        1.5\n"
    )


def test_list_by_tag_as_json(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "part", "list", "--tag", "passive", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "parts": [
            {"id": "r-10k", "name": "10k resistor", "value": "10K", "package": "r-0805", "unit": "pcs", "on_hand": 12, "available": 6},
            {"id": "r-10k-alt", "name": "10k resistor, other maker", "value": "10K", "package": None, "unit": "pcs",
             "on_hand": 0, "available": 0},
        ]
    }  # fmt: skip
    assert ctb(world, "part", "list", "--tag", "nothing") == 0
    assert capsys.readouterr().out == "no parts tagged nothing\n"


def test_show_gives_fields_vendor_parts_stock_and_equivalents(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "part", "show", "r-10k") == 0
    assert capsys.readouterr().out == (
        "r-10k: 10k resistor\n"
        "  value: 10K\n"
        "  package: r-0805\n"
        "  unit: pcs\n"
        "  tags: passive\n"
        "  equivalents: r-10k-alt\n"
        "\n"
        "vendor parts\n"
        "vendor  sku         mpn     manufacturer  min  multiple  price breaks\n"
        "------  ----------  ------  ------------  ---  --------  ---------------------------\n"
        "mouser  603-RC0805  RC0805                               1+ 0.10 EUR, 100+ 0.012 EUR\n"
        "\n"
        "stock\n"
        "location  bin  on hand  reserved  available  deprioritized\n"
        "--------  ---  -------  --------  ---------  -------------\n"
        "a                   10         6          4\n"
        "b         4          2         0          2\n"
        "\n"
        "total: 12 pcs on hand, 6 reserved, 6 available\n"
    )


def test_show_json(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "part", "show", "r-10k-alt", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["id"], doc["name"], doc["equivalents"], doc["stock"]) == ("r-10k-alt", "10k resistor, other maker", ["r-10k"], [])
    assert doc["totals"] == {"on_hand": 0, "reserved": 0, "available": 0}
    assert ctb(world, "part", "show", "r-10k", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["vendor_parts"][0]["price_breaks"] == [{"quantity": 1, "price": "0.10"}, {"quantity": 100, "price": "0.012"}]
    assert doc["stock"][0] == {"location": "a", "part": "r-10k", "bin": None, "on_hand": 10, "reserved": 6,
                               "available": 4, "deprioritized": False}  # fmt: skip


def test_show_unknown_part(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "part", "show", "r-10") == 1
    assert capsys.readouterr().err == "ctb: no part 'r-10' (parts/r-10.yaml) (did you mean 'r-10k'?)\n"
