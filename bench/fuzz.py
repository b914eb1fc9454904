"""Mutation fuzzing of a whole inventory: hostile files must never crash, hang or write.

Each case copies the example inventory, mutates one to three of its files
(byte flips, hostile YAML snippets inserted or put in place of a value,
truncation, duplication, encodings and line endings), and runs the
commands a user would run on it, in this process through
``ctb_files.cli.main``.  A case fails when a command

* exits with anything but 0 or 1 (3 is "internal error"),
* prints a Python traceback,
* changes a byte of the repository while it only reads
  (``check``, ``fmt --check``, ``--dry-run``, ``bom show``), or
* takes longer than :data:`TIME_LIMIT` seconds.

The mutations are a pure function of a seed, so a failure is reproduced by
its seed alone; :func:`shrink` then drops mutations one at a time to print
the smallest list that still fails.

Run: ``python -m bench.fuzz --cases 10000 --seed 1`` (prints a summary;
exit 1 and a reproducer on the first failure).  ``tests/test_fuzz.py``
drives the same mutations from hypothesis at a small example count.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ctb_files.cli import main as ctb  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"
TIME_LIMIT = 10.0

#: commands that must leave the repository exactly as it was
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check",),
    ("fmt", "--check"),
    ("build", "clear", "--all", "--dry-run"),
    ("bom", "show", "vco:v1"),
)

#: YAML snippets a hostile or careless user might type, as values or whole lines
HOSTILE: tuple[str, ...] = (
    "!!timestamp 2025-01-01", "!!float 1.5", "!!binary aGVsbG8=", "!!python/object:os.system ls",
    "!custom x", "!!int 0x1F", "!!str 5", "!!map {a: 1}", "!!seq [1]", "!!set {a, b}", "!!omap [a: 1]",
    "&a [1, 2]", "*a", "*missing", "{<<: {a: 1}}", "<<: *a", "1e400", "-1e400", "1e-400",
    "99999999999999999999999", "0x7fffffffffffffffffff", "0o777777777777777777", "0b101", ".nan", ".inf",
    "-.inf", "NaN", "1_000", "1:30", "2025-13-45", "2025-01-01T25:61:61Z", "~", "null", "[]", "{}",
    "[[[[[[[[]]]]]]]]", "{a: {b: {c: [1, {d: 2}]}}}", "? [a, b]\n: c", "? {a: 1}\n: 2", "1: one",
    "true: yes", "null: nothing", "\"\\u0000\"", "\"\\x01\\x7f\"", "'\t'", "|\n  block", ">\n  folded",
    "\"\\ud800\"", "x" * 300, "é" * 100, "\U0001f600", "- item", "key: value", "  - nested", "---", "...",
    "%YAML 1.1\n---", "%TAG ! tag:example.com,2000:\n---", "\x00", "\x85", "\u2028", "\r", "\t\t",
    "-0", "+5", "0.0000000000000000000000001", "1E+9999999", "-", "?", ":", "&x &y 1", "!<tag:yaml.org,2002:str> a",
)  # fmt: skip

#: files to mutate first (they are what the commands read most)
FOCUS = ("stock/drawer-a.yaml", "builds/vco-batch-1.yaml", "projects/vco/bom/v1.yaml", "ctb.yaml")


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One change to one file: ``kind`` with its numbers, applied by :func:`apply`."""

    path: str
    kind: str
    a: int = 0
    b: int = 0
    snippet: int = 0

    def describe(self) -> str:
        extra = f" {HOSTILE[self.snippet % len(HOSTILE)]!r}" if self.kind in ("insert", "value") else ""
        return f"{self.path}: {self.kind}({self.a}, {self.b}){extra}"


KINDS = (
    "flip",
    "insert",
    "value",
    "number",
    "truncate",
    "duplicate",
    "bom",
    "utf16",
    "crlf",
    "cr",
    "nul",
    "repeat-key",
)


_NUMBER = re.compile(rb"\b(quantity|price|min_stock|multiple|min_order|priority|ctb): ([^,}\n#]+)")


def plan(seed: int, files: list[str]) -> list[Mutation]:
    """The mutations of case ``seed`` (a pure function of the seed and the file list)."""
    rng = random.Random(seed)
    out = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        path = rng.choice(FOCUS) if rng.random() < 0.5 else rng.choice(files)
        out.append(
            Mutation(path, rng.choice(KINDS), rng.randrange(1 << 16), rng.randrange(1 << 16), rng.randrange(1 << 16))
        )
    return out


def apply(data: bytes, mutation: Mutation) -> bytes:
    """``data`` after ``mutation``."""
    size = max(len(data), 1)
    at = mutation.a % size
    snippet = HOSTILE[mutation.snippet % len(HOSTILE)].encode("utf-8")
    kind = mutation.kind
    if kind == "flip":
        return data[:at] + bytes([mutation.b % 256]) + data[at + 1 :]
    if kind == "insert":
        start = data.rfind(b"\n", 0, at) + 1
        return data[:start] + snippet + b"\n" + data[start:]
    if kind == "value":
        # put the snippet where the value of the n-th "key: value" is
        lines = data.split(b"\n")
        keyed = [i for i, line in enumerate(lines) if b": " in line]
        if not keyed:
            return data + b"\nx: " + snippet + b"\n"
        index = keyed[mutation.a % len(keyed)]
        head = lines[index].split(b": ", 1)[0]
        lines[index] = head + b": " + snippet
        return b"\n".join(lines)
    if kind == "number":
        # put the snippet in place of the n-th quantity, price or count, inside its flow mapping
        found = list(_NUMBER.finditer(data))
        if not found:
            return data
        match = found[mutation.a % len(found)]
        return data[: match.start(2)] + snippet.replace(b"\n", b" ") + data[match.end(2) :]
    if kind == "truncate":
        return data[:at]
    if kind == "duplicate":
        end = min(len(data), at + 1 + mutation.b % 400)
        return data[:end] + data[at:end] + data[end:]
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n", 1 + mutation.b % 5)
    if kind == "cr":
        return data.replace(b"\n", b"\r")
    if kind == "nul":
        return data[:at] + b"\x00" + data[at:]
    if kind == "repeat-key":
        lines = data.split(b"\n")
        index = mutation.a % max(len(lines), 1)
        return b"\n".join([*lines[: index + 1], *([lines[index]] * (1 + mutation.b % 3000)), *lines[index + 1 :]])
    raise ValueError(kind)


def example_files() -> list[str]:
    return sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*.yaml"))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (names and bytes) except the lock file."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name not in (".ctb.lock",)
    }


@contextlib.contextmanager
def captured() -> Iterator[io.StringIO]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        yield out


@dataclasses.dataclass
class Outcome:
    command: tuple[str, ...]
    status: int
    seconds: float
    output: str
    wrote: list[str]

    def problem(self) -> str | None:
        if self.status not in (0, 1):
            return f"exit {self.status}"
        if "Traceback" in self.output:
            return "traceback"
        if self.wrote:
            return "wrote " + ", ".join(self.wrote)
        if self.seconds > TIME_LIMIT:
            return f"took {self.seconds:.1f} s"
        return None


def run_case(mutations: list[Mutation], workdir: Path) -> list[Outcome]:
    """Mutate a fresh copy of the example inventory and run every command on it."""
    root = workdir / "inv"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EXAMPLE, root)
    for mutation in mutations:
        target = root / mutation.path
        target.write_bytes(apply(target.read_bytes(), mutation))
    outcomes = []
    for command in COMMANDS:
        before = snapshot(root)
        start = time.perf_counter()
        with captured() as out:
            status = ctb([*command, "--repo", str(root)])
        seconds = time.perf_counter() - start
        after = snapshot(root)
        wrote = sorted(rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel))
        outcomes.append(Outcome(command, status, seconds, out.getvalue(), wrote))
    return outcomes


def failure(mutations: list[Mutation], workdir: Path) -> Outcome | None:
    for outcome in run_case(mutations, workdir):
        if outcome.problem() is not None:
            return outcome
    return None


def shrink(mutations: list[Mutation], workdir: Path) -> list[Mutation]:
    """Drop mutations one at a time while the case still fails."""
    current = list(mutations)
    changed = True
    while changed and len(current) > 1:
        changed = False
        for index in range(len(current)):
            trial = current[:index] + current[index + 1 :]
            if failure(trial, workdir) is not None:
                current = trial
                changed = True
                break
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep-going", action="store_true", help="report every failing case, not only the first")
    args = parser.parse_args(argv)
    files = example_files()
    print(f"fuzz: seed {args.seed}, {args.cases} cases", flush=True)
    failures = 0
    slowest = 0.0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ctb-fuzz-") as tmp:
        workdir = Path(tmp)
        for number in range(args.cases):
            case_seed = args.seed * 1_000_003 + number
            mutations = plan(case_seed, files)
            outcomes = run_case(mutations, workdir)
            slowest = max([slowest, *(o.seconds for o in outcomes)])
            bad = next((o for o in outcomes if o.problem() is not None), None)
            if (number + 1) % 500 == 0:
                print(f"  {number + 1} cases, {failures} failing", flush=True)
            if bad is None:
                continue
            failures += 1
            small = shrink(mutations, workdir)
            print(f"FAIL case {number} (case seed {case_seed}): {' '.join(bad.command)}: {bad.problem()}")
            print("  minimal reproducer:")
            for mutation in small:
                print(f"    {mutation}")
            print("  output: " + bad.output.strip().replace("\n", "\n          ")[-2000:])
            if not args.keep_going:
                return 1
    elapsed = time.perf_counter() - started
    print(f"fuzz: {args.cases} cases, {failures} failing, slowest command {slowest:.2f} s, {elapsed:.0f} s in all")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
