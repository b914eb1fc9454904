"""Rules with one home: commands that show the same thing show it the same way.

A vendor ``eu`` with ``currency: EUR`` and a vendor part with no currency of
its own: every command that shows that price or an order at that vendor says
EUR.  Money 0.125 is the same string everywhere; JSON money is an exact
decimal string everywhere, review included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.core.text import money, money_exact
from tests.conftest import commit_all, write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\nname: Euro lab\n",
    "vendors/eu.yaml": "name: Euro parts\ncurrency: EUR\n",
    "parts/r1.yaml": """\
        name: R1
        vendor_parts:
          - {vendor: eu, sku: EU-R1, price_breaks: [{quantity: 1, price: "0.10"}]}
        """,
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 1, part: r1}\n",
    "builds/b1.yaml": "project: p\nversion: v1\nquantity: 1\n",
}

ORDER = 'vendor: eu\nstatus: open\nlines:\n  - {part: r1, sku: EU-R1, quantity: 8, unit_price: "0.125"}\n'


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main([*args, "--repo", str(root)])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def test_a_price_is_in_the_vendors_currency_in_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, WORLD)
    assert "1+ 0.10 EUR" in run(tmp_path, capsys, "part", "show", "r1")
    cost = run(tmp_path, capsys, "cost", "p", "v1")
    assert "to buy EUR 0.10 for 1; unit EUR 0.10\nused EUR 0.10 for 1; unit EUR 0.10\n" in cost
    assert "to buy EUR 0.10 for 1; unit EUR 0.10" in run(tmp_path, capsys, "build", "show", "b1")
    assert "to buy EUR 0.10 for 1" in run(tmp_path, capsys, "bom", "show", "p:v1", "--cost", "1")
    doc = json.loads(run(tmp_path, capsys, "cost", "p", "v1", "--format", "json"))
    assert doc["totals"]["EUR"]["total"] == "0.10"


def test_an_order_total_is_the_same_text_in_order_show_and_review(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, WORLD)
    commit_all(git_repo, "start")
    write_tree(git_repo, {"orders/eu-1.yaml": ORDER})
    # 8 × 0.125 = 1.000; an order of 1 at 0.125 shows 0.125 in both
    show = run(git_repo, capsys, "order", "show", "eu-1")
    assert show.endswith("total EUR 1.00\n")
    assert "0.125" in show
    review = run(git_repo, capsys, "review", "HEAD")
    assert "| eu-1 | eu | new, open | 1 | 1.00 EUR |" in review
    doc = json.loads(run(git_repo, capsys, "review", "HEAD", "--format", "json"))
    assert [(o["total"], o["currency"]) for o in doc["orders"]] == [("1.00", "EUR")]
    order_doc = json.loads(run(git_repo, capsys, "order", "show", "eu-1", "--format", "json"))
    assert (order_doc["total"], order_doc["currency"]) == ("1.00", "EUR")


def test_0_125_is_one_string_everywhere(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert money(Decimal("0.125")) == money_exact(Decimal("0.125")) == "0.125"
    write_tree(git_repo, WORLD)
    commit_all(git_repo, "start")
    write_tree(git_repo, {"orders/eu-1.yaml": ORDER.replace("quantity: 8", "quantity: 1")})
    assert run(git_repo, capsys, "order", "show", "eu-1").endswith("total EUR 0.125\n")
    assert "| eu-1 | eu | new, open | 1 | 0.125 EUR |" in run(git_repo, capsys, "review", "HEAD")
    assert "eu-1  eu      open                1  0.125  EUR" in run(git_repo, capsys, "order", "list")
    doc = json.loads(run(git_repo, capsys, "review", "HEAD", "--format", "json"))
    assert doc["orders"][0]["total"] == "0.125"


def test_no_posix_only_module_is_needed(tmp_path: Path) -> None:
    """Every module imports, and ``ctb check`` runs on the example, with fcntl unimportable (as on Windows)."""
    script = f"""
import builtins, importlib, pkgutil, sys
real = builtins.__import__
def guarded(name, *args, **kwargs):
    if name.split(".")[0] in ("fcntl", "termios", "pwd", "grp", "resource"):
        raise ImportError("no module named " + name)
    return real(name, *args, **kwargs)
builtins.__import__ = guarded
for name in ("fcntl", "termios", "pwd", "grp", "resource"):
    sys.modules.pop(name, None)
import ctb_files
for info in pkgutil.walk_packages(ctb_files.__path__, "ctb_files."):
    if info.name != "ctb_files.__main__":  # it runs the command
        importlib.import_module(info.name)
from ctb_files.cli import main
raise SystemExit(main(["init", {str(tmp_path / "inv")!r}, "--example"]) or main(["check", "--repo", {str(tmp_path / "inv")!r}]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
