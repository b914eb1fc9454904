"""BOM views and diff on a 6-level assembly with about 2,000 indented rows.

Baseline: loading the repository (``load_repo``) in the same run; measured:
``--indented``, ``--totals`` and a diff between two versions of the top
assembly (one quantity changed deep down).  Run: ``python bench/bench_bom.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen import best  # noqa: E402
from ctb_files.ops.bom.diff import compare, flatten_view  # noqa: E402
from ctb_files.ops.bom.tree import InventoryCatalog, parse_target  # noqa: E402
from ctb_files.ops.bom.views import build_view  # noqa: E402
from ctb_files.storage.loader import load_repo  # noqa: E402

FANOUT = 4  # children per assembly; 4 + 16 + … + 4**5 ≈ 1,364 assemblies' rows, plus leaves


def write(root: Path, top: str, changed: bool) -> None:
    """Levels 1-5 are assemblies with FANOUT children; level 6 are leaves."""
    parts = root / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    (root / "ctb.yaml").write_text("ctb: 1\n")
    count = 0

    def make(name: str, level: int) -> None:
        nonlocal count
        if level == 6:
            (parts / f"{name}.yaml").write_text(f"name: {name}\nunit: m\n")
            return
        lines = []
        for i in range(FANOUT):
            child = f"{name}-{i}"
            qty = 3 if changed and child == f"{top}-0-0-0-0-0" else 2
            unit = " unit: mm," if level == 5 else ""
            lines.append(f"  - {{part: {child}, quantity: {qty},{unit} order: {10 * (i + 1)}}}\n")
            make(child, level + 1)
            count += 1
        (parts / f"{name}.yaml").write_text(f"name: {name}\nbom:\n" + "".join(lines))

    make(top, 0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "inv"
        write(root, "a", changed=False)
        write(root, "b", changed=True)
        load = best(lambda: load_repo(root))
        cat = InventoryCatalog(load_repo(root).inventory)
        a, b = parse_target("a"), parse_target("b")
        rows = len(build_view(cat, a, "indented").rows)
        indented = best(lambda: build_view(cat, a, "indented"))
        totals = best(lambda: build_view(cat, a, "totals"))
        old, new = flatten_view(build_view(cat, a, "indented")), flatten_view(build_view(cat, b, "indented"))
        diff = best(lambda: compare(old, new, "a", "b"))
        print(f"{rows} indented rows, 6 levels")
        print(f"load_repo (baseline) : {load:.3f} s")
        print(f"bom show --indented  : {indented:.3f} s  ({indented / load:.2f}x load)")
        print(f"bom show --totals    : {totals:.3f} s  ({totals / load:.2f}x load)")
        print(f"bom diff             : {diff:.3f} s  ({diff / load:.2f}x load)")


if __name__ == "__main__":
    main()
