"""Generate a large synthetic inventory for benchmarks (deterministic)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path


def generate(
    root: Path, parts: int = 5000, locations: int = 10, builds: int = 200, rows: int = 60, projects: int = 1
) -> Path:
    """``parts`` parts stocked over ``locations`` files; ``projects`` projects of 4 BOM versions of
    ``rows`` rows (the first is called ``big``); ``builds`` builds spread over every project version."""
    rng = random.Random(7)
    root.mkdir(parents=True, exist_ok=True)
    (root / "ctb.yaml").write_text("ctb: 1\nname: bench\ndefault_location: loc-0\n")
    for folder in ("parts", "stock", "builds", "projects/big/bom", "vendors", "packages"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "vendors/mouser.yaml").write_text("name: Mouser\napi: mouser\n")
    (root / "packages/r-0805.yaml").write_text("name: '0805'\nfootprints: [Resistor_SMD:R_0805_2012Metric]\n")
    for i in range(parts):
        eq = f"equivalents: [p{i + 1}]\n" if i % 10 == 0 and i + 1 < parts else ""
        (root / f"parts/p{i}.yaml").write_text(
            f"name: Part {i}\nvalue: {i}k\nsymbol: R\npackage: r-0805\n{eq}"
            f"vendor_parts:\n  - vendor: mouser\n    sku: 603-P{i}\n"
            f"    price_breaks:\n      - {{quantity: 1, price: '0.10'}}\n      - {{quantity: 100, price: '0.012'}}\n"
        )
    per_loc: dict[int, list[str]] = {}
    for i in range(parts):
        per_loc.setdefault(i % locations, []).append(f"  - {{part: p{i}, quantity: {rng.randint(0, 400)}}}\n")
    for loc, lines in per_loc.items():
        (root / f"stock/loc-{loc}.yaml").write_text("lines:\n" + "".join(lines))
    versions = "".join(f"  - {{name: v{v}}}\n" for v in range(4))
    names = [project_name(j) for j in range(projects)]
    for name in names:
        (root / f"projects/{name}/bom").mkdir(parents=True, exist_ok=True)
        (root / f"projects/{name}/project.yaml").write_text(f"name: {name.title()}\nversions:\n{versions}")
        for v in range(4):
            body = "".join(
                f"  - {{line: {r + 1}, refs: [R{r + 1}], quantity: {rng.randint(1, 4)}, part: p{rng.randrange(parts)}}}\n"
                for r in range(rows)
            )
            (root / f"projects/{name}/bom/v{v}.yaml").write_text(f"project: {name}\nversion: v{v}\nrows:\n{body}")
    for b in range(builds):
        name = names[(b // 4) % projects]
        (root / f"builds/b{b:03d}.yaml").write_text(
            f"project: {name}\nversion: v{b % 4}\nquantity: {rng.randint(1, 5)}\npriority: {b % 3}\n"
        )
    return root


def project_name(index: int) -> str:
    return "big" if index == 0 else f"prj{index}"


def best(func: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs of ``func``, in seconds (the least disturbed by a busy machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)
