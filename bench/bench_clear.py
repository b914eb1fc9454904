"""Clearing speed: 200 builds over 5,000 parts against loading the repository.

Baseline: ``load_repo`` of the same repository in the same run.  Measured:
the pure engine (``clear_all`` on the loaded inventory) and the whole command
``ctb build clear --all`` (load, plan, write 200 build files).  The target is
a ratio near 1-2x the load, not minutes.  Run: ``python bench/bench_clear.py``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen import best, generate  # noqa: E402
from ctb_files.cli import main as ctb  # noqa: E402
from ctb_files.ops.builds.clearing import clear_all  # noqa: E402
from ctb_files.storage.loader import load_repo  # noqa: E402


def main() -> None:
    parts = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    builds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "inv", parts=parts, builds=builds)
        load = best(lambda: load_repo(root))
        inv = load_repo(root).inventory
        engine = best(lambda: clear_all(inv))
        runs = []
        for i in range(2):
            copy = Path(tmp) / f"run{i}"
            shutil.copytree(root, copy)
            runs.append(best(lambda copy=copy: ctb(["--repo", str(copy), "build", "clear", "--all", "-q"]), repeat=1))
        again = best(lambda: ctb(["--repo", str(Path(tmp) / "run0"), "build", "clear", "--all", "-q"]), repeat=1)
        command = min(runs)
        print(f"{parts} parts, {builds} builds")
        print(f"load_repo (baseline)        : {load:.3f} s")
        print(f"engine: clear_all           : {engine:.3f} s  ({engine / load:.2f}x load)")
        print(f"ctb build clear --all       : {command:.3f} s  ({command / load:.2f}x load)")
        print(f"again, nothing to change    : {again:.3f} s  ({again / load:.2f}x load)")


if __name__ == "__main__":
    main()
