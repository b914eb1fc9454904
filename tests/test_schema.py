"""JSON Schemas: generated from the models, draft-07, committed copies up to date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ctb_files.cli import main
from ctb_files.core.models import KINDS
from ctb_files.core.schema import DRAFT_07, export_schemas, kind_schema, schema_hint

PROJECT = Path(__file__).resolve().parent.parent


def walk(node: Any, named: bool = False) -> list[dict[str, Any]]:
    """Every schema object below ``node`` (the values of properties/definitions are schemas, their keys names)."""
    out: list[dict[str, Any]] = []
    if isinstance(node, list):
        for item in node:
            out += walk(item)
    elif isinstance(node, dict):
        if named:
            for value in node.values():
                out += walk(value)
            return out
        out.append(node)
        for key, value in node.items():
            out += walk(value, named=key in ("properties", "patternProperties", "definitions"))
    return out


def test_committed_schemas_equal_a_fresh_export() -> None:
    fresh = export_schemas()
    committed = {p.name: p.read_text(encoding="utf-8") for p in (PROJECT / "schemas").glob("*.json")}
    assert committed == fresh


def test_one_schema_per_kind() -> None:
    assert sorted(export_schemas()) == sorted(f"{kind}.schema.json" for kind in KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schemas_are_draft_07(kind: str) -> None:
    schema = kind_schema(kind)
    assert next(iter(schema)) == "$schema" and schema["$schema"] == DRAFT_07
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    text = json.dumps(schema)
    assert "$defs" not in text
    for node in walk(schema):
        assert not {"gt", "ge", "lt", "le"} & set(node), node
        ref = node.get("$ref")
        if ref is not None:
            assert len(node) == 1, "draft-07 ignores siblings of $ref"
            assert ref.startswith("#/definitions/") and ref.split("/")[-1] in schema["definitions"]


def test_decimal_bounds_and_aliases() -> None:
    line = kind_schema("order")["definitions"]["OrderLine"]["properties"]
    assert "for" in line and "for_" not in line
    # a quantity is a number, never a string (ctb refuses "5"); money is a number or a decimal string
    assert line["quantity"] == {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10**15, "title": "Quantity"}
    stock_line = kind_schema("stock")["definitions"]["StockLine"]["properties"]
    assert stock_line["quantity"]["type"] == "number" and stock_line["quantity"]["minimum"] == 0
    money, none = line["unit_price"]["anyOf"]
    assert none == {"type": "null"}
    assert [b["type"] for b in money["anyOf"]] == ["number", "string"]
    assert money["anyOf"][1]["pattern"] == r"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"


def test_export_is_stable_text() -> None:
    first, second = export_schemas(), export_schemas()
    assert first == second
    assert all(text.endswith("}\n") for text in first.values())


def test_hint_paths_are_relative_to_the_file() -> None:
    assert schema_hint("ctb.yaml", "settings") == "# yaml-language-server: $schema=.ctb/schemas/settings.schema.json"
    assert schema_hint("parts/r1.yaml", "part").endswith("=../.ctb/schemas/part.schema.json")
    assert schema_hint("projects/vco/bom/v1.yaml", "bom").endswith("=../../../.ctb/schemas/bom.schema.json")


def test_export_command_writes_then_reports_up_to_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    assert main(["schema", "export", str(target)]) == 0
    assert capsys.readouterr().out.count("wrote ") == len(KINDS)
    assert {p.name: p.read_text() for p in target.iterdir()} == export_schemas()
    assert main(["schema", "export", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["schema", "export", str(target), "--check"]) == 0
    (target / "part.schema.json").write_text("{}\n")
    assert main(["schema", "export", str(target), "--check"]) == 1
    assert capsys.readouterr().out == f"out of date: {target / 'part.schema.json'}\n"


def test_export_defaults_to_schemas_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "export"]) == 0
    assert (tmp_path / "schemas" / "bom.schema.json").is_file()


def test_export_below_a_file_is_one_line_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("x\n")
    assert main(["schema", "export", str(tmp_path / "afile" / "sub")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ctb: cannot write the schemas to {tmp_path / 'afile' / 'sub'}: ")
    assert len(err.splitlines()) == 1


def test_export_over_a_folder_named_like_a_schema_leaves_no_temp_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out" / "part.schema.json").mkdir(parents=True)
    assert main(["schema", "export", str(tmp_path / "out")]) == 1
    assert "cannot write the schemas" in capsys.readouterr().err
    assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_export_to_an_empty_directory_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "export", ""]) == 2
    assert "DIRECTORY must not be empty" in capsys.readouterr().err
