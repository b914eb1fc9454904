"""Every file a ctb command writes is already in ``ctb fmt`` form, so the ctb-fmt hook never fails ctb's commits."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

import ctb_files.cli.vendor as vendor_cli
from ctb_files.cli import main
from tests.conftest import commit_all, git

PROJECT = Path(__file__).resolve().parents[1]
SYNC = PROJECT / "tests" / "data" / "sync"
POPULATE = PROJECT / "tests" / "data" / "populate"

# (command, files it must have written): run one after another on the example
STEPS: list[tuple[list[str], list[str]]] = [
    (["build", "new", "vco", "v1", "1", "--id", "one"], ["builds/one.yaml"]),
    (["build", "clear", "one"], ["builds/one.yaml"]),
    (["build", "complete", "one"], ["builds/one.yaml", "stock/shelf.yaml"]),
    (["build", "new", "vco", "v1", "2", "--id", "vco-batch-2"], ["builds/vco-batch-2.yaml"]),
    (["build", "clear", "vco-batch-1"], ["builds/vco-batch-1.yaml"]),
    (["build", "clear", "--all"], ["builds/vco-batch-2.yaml"]),
    (["build", "cancel", "vco-batch-2"], ["builds/vco-batch-2.yaml"]),
    (["stock", "add", "knob-davies", "20", "--location", "shelf"], ["stock/shelf.yaml"]),
    (["stock", "set", "r-10k", "30", "--location", "drawer-a", "--bin", "A5"], ["stock/drawer-a.yaml"]),
    (["stock", "move", "r-1k", "5", "--from", "drawer-a", "--from-bin", "A3", "--to", "shelf"],
     ["stock/drawer-a.yaml", "stock/shelf.yaml"]),
    (["order", "generate"], []),
    (["order", "place", "mouser-open", "--number", "PO-1"], ["orders/mouser-open.yaml"]),
    (["order", "receive", "mouser-open", "--location", "shelf"], ["orders/mouser-open.yaml", "stock/shelf.yaml"]),
    (["bom", "add", "pcb-vco-v1", "r-1k", "2", "--refs", "R90 R91"], ["parts/pcb-vco-v1.yaml"]),
    (["bom", "set", "vco:v1", "1", "assembly_note=check polarity"], ["projects/vco/bom/v1.yaml"]),
    (["bom", "import", "{root}/boms/vco.csv", "--project", "vco", "--version", "v2"], ["projects/vco/bom/v2.yaml"]),
    (["project", "sync", "synth", "--version", "v1"], ["projects/synth/bom/v1.yaml"]),
    (["order", "cancel", "tayda-1"], ["orders/tayda-1.yaml"]),
    (["stock", "remove", "knob-davies", "3", "--location", "shelf", "--reason", "dropped"], ["stock/shelf.yaml"]),
    (["stock", "count", "--location", "drawer-a", "--line", "r-10k@A5=28"], ["stock/drawer-a.yaml"]),
    (["stock", "import", "{root}/boms/packing.csv", "--location", "bench", "--new-location"], ["stock/bench.yaml"]),
    (["package", "new", "sot-23", "--name", "SOT-23", "--technology", "smd",
      "--footprint", "Package_TO_SOT_SMD:SOT-23"], ["packages/sot-23.yaml"]),
    (["vendor", "new", "lcsc", "--name", "LCSC", "--currency", "USD"], ["vendors/lcsc.yaml"]),
    (["part", "new", "bat54s", "--name", "BAT54S diode", "--value", "BAT54S", "--symbol", "D", "--package", "sot-23",
      "--vendor", "lcsc", "--sku", "C19726", "--mpn", "BAT54SLT1G", "--min-stock", "20"], ["parts/bat54s.yaml"]),
    (["project", "new", "lfo", "--name", "LFO", "--path", "boms/vco.csv", "--version", "v1=main"],
     ["projects/lfo/project.yaml"]),
]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "lab"
    assert main(["init", str(root), "--example", "-q"]) == 0
    (root / "boms").mkdir()
    shutil.copy(SYNC / "vco-v1.csv", root / "boms" / "vco.csv")
    (root / "boms" / "packing.csv").write_text("part,quantity,bin\nr-1k,10,B1\nknob-davies,4,\n")
    (root / "projects" / "synth").mkdir()
    (root / "projects" / "synth" / "project.yaml").write_text(
        "name: Synth\nsource: {path: boms/vco.csv}\nversions: [{name: v1, ref: main}]\n"
    )
    commit_all(root, "csv and a path-source project")
    return root


def fmt_check(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    status = main(["fmt", "--check", "--repo", str(root)])
    out = capsys.readouterr()
    return "" if status == 0 else out.out + out.err


def test_every_writing_command_writes_fmt_form(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fmt_check(example, capsys) == ""
    for args, expected in STEPS:
        capsys.readouterr()
        status = main(["--repo", str(example), *(a.replace("{root}", str(example)) for a in args)])
        err = capsys.readouterr().err
        assert status == 0, (args, err)
        changed = git(example, "status", "--porcelain", "--untracked-files=all")
        for rel in expected:
            assert rel in changed, (args, changed)
        assert fmt_check(example, capsys) == "", args
        commit_all(example, " ".join(args))
    orders = [p.name for p in (example / "orders").iterdir()]
    assert len(orders) >= 2, orders  # order generate wrote a new order too


def test_vendor_populate_writes_fmt_form(example: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    answer = (POPULATE / "single_hit.json").read_bytes().replace(b"595-TL074CDR", b"595-TL074CN")
    handler: Callable[[httpx.Request], httpx.Response] = lambda request: httpx.Response(  # noqa: E731
        200, content=answer, headers={"Content-Type": "application/json"}
    )
    monkeypatch.setattr(vendor_cli, "http_client", lambda: httpx.Client(
        base_url="https://api.mouser.com", transport=httpx.MockTransport(handler)))  # fmt: skip
    monkeypatch.setattr(vendor_cli, "sleep", lambda seconds: None)
    monkeypatch.setattr(vendor_cli, "now", lambda: datetime(2026, 11, 1, 12, tzinfo=UTC))
    monkeypatch.setenv("MOUSER_API_KEY", "test-key")
    assert main(["--repo", str(example), "vendor", "populate", "tl074-dip", "--format", "json"]) == 0, capsys.readouterr()
    assert "parts/tl074-dip.yaml" in git(example, "status", "--porcelain")
    assert fmt_check(example, capsys) == ""
