"""A long history for benchmarks: thousands of commits of stock changes, BOM syncs and clears.

The repository is written with one ``git fast-import`` stream (seconds for
10,000 commits, where one ``git commit`` per change would take minutes).  It
starts from :func:`bench.gen.generate`'s inventory; then, per commit (hourly,
from 2020-01-01): 80% change the quantities of one to three parts in one stock
file, 10% rewrite a row of a BOM version (what ``project sync`` commits) and
10% change a build's quantity and priority with a stock change beside it (what
``build clear --commit`` touches).  Deterministic for a given size.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from bench.gen import generate

START = 1_577_836_800  # 2020-01-01T00:00:00Z
STEP = 3600


def make_history(root: Path, commits: int, parts: int, builds: int = 20) -> Path:
    """A git repository at ``root`` with ``commits`` commits; the working tree is checked out at the end."""
    source = generate(root.parent / (root.name + "-seed"), parts=parts, builds=builds)
    files = {p.relative_to(source).as_posix(): p.read_bytes() for p in sorted(source.rglob("*.yaml"))}
    rng = random.Random(11)
    stock = {
        rel: [_stock_line(line) for line in data.decode().splitlines()[1:]]
        for rel, data in files.items()
        if rel.startswith("stock/")
    }
    boms = {rel: data.decode().splitlines() for rel, data in files.items() if "/bom/" in rel}
    build_files = sorted(rel for rel in files if rel.startswith("builds/"))
    out: list[bytes] = []

    def commit(number: int, message: str, changed: dict[str, bytes]) -> None:
        out.append(f"commit refs/heads/main\nmark :{number}\n".encode())
        out.append(f"committer Bench <bench@example.com> {START + number * STEP} +0000\n".encode())
        out.append(_data(message.encode()))
        for rel, data in sorted(changed.items()):
            out.append(f"M 100644 inline {rel}\n".encode())
            out.append(_data(data))
        out.append(b"\n")

    commit(1, "inventory", files)
    stock_names = sorted(stock)
    bom_names = sorted(boms)
    for number in range(2, commits + 1):
        kind = rng.random()
        changed: dict[str, bytes] = {}
        if kind < 0.8 or kind >= 0.9:
            rel = rng.choice(stock_names)
            lines = stock[rel]
            for _ in range(rng.randint(1, 3)):
                line = rng.randrange(len(lines))
                lines[line] = (lines[line][0], max(0, lines[line][1] + rng.randint(-20, 20)))
            changed[rel] = _stock_text(lines)
        if 0.8 <= kind < 0.9:
            rel = rng.choice(bom_names)
            rows = boms[rel]
            row = rng.randrange(3, len(rows))
            head, _, _ = rows[row].rpartition(", part: ")
            rows[row] = f"{head}, part: p{rng.randrange(parts)}}}"
            changed[rel] = ("\n".join(rows) + "\n").encode()
            message = f"ctb: sync {rel}"
        elif kind >= 0.9:
            rel = rng.choice(build_files)
            text = files[rel].decode().splitlines()
            text[2] = f"quantity: {rng.randint(1, 5)}"
            text[3] = f"priority: {rng.randint(0, 2)}"
            files[rel] = ("\n".join(text) + "\n").encode()
            changed[rel] = files[rel]
            message = f"ctb: clear {rel}"
        else:
            message = f"ctb: stock {sorted(changed)[0]}"
        commit(number, message, changed)
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return root


def _stock_line(text: str) -> tuple[str, int]:
    part = text.split("part: ")[1].split(",")[0]
    return part, int(text.split("quantity: ")[1].rstrip("}"))


def _stock_text(lines: list[tuple[str, int]]) -> bytes:
    return ("lines:\n" + "".join(f"  - {{part: {p}, quantity: {q}}}\n" for p, q in lines)).encode()


def _data(payload: bytes) -> bytes:
    return f"data {len(payload)}\n".encode() + payload + b"\n"


def date_of(commit_number: int) -> str:
    """The committer date of commit ``commit_number`` (1-based), as ``ctb --at`` takes it."""
    import datetime

    when = datetime.datetime.fromtimestamp(START + commit_number * STEP, tz=datetime.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
