"""Loader speed: ``load_repo`` against a baseline measured in the same run.

Baseline: reading every file and parsing it with the same fast YAML loader,
without validation.  The ratio says what validation and indexing cost on top
of the unavoidable parse.  Run: ``python bench/bench_load.py [PARTS]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen import best, generate  # noqa: E402
from ctb_files.checks import run_checks  # noqa: E402
from ctb_files.storage.loader import load_repo  # noqa: E402
from ctb_files.storage.tree import read_tree  # noqa: E402
from ctb_files.storage.yaml import load_fast  # noqa: E402


def main() -> None:
    parts = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "inv", parts=parts)
        files = read_tree(root)

        def baseline() -> None:
            for rel, data in read_tree(root).items():
                load_fast(data, rel)

        base = best(baseline)
        load = best(lambda: load_repo(root))
        inv = load_repo(root).inventory
        check = best(lambda: run_checks(inv))
        print(f"{len(files)} files")
        print(f"baseline read+parse : {base:.3f} s")
        print(f"load_repo           : {load:.3f} s  ({load / base:.2f}x baseline)")
        print(f"run_checks          : {check:.3f} s  ({check / base:.2f}x baseline)")


if __name__ == "__main__":
    main()
