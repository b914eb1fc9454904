"""``python -m bench``: every benchmark at one size, one table of ratios.

Each command runs in a fresh process, as a user runs it, and is compared with
a baseline measured in the same run on the same repository:

* ``parse``: a fresh Python that reads every YAML file of the repository and
  parses it with PyYAML's libyaml loader (``CSafeLoader``), nothing else;
* ``git log -p`` of the paths a history command reads, or one ``git show``
  of the blobs it reads.

Times are the best of ``--repeat`` runs; the ratio is what to compare across
machines.  Peak memory is the child's maximum resident set size.
Run: ``python -m bench [--parts N] [--commits N] [--builds N] [--only NAME]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen import (  # noqa: E402
    generate,
    generate_bins,
    generate_deep,
    generate_digits,
    generate_marked,
    generate_mixed,
    generate_pyyaml,
    generate_shared,
)  # fmt: skip
from bench.history import date_of, make_history  # noqa: E402

PARSE = """
import os, sys, yaml
for top in sys.argv[1:]:
    for folder, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith(".yaml"):
                with open(os.path.join(folder, name), "rb") as handle:
                    yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""


@dataclass
class Row:
    name: str
    baseline: str
    base_seconds: float
    seconds: float
    peak_mib: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.base_seconds if self.base_seconds else float("nan")


def child(args: list[str], cwd: Path | None = None, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run one process to the end: (seconds, peak resident MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{err.decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def best(run: Callable[[], tuple[float, float]], repeat: int, before: Callable[[], None] | None = None) -> tuple[float, float]:
    """The fastest of ``repeat`` runs (``before`` runs untimed ahead of each), and the largest peak."""
    times, peaks = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        seconds, peak = run()
        times.append(seconds)
        peaks.append(peak)
    return min(times), max(peaks)


def ctb(repo: Path, *args: str, ok: tuple[int, ...] = (0,), no_cache: bool = False) -> Callable[[], tuple[float, float]]:
    env = dict(os.environ)
    env.pop("CTB_NO_CACHE", None)
    if no_cache:
        env["CTB_NO_CACHE"] = "1"
    return lambda: child([sys.executable, "-m", "ctb_files", "--repo", str(repo), *args], ok=ok, env=env)


def drop_cache(repo: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(repo / ".git" / "ctb", ignore_errors=True)


def raising(path: Path, pattern: bytes, counter: Iterator[int]) -> Callable[[], None]:
    """An edit that writes ``path`` with the first number ``pattern`` captures raised by one more each time."""
    text = path.read_bytes()
    found = re.search(pattern, text, re.MULTILINE)
    assert found is not None, (path, pattern)

    def edit() -> None:
        raised = str(int(found.group(1)) + 1 + next(counter)).encode()
        path.write_bytes(text[: found.start(1)] + raised + text[found.end(1) :])

    return edit


def git_init(repo: Path) -> None:
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=repo, check=True)


def inventory_rows(tmp: Path, parts: int, builds: int, repeat: int, only: str | None, shape: str = "plain") -> list[Row]:
    make = {
        "bins": generate_bins, "shared": generate_shared, "mixed": generate_mixed, "deep": generate_deep,
        "pyyaml": generate_pyyaml, "marked": generate_marked, "digits": generate_digits,
    }.get(shape, generate)  # fmt: skip
    repo = make(tmp / "inv", parts=parts, builds=builds, projects=max(1, parts // 100))
    git_init(repo)
    parse = best(lambda: child([sys.executable, "-c", PARSE, str(repo)]), repeat)
    rows: list[Row] = []

    def add(name: str, measured: tuple[float, float], base: tuple[float, float] = parse, label: str = "parse") -> None:
        rows.append(Row(name, label, base[0], measured[0], measured[1]))

    def wanted(name: str) -> bool:
        return only is None or only in name

    if wanted("import"):
        add("import ctb (floor)", best(lambda: child([sys.executable, "-c", "import ctb_files.cli.check"]), repeat))
    if wanted("check"):
        add("check cold", best(ctb(repo, "check", "-q"), repeat, drop_cache(repo)))
        add("check --no-cache", best(ctb(repo, "check", "-q", no_cache=True), repeat))
        ctb(repo, "check", "-q")()
        add("check warm", best(ctb(repo, "check", "-q"), repeat))
        target = sorted((repo / "parts").iterdir())[1]
        original = target.read_bytes()
        counter = iter(range(10**6))

        def touch() -> None:
            target.write_bytes(original + f"notes: edit {next(counter)}\n".encode())

        add("check warm, 1 file changed", best(ctb(repo, "check", "-q"), repeat, touch))
        target.write_bytes(original)
        # numbers a check may read, each raised by one more on every run: a stock count (as a stock
        # intake writes it), a BOM row's count, a build's quantity (a clear reads it, no check does)
        edits = (
            ("check warm, 1 count changed", sorted((repo / "stock").iterdir())[0], rb"quantity: ([0-9]+)"),
            ("check warm, 1 BOM count changed", sorted((repo / "projects").glob("*/bom/*.yaml"))[0], rb"quantity: ([0-9]+)"),
            ("check warm, 1 build changed", sorted((repo / "builds").iterdir())[0], rb"^quantity: ([0-9]+)$"),
            # a vendor part's price, as a price refresh writes it (read by orders and costing, no check)
            ("check warm, 1 price changed", sorted((repo / "parts").iterdir())[2], rb"price: '?0\.([0-9]+)"),
        )
        for name, path, pattern in edits:
            before = path.read_bytes()
            if re.search(pattern, before, re.MULTILINE) is None:
                continue  # a shape without it (the shared shape's parts have no vendor parts)
            add(name, best(ctb(repo, "check", "-q"), repeat, raising(path, pattern, counter)))
            path.write_bytes(before)  # the clears below start from the generated files
            ctb(repo, "check", "-q")()  # and the next row from a full answer for them
        # a price refresh of 200 parts, as ``ctb vendor populate`` writes one
        priced = [path for path in sorted((repo / "parts").iterdir())[10:] if b"price: '0." in path.read_bytes()][:200]
        if priced:
            originals = {path: path.read_bytes() for path in priced}

            def refresh() -> None:
                cents = f"price: '0.0{next(counter) % 10}".encode()
                for path, text in originals.items():
                    path.write_bytes(text.replace(b"price: '0.", cents, 1))

            add(f"check warm, {len(priced)} prices changed", best(ctb(repo, "check", "-q"), repeat, refresh))
            for path, text in originals.items():
                path.write_bytes(text)
            ctb(repo, "check", "-q")()
        # a line appended, as ``ctb stock add`` appends a part at a new bin
        stock = sorted((repo / "stock").iterdir())[0]
        stocked = stock.read_bytes()
        part = sorted((repo / "parts").iterdir())[0].stem

        at_key = stocked.startswith(b"lines:\n- ") or b"\nlines:\n- " in stocked  # PyYAML's column
        tail = re.search(rb"(?m)^[A-Za-z_]\w*: [^\n]*\n\Z", stocked)  # PyYAML sorts a name after the lines
        end = tail.start() if tail is not None and at_key else len(stocked)

        def add_line() -> None:
            row = f"{{part: {part}, quantity: 5, bin: NEW{next(counter)}}}\n".encode()
            stock.write_bytes(stocked[:end] + (b"- " if at_key else b"  - ") + row + stocked[end:])

        add("check warm, 1 line added", best(ctb(repo, "check", "-q"), repeat, add_line))
        stock.write_bytes(stocked)
        ctb(repo, "check", "-q")()
        # a line taken out (a bin emptied and dropped; the generated builds hold nothing yet), another each run
        lines = stocked.splitlines(keepends=True)
        listed = [i for i, line in enumerate(lines) if b"part:" in line and line.lstrip().startswith(b"- {")]

        def drop_line() -> None:
            gone = listed[next(counter) % len(listed)]
            stock.write_bytes(b"".join(line for i, line in enumerate(lines) if i != gone))

        if listed:
            add("check warm, 1 line removed", best(ctb(repo, "check", "-q"), repeat, drop_line))
            stock.write_bytes(stocked)
            ctb(repo, "check", "-q")()
        # two ``ctb stock add`` one after the other, then the check a commit runs: the second command's load
        # must not lose the version of the stock file the full check read
        first_line = first_stock_line(stocked)
        if first_line is not None:
            where = ["--location", stock.stem, *(["--bin", first_line[1]] if first_line[1] else [])]
            adding = ctb(repo, "stock", "add", first_line[0], "1", *where, "-q")

            def two_adds() -> None:
                adding()
                adding()

            add("check warm, after 2 stock adds", best(ctb(repo, "check", "-q"), repeat, two_adds))
            stock.write_bytes(stocked)
            ctb(repo, "check", "-q")()
        # a BOM row's part changed to another known part, as a BOM sync writes it (another part each run)
        bom = sorted((repo / "projects").glob("*/bom/*.yaml"))[0]
        listed_bom = bom.read_bytes()
        first_part = re.search(rb"part: ([\w.+-]+)\}", listed_bom)
        ids = [path.stem for path in sorted((repo / "parts").iterdir())[:50]]
        if first_part is not None:

            def swap_part() -> None:
                other = ids[next(counter) % len(ids)].encode()
                bom.write_bytes(listed_bom.replace(first_part.group(0), b"part: " + other + b"}", 1))

            add("check warm, 1 BOM row changed", best(ctb(repo, "check", "-q"), repeat, swap_part))
            bom.write_bytes(listed_bom)
            ctb(repo, "check", "-q")()
        # a new part file, as ``ctb part new`` writes it (another each run)
        made: list[Path] = []

        def new_part() -> None:
            for path in made:
                path.unlink()
            made[:] = [repo / "parts" / f"zz-new-{next(counter)}.yaml"]
            made[0].write_bytes(b"name: a new part\nvalue: 1k\nsymbol: R\n")

        add("check warm, 1 part added", best(ctb(repo, "check", "-q"), repeat, new_part))
        for path in made:
            path.unlink()
        made.clear()
        ctb(repo, "check", "-q")()
        # a new build file, as ``ctb build new`` writes it (another each run)
        planned = sorted((repo / "builds").iterdir())[0].read_bytes()
        head = b"".join(re.findall(rb"^(?:project|version): [^\n]*\n", planned, re.MULTILINE))

        def new_build() -> None:
            for path in made:
                path.unlink()
            made[:] = [repo / "builds" / f"zz-new-{next(counter)}.yaml"]
            made[0].write_bytes(head + b"quantity: 2\n")

        add("check warm, 1 build added", best(ctb(repo, "check", "-q"), repeat, new_build))
        for path in made:
            path.unlink()
        made.clear()
        ctb(repo, "check", "-q")()
        # a new order file, as ``ctb order generate`` writes one (another each run)
        vendors = sorted((repo / "vendors").glob("*.yaml"))
        if vendors:
            build_id = sorted((repo / "builds").iterdir())[0].stem
            order = (
                f"vendor: {vendors[0].stem}\nstatus: open\ncurrency: USD\ncreated_at: 2026-12-07T10:00:00Z\nlines:\n"
                f"  - part: {ids[0]}\n    sku: X-1\n    quantity: 5\n    unit_price: '0.29'\n    for: {{{build_id}: 5}}\n"
            ).encode()

            def new_order() -> None:
                for path in made:
                    path.unlink()
                made[:] = [repo / "orders" / f"zz-new-{next(counter)}.yaml"]
                made[0].parent.mkdir(exist_ok=True)
                made[0].write_bytes(order)

            add("check warm, 1 order added", best(ctb(repo, "check", "-q"), repeat, new_order))
            for path in made:
                path.unlink()
            made.clear()
            ctb(repo, "check", "-q")()
        # a part's equivalents (another part each run; the generated builds hold nothing yet, so no take reaches them)
        target = sorted((repo / "parts").iterdir())[3]
        shaped = target.read_bytes()

        def new_equivalent() -> None:
            other = ids[next(counter) % len(ids)].encode()
            target.write_bytes(re.sub(rb"(?m)^equivalents: .*\n", b"", shaped) + b"equivalents: [" + other + b"]\n")

        add("check warm, 1 equivalent set", best(ctb(repo, "check", "-q"), repeat, new_equivalent))
        target.write_bytes(shaped)
        ctb(repo, "check", "-q")()
        # a part nothing names taken away (a spare, as a sync's placeholder no BOM kept), one more each run,
        # from a full check that had them all
        spares = [repo / "parts" / f"zz-spare-{i}.yaml" for i in range(repeat)]
        for i, spare in enumerate(spares):
            spare.write_bytes(f"name: spare {i}\nvalue: 1k\nplaceholder: true\n".encode())
        drop_cache(repo)()
        ctb(repo, "check", "-q")()
        gone = iter(spares)

        def take_spare() -> None:
            next(gone).unlink()

        add("check warm, 1 part removed", best(ctb(repo, "check", "-q"), repeat, take_spare))
        ctb(repo, "check", "-q")()
        # a part's unit (another each run), which a check still reads in full: the full check from the warm cache
        units = [b"pcs", b"m"]

        def new_unit() -> None:
            unit = units[next(counter) % 2]
            target.write_bytes(re.sub(rb"(?m)^unit: .*\n", b"", shaped) + b"unit: " + unit + b"\n")

        add("check warm, 1 unit changed (in full)", best(ctb(repo, "check", "-q"), repeat, new_unit))
        target.write_bytes(shaped)
    if wanted("clear"):
        copies = iter(range(10**6))
        current: list[Path] = []

        def fresh() -> None:
            copy = tmp / f"clear{next(copies)}"
            shutil.copytree(repo, copy)
            shutil.rmtree(copy / ".git" / "ctb", ignore_errors=True)
            current[:] = [copy]

        add("build clear --all cold", best(lambda: ctb(current[0], "build", "clear", "--all", "-q")(), repeat, fresh))
        cleared = current[0]

        def cleared_once() -> None:
            # a fresh copy cleared cold: every build file was just written; the clear that wrote them
            # kept its answer for the files as written (clearing again writes byte-identical files)
            fresh()
            ctb(current[0], "build", "clear", "--all", "-q")()

        add(
            "build clear --all after a clear",
            best(lambda: ctb(current[0], "build", "clear", "--all", "-q")(), repeat, cleared_once),
        )
        # the check a pre-commit hook runs on the files a clear just wrote (their data not in the cache yet)
        add("check after a clear", best(lambda: ctb(current[0], "check", "-q", ok=(0, 1))(), repeat, cleared_once))
        ctb(cleared, "build", "clear", "--all", "-q")()
        add("build clear --all again, warm", best(ctb(cleared, "build", "clear", "--all", "-q"), repeat))
        # a part's notes change: the stored answer misses, the files load from the warm per-file cache
        part = sorted((cleared / "parts").iterdir())[1]
        before = part.read_bytes()
        edits = iter(range(10**6))

        def edit_part() -> None:
            part.write_bytes(before + f"notes: edit {next(edits)}\n".encode())

        add("build clear --all warm, 1 changed", best(ctb(cleared, "build", "clear", "--all", "-q"), repeat, edit_part))
        part.write_bytes(before)
        ctb(cleared, "build", "clear", "--all", "-q")()  # a full answer for the files as cleared
        # a vendor part's price, as a price refresh writes it (the engine reads no vendor part)
        priced = sorted((cleared / "parts").iterdir())[2]
        if re.search(rb"price: '?0\.([0-9]+)", priced.read_bytes()) is not None:
            add(
                "build clear --all warm, 1 price changed",
                best(ctb(cleared, "build", "clear", "--all", "-q"), repeat, raising(priced, rb"price: '?0\.([0-9]+)", edits)),
            )
            priced.write_bytes(re.sub(rb"price: '?0\.[0-9]+", b"price: '0.10", priced.read_bytes(), count=1))
            ctb(cleared, "build", "clear", "--all", "-q")()
        # a count of a line no plan reads (no open build may draw on it), as a stock intake writes one
        unread_line, unseen = _unconsulted_line(cleared)
        if unread_line is not None:
            stock, pattern = unread_line
            stocked = stock.read_bytes()
            add(
                "build clear --all warm, 1 unused count",
                best(ctb(cleared, "build", "clear", "--all", "-q"), repeat, raising(stock, pattern, edits)),
            )
            stock.write_bytes(stocked)
            ctb(cleared, "build", "clear", "--all", "-q")()
        # a line of a part no plan looks up taken out (and a comment, so each run's bytes are new)
        if unseen is not None:
            stock, line = unseen
            stocked = stock.read_bytes()

            def drop_unseen() -> None:
                # from a full answer for the files as they were: a version that answers after a clear of
                # this very edit (but the comment) would otherwise be measured against that
                stock.write_bytes(stocked)
                ctb(cleared, "build", "clear", "--all", "-q")()
                stock.write_bytes(stocked.replace(line, b"", 1) + f"# run {next(edits)}\n".encode())

            add("build clear --all warm, unused line out", best(ctb(cleared, "build", "clear", "--all", "-q"), repeat, drop_unseen))
            stock.write_bytes(stocked)
    if wanted("order"):
        # on builds cleared (their shortages are what orders are generated for)
        planned = tmp / "ordered"
        shutil.copytree(repo, planned)
        ctb(planned, "build", "clear", "--all", "-q")()
        ctb(planned, "check", "-q", ok=(0, 1))()  # the per-file cache warm, as after any command
        add("order generate --dry-run", best(ctb(planned, "order", "generate", "--dry-run", "-q"), repeat))
    if wanted(STOCK_ADD) or wanted(COMPLETE):
        rows.extend(stock_rows(tmp, repo, repeat, parse, add_name=wanted))
    return rows


STOCK_ADD, COMPLETE = "stock add, 1 line", "build complete, 1 build"


def first_stock_line(data: bytes) -> tuple[str, str | None] | None:
    """The part and bin of a stock file's first line, in whatever style it is written."""
    lines = yaml.load(data, Loader=yaml.CSafeLoader).get("lines") or []
    if not lines:
        return None
    bin_ = lines[0].get("bin")
    return str(lines[0]["part"]), None if bin_ is None else str(bin_)


def stock_rows(
    tmp: Path, repo: Path, repeat: int, parse: tuple[float, float], add_name: Callable[[str], bool]
) -> list[Row]:
    """The commands a stockroom runs all day, from the warm cache: a count added to a line, a build completed
    (its takes out of every stock file it drew on). Against ``parse``, the parse of the same repository."""
    rows: list[Row] = []
    stock = sorted((repo / "stock").iterdir())[0]
    first = first_stock_line(stock.read_bytes())
    if add_name(STOCK_ADD) and first is not None:
        ctb(repo, "check", "-q", ok=(0, 1))()
        where = ["--location", stock.stem, *(["--bin", first[1]] if first[1] else [])]
        adding = ctb(repo, "stock", "add", first[0], "1", *where, "-q")
        rows.append(Row(STOCK_ADD, "parse", parse[0], *best(adding, repeat)))
    if add_name(COMPLETE):
        cleared = tmp / "completing"
        shutil.copytree(repo, cleared)
        for path in (cleared / "stock").iterdir():  # stock for every build, so that one is cleared at any size
            path.write_bytes(re.sub(rb"quantity: ([0-9]+)", lambda m: b"quantity: %d" % (int(m[1]) * 1000), path.read_bytes()))
        ctb(cleared, "build", "clear", "--all", "-q")()
        ctb(cleared, "check", "-q", ok=(0, 1))()
        ready = sorted(b.stem for b in (cleared / "builds").glob("*.yaml") if b"\nstatus: cleared\n" in b.read_bytes())
        if ready:
            copies = iter(range(10**6))
            current: list[Path] = []

            def fresh() -> None:
                copy = tmp / f"complete{next(copies)}"
                shutil.copytree(cleared, copy)
                current[:] = [copy]

            measured = best(lambda: ctb(current[0], "build", "complete", ready[0], "-q")(), repeat, fresh)
            rows.append(Row(COMPLETE, "parse", parse[0], *measured))
    return rows


# prints the first stock line no plan of a clear reads, as JSON [file, part, bin, count], or null
_UNCONSULTED = """
import json, sys
from pathlib import Path
try:
    from ctb_files.ops.builds.clearing import Consulted, clear_each
except ImportError:  # a version before the engine was split
    from ctb_files.ops.builds.allocate import Consulted, clear_each
from ctb_files.ops.stock.ledger import line_key
from ctb_files.storage.loader import load_repo
inv = load_repo(Path(sys.argv[1]), cache=False).inventory
consulted = Consulted()
for _ in clear_each(inv, consulted):
    pass
found = unseen = None
for location in sorted(inv.stock):
    for line in inv.stock[location].lines:
        if found is None and line_key(location, line.part, line.bin) not in consulted.lines and line.quantity == int(line.quantity):
            found = [f"stock/{location}.yaml", line.part, line.bin, int(line.quantity)]
        if unseen is None and line.part not in consulted.parts:
            unseen = [f"stock/{location}.yaml", line.part, line.bin]
print(json.dumps([found, unseen]))
"""


def _unconsulted_line(root: Path) -> tuple[tuple[Path, bytes] | None, tuple[Path, bytes] | None]:
    """Lines of ``root`` a clear's plans do not read: a stock file and a pattern whose group is the count of a
    line no plan reads, and a stock file and the whole text of a flow-style line of a part no plan looks up.

    Asked of this checkout's ctb in a process of its own: loading an
    inventory here would grow this process, and a child's peak memory counts
    the copy of it made before the child runs the command.
    """
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", _UNCONSULTED, str(root)], capture_output=True, text=True, env=env, check=True)
    found, unseen = json.loads(done.stdout)
    count = None
    if found is not None:
        rel, part, bin_, _ = found
        where = rf"\b{re.escape(bin_)}\b" if bin_ else ""
        pattern = rf"part: {re.escape(part)},? *\n? *quantity: ([0-9]+)[^\n]*{where}".encode()
        path = root / rel
        count = (path, pattern) if len(re.findall(pattern, path.read_bytes(), re.MULTILINE)) == 1 else None
    line = None
    if unseen is not None:
        rel, part, bin_ = unseen
        path = root / rel
        where = rf"[^\n]*\bbin: {re.escape(bin_)}\b" if bin_ else ""
        texts = re.findall(rf"^  - \{{part: {re.escape(part)},[^\n]*{where}[^\n]*\n".encode(), path.read_bytes(), re.MULTILINE)
        line = (path, texts[0]) if len(texts) == 1 else None
    return count, line


def history_rows(tmp: Path, parts: int, commits: int, repeat: int, only: str | None) -> list[Row]:
    if only is not None and not any(only in n for n in ("stock log", "bom log", "review", "bom show --at")):
        return []
    repo = make_history(tmp / "hist", commits=commits, parts=max(50, parts // 10))
    rows: list[Row] = []

    def git(*args: str) -> Callable[[], tuple[float, float]]:
        return lambda: child(["git", *args], cwd=repo)

    def blobs_at(rev: str) -> list[str]:
        names = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev], cwd=repo, check=True, capture_output=True, text=True)
        return [f"{rev}:{name}" for name in names.stdout.split()]

    back = max(1, commits // 2)
    at_commit = subprocess.run(["git", "rev-parse", f"HEAD~{back}"], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()
    review_base = f"HEAD~{min(100, commits - 1)}"
    cases = [
        ("stock log p1", ("stock", "log", "p1"), ("log", "-p", "--", "stock"), "git log -p"),
        ("bom log big:v0", ("bom", "log", "big:v0"), ("log", "-p", "--", "projects/big", "parts"), "git log -p"),
        (f"review {review_base}", ("review", review_base), ("show", *blobs_at(review_base)), "git show blobs"),
        (
            f"bom show --at ({back} back)",
            ("bom", "show", "big:v0", "--at", date_of(commits - back)),
            ("show", *blobs_at(at_commit)),
            "git show blobs",
        ),
    ]
    for name, command, baseline, label in cases:
        if only is not None and only not in name:
            continue
        base = best(git(*baseline), repeat)
        measured = best(lambda command=command: child([sys.executable, "-m", "ctb_files", *command], cwd=repo), repeat)
        rows.append(Row(name, label, base[0], measured[0], measured[1]))
    return rows


def table(rows: list[Row]) -> str:
    head = f"{'benchmark':<40} {'baseline':<15} {'base s':>8} {'seconds':>8} {'ratio':>7} {'peak MiB':>9}"
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row.name:<40} {row.baseline:<15} {row.base_seconds:8.3f} {row.seconds:8.3f} {row.ratio:6.2f}x {row.peak_mib:9.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--parts", type=int, default=5000, help="parts in the inventory (default 5,000)")
    parser.add_argument("--builds", type=int, default=None, help="builds (default parts / 25: 200 at 5,000)")
    parser.add_argument("--commits", type=int, default=10_000, help="commits in the history repository")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest counts")
    parser.add_argument("--only", default=None, help="run only benchmarks whose name contains this")
    parser.add_argument(
        "--shape", choices=("plain", "bins", "shared", "mixed", "deep", "pyyaml", "marked", "digits"), default="plain",
        help="the inventory: plain (one line per part, 60-row BOMs), bins (binned lines, 250-row BOMs), "
        "shared (groups of equivalent parts competing for little stock: joint clearing), mixed "
        "(equivalent chains, assemblies, completed builds and orders) or deep (assemblies nested "
        "several levels, block style: clears write more than they read) or pyyaml (the mixed stockroom "
        "as PyYAML's safe_dump writes it: lists at their key's column, keys sorted) or marked (the mixed "
        "stockroom with every file opened by ---, as yamllint's document-start rule asks, and stock "
        "lines in sections under comments, as kept by hand) or digits (the mixed stockroom with part ids "
        "that start with a digit, 2N1575, and SKUs as Mouser and Digi-Key write them, 595-M1575)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    builds = args.builds if args.builds is not None else max(1, args.parts // 25)
    with tempfile.TemporaryDirectory(prefix="ctb-bench-") as name:
        tmp = Path(name)
        rows = inventory_rows(tmp, args.parts, builds, args.repeat, args.only, args.shape)
        rows += history_rows(tmp, args.parts, args.commits, args.repeat, args.only)
    print(f"{args.parts} parts ({args.shape}), {max(1, args.parts // 100)} projects, {builds} builds; {args.commits} commits")
    print(table(rows))
    if sys.flags.dont_write_bytecode:
        print(
            "note: PYTHONDONTWRITEBYTECODE is set: every module without bytecode beside it was compiled on every run, "
            "which weighs on the short runs (warm, history); unset it, or compile the package first",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
