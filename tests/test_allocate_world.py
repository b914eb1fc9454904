"""Tiny inventories for the allocation tests (helpers only; no tests here)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ctb_files.core.models.inventory import Inventory
from ctb_files.ops.builds.allocate import Plan
from ctb_files.ops.stock.ledger import line_key, line_states
from ctb_files.storage.loader import load_repo
from tests.conftest import write_tree

BASE = {
    "ctb.yaml": "ctb: 1\n",
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
}


def bom(*rows: str) -> str:
    return "project: p\nversion: v1\nrows:\n" + "".join(f"  - {row}\n" for row in rows)


def stock(*lines: str) -> str:
    return "lines:\n" + "".join(f"  - {line}\n" for line in lines)


def part(name: str, extra: str = "") -> dict[str, str]:
    return {f"parts/{name}.yaml": f"name: {name}\n{extra}"}


def build(quantity: int, extra: str = "") -> str:
    return f"project: p\nversion: v1\nquantity: {quantity}\n{extra}"


def load(root: Path, files: dict[str, str]) -> Inventory:
    write_tree(root, {**BASE, **files})
    result = load_repo(root)
    assert not result.errors, [d.render() for d in result.errors]
    return result.inventory


def apply(inv: Inventory, plans: dict[str, Plan]) -> None:
    """Put plans into the in-memory builds, as writing the files would."""
    for build_id, plan in plans.items():
        inv.builds[build_id] = inv.builds[build_id].model_copy(
            update={
                "status": plan.status,
                "reservations": plan.reservations,
                "shortages": plan.shortages,
                "assemblies": plan.assemblies,
            }
        )


def takes(plan: Plan) -> list[tuple[str, str, str, Decimal]]:
    """(reserved part, location, stock part, quantity) of every take."""
    return [(r.part, t.location, t.part, t.quantity) for r in plan.reservations for t in r.take]


def shorts(plan: Plan) -> list[tuple[str | None, Decimal]]:
    return [(s.part, s.quantity) for s in plan.shortages]


def available(inv: Inventory, location: str, part_id: str, bin_: str | None = None) -> Decimal:
    return line_states(inv)[line_key(location, part_id, bin_)].available


def on_hand(inv: Inventory, location: str, part_id: str, bin_: str | None = None) -> Decimal:
    return line_states(inv)[line_key(location, part_id, bin_)].on_hand
