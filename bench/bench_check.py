"""``ctb check`` speed on a large repository, against a baseline measured in the same run.

Baseline: reading every inventory file and parsing it with PyYAML's stock
C-backed safe loader (``yaml.load(..., CSafeLoader)``), no validation and no
checks: the least any YAML-reading tool pays for these files.  Measured: the
loader (``load_repo``: parse, validate, index), the cross-file checks
(``run_checks``) and the whole command (``ctb check -q``, in this process).
Each is the best of a few runs, printed with its ratio to the baseline, so a
busy machine changes the seconds more than the ratios.

Run: ``python bench/bench_check.py [PARTS]`` (default 20,000 parts, about
20,200 files).
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen import best, generate  # noqa: E402
from ctb_files.checks import run_checks  # noqa: E402
from ctb_files.cli import main as ctb  # noqa: E402
from ctb_files.storage.loader import load_repo  # noqa: E402
from ctb_files.storage.tree import read_tree  # noqa: E402


def main() -> None:
    parts = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "inv", parts=parts)
        count = len(read_tree(root))

        def baseline() -> None:
            for data in read_tree(root).values():
                yaml.load(data, Loader=yaml.CSafeLoader)  # noqa: S506 - the stock safe loader

        def command() -> None:
            with contextlib.redirect_stderr(io.StringIO()):
                status = ctb(["--repo", str(root), "check", "-q"])
            if status != 0:
                raise SystemExit(f"ctb check exited {status} on the generated repository")

        base = best(baseline)
        load = best(lambda: load_repo(root))
        inv = load_repo(root).inventory
        checks = best(lambda: run_checks(inv))
        whole = best(command)
        print(f"{count} files")
        print(f"baseline: read + PyYAML CSafeLoader : {base:6.2f} s")
        for name, seconds in (("load_repo", load), ("run_checks", checks), ("ctb check", whole)):
            print(f"{name:<36}: {seconds:6.2f} s  {seconds / base:5.2f}x baseline")


if __name__ == "__main__":
    main()
