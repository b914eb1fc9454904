"""The exported JSON Schemas judged by a real validator (jsonschema), agreeing with ctb.

Files are read as a YAML 1.1 reader sees them (PyYAML: unquoted dates and
times become timestamps) and handed to the validator as JSON, timestamps as
ISO text, which is what YAML-aware schema validators do.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ctb_files.cli import main
from ctb_files.core import paths as layout
from ctb_files.core.schema import HINT_PREFIX, export_schemas, schema_hint
from tests.conftest import write_tree

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "example-inventory"
SCHEMAS = {name: json.loads(text) for name, text in export_schemas().items()}


def as_json(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_json(v) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def schema_errors(rel: str, text: str) -> list[str]:
    key = layout.classify(rel)
    assert key is not None, rel
    validator = jsonschema.Draft7Validator(
        SCHEMAS[f"{key.kind}.schema.json"], format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    data = as_json(yaml.safe_load(text))
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def inventory_files(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if layout.classify(rel) is not None:
            out[rel] = path.read_text(encoding="utf-8")
    return out


def test_every_example_file_validates() -> None:
    files = inventory_files(EXAMPLE)
    assert len(files) == 51
    unquoted_dates = [rel for rel, text in files.items() if isinstance(yaml.safe_load(text), dict) and (
        "fetched_at: 20" in text or "due: 20" in text)]  # fmt: skip
    assert len(unquoted_dates) == 12  # timestamps to a YAML 1.1 reader, and still valid
    for rel, text in files.items():
        assert schema_errors(rel, text) == [], rel
        assert text.startswith(schema_hint(rel, layout.classify(rel).kind) + "\n"), rel  # type: ignore[union-attr]


def test_files_ctb_writes_validate_and_carry_the_hint(tmp_path: Path) -> None:
    root = tmp_path / "lab"
    assert main(["init", str(root), "--example", "-q"]) == 0
    shutil.copy(PROJECT / "tests/data/sync/vco-v1.csv", tmp_path / "vco.csv")
    before = set(inventory_files(root))
    for args in (
        ["build", "new", "vco", "v1", "2", "--id", "b2", "--due", "2027-01-15"],
        ["build", "clear", "--all"],
        ["order", "generate"],
        ["stock", "add", "r-1k", "5", "--location", "shelf"],
        ["bom", "import", str(tmp_path / "vco.csv"), "--project", "lfo", "--version", "v1"],
    ):
        assert main(["--repo", str(root), *args, "-q"]) == 0, args
    files = inventory_files(root)
    created = sorted(set(files) - before)
    assert "builds/b2.yaml" in created and "projects/lfo/bom/v1.yaml" in created
    assert "projects/lfo/project.yaml" in created and any(rel.startswith("orders/") for rel in created)
    assert any(rel.startswith("parts/mouser-") for rel in created)  # placeholder parts
    for rel in created:
        assert files[rel].startswith(HINT_PREFIX), rel
    for rel, text in files.items():
        assert schema_errors(rel, text) == [], rel


WRONG = [
    ("parts/r1.yaml", "name: R\nvendor_parts:\n  - {vendor: v, sku: s, price_breaks: [{quantity: 1, price: abc}]}\n",
     "CTB101"),
    ("parts/r1.yaml", 'name: R\nvendor_parts:\n  - {vendor: v, sku: s, price_breaks: [{quantity: 1, price: "-1"}]}\n',
     "CTB104"),
    ("stock/a.yaml", "lines:\n  - {part: r1, quantity: ten}\n", "CTB101"),
    ("stock/a.yaml", 'lines:\n  - {part: r1, quantity: "5"}\n', "CTB101"),
    ("stock/a.yaml", "lines:\n  - {part: r1, quantity: -1}\n", "CTB104"),
    ("projects/p/bom/v1.yaml", "project: p\nversion: v1\nrows:\n  - {part: r1, quantity: 1}\n", "CTB101"),
    ("builds/b1.yaml", "project: p\nversion: v1\nquantity: 1\ndue: next week\n", "CTB101"),
    ("orders/o1.yaml", "vendor: v\nlines:\n  - {part: r1, quantity: 1, unit_price: cheap}\n", "CTB101"),
    ("parts/r1.yaml", "name: R\ncolour: red\n", "CTB102"),
]  # fmt: skip


@pytest.mark.parametrize(("rel", "text", "code"), WRONG)
def test_ctb_check_and_the_schema_both_refuse(
    tmp_path: Path, rel: str, text: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = {
        "ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\n", "vendors/v.yaml": "name: V\n",
        "projects/p/project.yaml": "name: P\nversions: [{name: v1}]\n",
        "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, part: r1, quantity: 1}\n",
    }  # fmt: skip
    write_tree(tmp_path, {**world, rel: text})
    assert main(["check", "--repo", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{rel}:" in out and f" {code} " in out, out
    assert schema_errors(rel, text) != []
