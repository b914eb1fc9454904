"""``ctb part new``, ``package new``, ``vendor new``, ``project new`` and ``part list --search``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\n",
    "vendors/mouser.yaml": "name: Mouser\n",
    "packages/r-0805.yaml": 'name: "0805"\n',
    "parts/r1.yaml": (
        "name: 10k resistor\nvalue: 10K\ndescription: Thick film\n"
        "vendor_parts:\n  - {vendor: mouser, sku: 603-RC0805FR-0710KL, mpn: RC0805FR-0710KL}\n"
    ),
    "parts/c1.yaml": "name: Ceramic cap\nvalue: 100nF\n",
}


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "inv", WORLD)


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_part_new_with_an_unknown_package_is_refused_and_writes_nothing(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "part", "new", "r2", "--name", "R2", "--package", "r-0806") == 1
    assert capsys.readouterr().err == (
        "ctb: refusing to write parts/r2.yaml: parts/r2.yaml:3:10: CTB202 package: unknown package 'r-0806' "
        "(did you mean 'r-0805'?)\n"
    )
    assert not (inv / "parts/r2.yaml").exists()


def test_part_new_writes_a_valid_formatted_file_with_the_schema_hint(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--name", "22k resistor", "--value", "22K", "--symbol", "R", "--package", "r-0805", "--min-stock", "100",
            "--vendor", "mouser", "--sku", "603-RC0805FR-0722KL", "--mpn", "RC0805FR-0722KL", "--tag", "passive"]
    assert ctb(inv, "part", "new", "r-22k", *args, "-q") == 0
    assert (inv / "parts/r-22k.yaml").read_text() == (
        "# yaml-language-server: $schema=../.ctb/schemas/part.schema.json\n"
        "name: 22k resistor\nvalue: 22K\nsymbol: R\npackage: r-0805\ntags: [passive]\nmin_stock: 100\n"
        "vendor_parts:\n  - {vendor: mouser, sku: 603-RC0805FR-0722KL, mpn: RC0805FR-0722KL}\n"
    )
    assert ctb(inv, "check") == 0
    assert ctb(inv, "fmt", "--check", str(inv / "parts/r-22k.yaml")) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["part", "new", "r1", "--name", "x"], "ctb: parts/r1.yaml already exists\n"),
        (["part", "new", "R1", "--name", "x"],
         "ctb: refusing to write parts/R1.yaml: parts/r1.yaml:1:1: CTB214 id 'r1' differs from 'R1' (parts/R1.yaml) only by case\n"),
        (["part", "new", "r3", "--name", "x", "--vendor", "farnell", "--sku", "1"],
         "ctb: refusing to write parts/r3.yaml: parts/r3.yaml:4:14: CTB203 vendor_parts[0].vendor: unknown vendor 'farnell'\n"),
        (["part", "new", "../x", "--name", "x"], "ctb: '../x' is not a valid id (letters, digits, . _ + -, max 80)\n"),
        (["vendor", "new", "mouser", "--name", "M"], "ctb: vendors/mouser.yaml already exists\n"),
        (["project", "new", "p", "--name", "P", "--part", "nope"],
         "ctb: refusing to write projects/p/project.yaml: projects/p/project.yaml:3:7: CTB201 part: unknown part 'nope'\n"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(inv: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    files = sorted(p for p in inv.rglob("*") if p.is_file())
    assert ctb(inv, *args) in (1, 2)
    assert capsys.readouterr().err == message
    assert sorted(p for p in inv.rglob("*") if p.is_file()) == files


def test_package_vendor_and_project_new(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "package", "new", "sot-23", "--name", "SOT-23", "--technology", "smd",
               "--footprint", "Package_TO_SOT_SMD:SOT-23", "-q") == 0  # fmt: skip
    assert (inv / "packages/sot-23.yaml").read_text() == (
        "# yaml-language-server: $schema=../.ctb/schemas/package.schema.json\n"
        "name: SOT-23\ntechnology: smd\nfootprints: [Package_TO_SOT_SMD:SOT-23]\n"
    )
    assert ctb(inv, "vendor", "new", "tayda", "--name", "Tayda", "--currency", "USD", "-q") == 0
    assert (inv / "vendors/tayda.yaml").read_text() == (
        "# yaml-language-server: $schema=../.ctb/schemas/vendor.schema.json\nname: Tayda\ncurrency: USD\n"
    )
    assert ctb(inv, "project", "new", "vco", "--name", "VCO", "--github", "me/vco", "--bom-path", "vco.csv",
               "--version", "v1=4ddd128", "--version", "v2", "--format", "json") == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["path"] == "projects/vco/project.yaml"
    assert (inv / "projects/vco/project.yaml").read_text() == (
        "# yaml-language-server: $schema=../../.ctb/schemas/project.schema.json\n"
        "name: VCO\nsource:\n  github: me/vco\nbom_path: vco.csv\nversions:\n  - {name: v1, ref: 4ddd128}\n  - {name: v2}\n"
    )
    assert ctb(inv, "check") == 0
    new = ["packages/sot-23.yaml", "vendors/tayda.yaml", "projects/vco/project.yaml"]
    assert ctb(inv, "fmt", "--check", *(str(inv / rel) for rel in new)) == 0


@pytest.mark.parametrize(
    ("text", "found"),
    [("10k", ["r1"]), ("rc0805fr", ["r1"]), ("603-", ["r1"]), ("thick", ["r1"]), ("100n", ["c1"]), ("CERAMIC", ["c1"]),
     ("c1", ["c1"]), ("zzz", [])],
)
def test_part_list_search(inv: Path, capsys: pytest.CaptureFixture[str], text: str, found: list[str]) -> None:
    assert ctb(inv, "part", "list", "--search", text, "--format", "json") == 0
    assert [p["id"] for p in json.loads(capsys.readouterr().out)["parts"]] == found


def test_part_show_shows_the_datasheet_and_min_stock(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "part", "new", "u1", "--name", "TL074", "--datasheet", "https://example.invalid/tl074.pdf",
               "--min-stock", "5", "-q") == 0  # fmt: skip
    assert ctb(inv, "part", "show", "u1") == 0
    out = capsys.readouterr().out
    assert "  datasheet: https://example.invalid/tl074.pdf\n  min_stock: 5\n" in out
