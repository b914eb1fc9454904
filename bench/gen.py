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


def generate_bins(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50, rows: int = 250) -> Path:
    """A stockroom of another shape: ids like ``R-00042-0603``, block-style files, tags and several
    price breaks; the stock in two files of two binned lines per part (some deprioritized); ``projects``
    projects of 2 versions of ``rows`` rows (some DNP, some with attrition); builds over every version."""
    rng = random.Random(5)
    root.mkdir(parents=True, exist_ok=True)
    (root / "ctb.yaml").write_text("ctb: 1\nname: bins\ndefault_location: main\n")
    for folder in ("parts", "stock", "builds", "vendors", "projects"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "vendors/digikey.yaml").write_text("name: DigiKey\n")
    ids = [f"R-{i:05d}-0603" for i in range(parts)]
    for i, part in enumerate(ids):
        (root / f"parts/{part}.yaml").write_text(
            f"name: Resistor {i} ohm 0603\nvalue: {i}R\ntags:\n  - passive\n  - resistor\n"
            f"vendor_parts:\n  - vendor: digikey\n    sku: DK-{i}\n    price_breaks:\n"
            f"      - quantity: 10\n        price: '0.05'\n      - quantity: 1000\n        price: '0.004'\n"
        )
    for name, half in (("main", ids[: parts // 2]), ("overflow", ids[parts // 2 :])):
        lines = []
        for part in half:
            for b in range(2):
                low = "    deprioritized: true\n" if rng.random() < 0.05 else ""
                lines.append(f"  - part: {part}\n    bin: S{rng.randrange(40)}-{b}\n    quantity: {rng.randint(0, 300)}\n{low}")
        (root / f"stock/{name}.yaml").write_text("lines:\n" + "".join(lines))
    names = [f"board{j}" for j in range(projects)]
    for name in names:
        (root / f"projects/{name}/bom").mkdir(parents=True, exist_ok=True)
        (root / f"projects/{name}/project.yaml").write_text(f"name: {name.title()}\nversions:\n  - name: a\n  - name: b\n")
        for version in "ab":
            body = []
            for r in range(rows):
                extra = "    dnp: true\n" if rng.random() < 0.03 else ("    attrition: 2\n" if rng.random() < 0.2 else "")
                body.append(
                    f"  - line: {r + 1}\n    refs: [R{r + 1}]\n    quantity: {rng.randint(1, 3)}\n"
                    f"    part: {rng.choice(ids)}\n{extra}"
                )
            (root / f"projects/{name}/bom/{version}.yaml").write_text(
                f"project: {name}\nversion: {version}\nrows:\n{''.join(body)}"
            )
    for b in range(builds):
        (root / f"builds/run-{b:04d}.yaml").write_text(
            f"project: {names[b % projects]}\nversion: {'ab'[b // projects % 2]}\n"
            f"quantity: {rng.randint(1, 10)}\npriority: {b % 5}\n"
        )
    return root


def generate_shared(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50, rows: int = 60) -> Path:
    """A stockroom where parts compete for stock: parts in groups of 5 that are all equivalents of each
    other, one line each over 4 stock files with little on hand (0-30); each BOM draws its rows from 15
    groups, 4 rows a group, so a build's parts share lines and are cleared jointly, and many builds
    come out short."""
    rng = random.Random(3)
    group = 5
    root.mkdir(parents=True, exist_ok=True)
    (root / "ctb.yaml").write_text("ctb: 1\nname: shared\ndefault_location: s0\n")
    for folder in ("parts", "stock", "builds", "projects"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for i in range(parts):
        first = i // group * group
        others = [f"p{j}" for j in range(first, min(first + group, parts)) if j != i]
        (root / f"parts/p{i}.yaml").write_text(f"name: Part {i}\nequivalents: [{', '.join(others)}]\n")
    for loc in range(4):
        lines = "".join(f"  - {{part: p{i}, quantity: {rng.randint(0, 30)}}}\n" for i in range(loc, parts, 4))
        (root / f"stock/s{loc}.yaml").write_text("lines:\n" + lines)
    groups = max(1, parts // group)
    for j in range(projects):
        folder = root / f"projects/pr{j}"
        (folder / "bom").mkdir(parents=True, exist_ok=True)
        (folder / "project.yaml").write_text(f"name: Project {j}\nversions:\n  - name: a\n")
        chosen = [rng.randrange(groups) for _ in range(15)]
        body = "".join(
            f"  - {{line: {r + 1}, quantity: {rng.randint(1, 3)}, part: p{min(parts - 1, chosen[r % 15] * group + rng.randrange(group))}}}\n"
            for r in range(rows)
        )
        (folder / "bom/a.yaml").write_text(f"project: pr{j}\nversion: a\nrows:\n{body}")
    for b in range(builds):
        (root / f"builds/b{b:04d}.yaml").write_text(
            f"project: pr{b % projects}\nversion: a\nquantity: {rng.randint(1, 4)}\npriority: {b % 3}\n"
        )
    return root


def generate_mixed(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50, rows: int = 150) -> Path:
    """A stockroom with everything at once: chains of equivalents (every third part names the one three
    on, every seventh the next), one part in twenty an assembly of 5 others, several vendors and price
    breaks, 1-3 binned lines a part over ``parts / 100`` locations; ``projects`` projects of 2 versions of
    ``rows`` rows (one in ten an assembly); ``builds`` open builds (one in five with a fallback),
    ``parts / 10`` completed builds holding their takes, and ``parts / 16`` orders of 20 lines for open
    builds, in every status."""
    rng = random.Random(11)
    root.mkdir(parents=True, exist_ok=True)
    locations = max(1, parts // 100)
    (root / "ctb.yaml").write_text("ctb: 1\nname: mixed\ndefault_location: l0\n")
    for folder in ("parts", "stock", "builds", "vendors", "orders", "projects"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "vendors/mouser.yaml").write_text("name: Mouser\napi: mouser\n")
    (root / "vendors/digikey.yaml").write_text("name: DigiKey\n")
    assemblies = max(1, parts // 20)
    for i in range(parts):
        text = f"name: Mixed {i}\nvalue: {i}n\n"
        if i % 7 == 0 and i + 1 < parts:
            text += f"equivalents: [m{i + 1}]\n"
        elif i % 3 == 0 and i + 3 < parts:
            text += f"equivalents: [m{i + 3}]\n"
        if i < assemblies and parts - assemblies >= 5:
            children = rng.sample(range(assemblies, parts), 5)
            text += "bom:\n" + "".join(f"  - {{part: m{k}, quantity: {rng.randint(1, 3)}}}\n" for k in children)
        text += (
            f"vendor_parts:\n  - vendor: mouser\n    sku: M-{i}\n    price_breaks:\n"
            f"      - {{quantity: 1, price: '0.{rng.randint(10, 99)}'}}\n      - {{quantity: 100, price: '0.0{rng.randint(10, 99)}'}}\n"
            f"  - vendor: digikey\n    sku: D-{i}\n    price_breaks:\n      - {{quantity: 1, price: '0.{rng.randint(10, 99)}'}}\n"
        )
        if i % 11 == 0:
            text += f"min_stock: {rng.randint(10, 100)}\n"
        (root / f"parts/m{i}.yaml").write_text(text)
    per_loc: dict[int, list[str]] = {}
    for i in range(parts):
        for k in range(rng.choice([1, 1, 2, 3])):
            per_loc.setdefault(rng.randrange(locations), []).append(f"  - {{part: m{i}, bin: B{k}, quantity: {rng.randint(0, 60)}}}\n")
    for loc, lines in per_loc.items():
        (root / f"stock/l{loc}.yaml").write_text("lines:\n" + "".join(lines))
    for j in range(projects):
        folder = root / f"projects/pr{j}"
        (folder / "bom").mkdir(parents=True, exist_ok=True)
        (folder / "project.yaml").write_text(f"name: P{j}\nversions:\n  - {{name: v1}}\n  - {{name: v2}}\n")
        for v in (1, 2):
            body = "".join(
                f"  - {{line: {r + 1}, refs: [U{r + 1}], quantity: {rng.randint(1, 4)}, "
                f"part: m{rng.randrange(assemblies) if rng.random() < 0.1 else rng.randrange(parts)}}}\n"
                for r in range(rows)
            )
            (folder / f"bom/v{v}.yaml").write_text(f"project: pr{j}\nversion: v{v}\nrows:\n{body}")
    for b in range(builds):
        fallback = f"fallbacks: {{m{rng.randrange(parts)}: m{rng.randrange(parts)}}}\n" if b % 5 == 0 else ""
        (root / f"builds/b{b:04d}.yaml").write_text(
            f"project: pr{b % projects}\nversion: v{1 + b % 2}\nquantity: {rng.randint(1, 4)}\npriority: {b % 3}\n{fallback}"
        )
    for c in range(parts // 10):
        held = "".join(
            f"  - part: m{q}\n    quantity: 2\n    lines: [1]\n    take:\n      - {{location: l{rng.randrange(locations)}, part: m{q}, quantity: 2}}\n"
            for q in rng.sample(range(parts), min(parts, 40))
        )
        (root / f"builds/done{c:04d}.yaml").write_text(
            f"project: pr{c % projects}\nversion: v1\nquantity: 1\nstatus: completed\n"
            f"completed_at: 2026-01-01T00:00:00Z\nreservations:\n{held}"
        )
    for o in range(max(1, parts // 16)):
        status = ("open", "placed", "received", "cancelled")[o % 4]
        body = ""
        for q in rng.sample(range(parts), min(parts, 20)):
            quantity = rng.randint(5, 50)
            got = quantity if status == "received" else rng.randint(0, 5) if status == "placed" else 0
            body += (
                f"  - {{part: m{q}, sku: M-{q}, quantity: {quantity}, received: {got}, "
                f"for: {{b{rng.randrange(builds):04d}: {rng.randint(1, 5)}}}}}\n"
            )
        (root / f"orders/o{o:04d}.yaml").write_text(f"vendor: mouser\nstatus: {status}\ncurrency: USD\nlines:\n{body}")
    return root


def generate_deep(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50, rows: int = 200) -> Path:
    """Assemblies nested several levels down, in block-style files (equivalents a flow list): one part in fifty
    an assembly of 8 parts further on (so assemblies hold assemblies), one stock line a part over
    ``parts / 10`` locations, ``projects`` projects of one version of ``rows`` rows (one in twenty an
    assembly), builds of 1-3 units.  Its clears write several times the bytes they read: a build holds
    a reservation for every part its assemblies reach."""
    rng = random.Random(5)
    root.mkdir(parents=True, exist_ok=True)
    (root / "ctb.yaml").write_text("ctb: 1\nname: deep\n")
    for folder in ("parts", "stock", "builds", "projects"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    assemblies = max(1, parts // 50)
    for i in range(parts):
        text = f"name: Deep part {i}\ndescription: part {i} of the deep shape\nunit: pcs\n"
        if i < assemblies and parts > 20:
            low = min(i + 1 + (i * 7) % 40, parts - 10)
            children = rng.sample(range(low, min(parts, low + 400)), min(8, parts - low))
            text += "bom:\n" + "".join(f"  - part: d{k}\n    quantity: {rng.randint(1, 4)}\n" for k in children)
        if i % 4 == 0 and i + 1 < parts:
            text += f"equivalents: [d{i + 1}]\n"  # the one flow list: the bench sets it by its line
        (root / f"parts/d{i}.yaml").write_text(text)
    locations: dict[int, list[str]] = {}
    for i in range(parts):
        locations.setdefault(rng.randrange(max(1, parts // 10)), []).append(f"  - part: d{i}\n    quantity: {rng.randint(0, 400)}\n")
    for location, lines in locations.items():
        (root / f"stock/loc{location}.yaml").write_text("lines:\n" + "".join(lines))
    for j in range(projects):
        folder = root / f"projects/pj{j}"
        (folder / "bom").mkdir(parents=True, exist_ok=True)
        (folder / "project.yaml").write_text(f"name: PJ {j}\nversions:\n  - name: a\n")
        body = "".join(
            f"  - line: {r + 1}\n    refs:\n      - R{r + 1}\n    quantity: {rng.randint(1, 3)}\n"
            f"    part: d{rng.randrange(assemblies) if rng.random() < 0.05 else rng.randrange(parts)}\n"
            for r in range(rows)
        )
        (folder / "bom/a.yaml").write_text(f"project: pj{j}\nversion: a\nrows:\n{body}")
    for b in range(builds):
        (root / f"builds/b{b:05d}.yaml").write_text(
            f"project: pj{b % projects}\nversion: a\nquantity: {rng.randint(1, 3)}\npriority: {b % 4}\n"
        )
    return root


def generate_pyyaml(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50) -> Path:
    """The mixed stockroom as a script writes it with PyYAML's ``safe_dump``: every file in its default
    style (lists at their key's own column, block mappings, keys sorted, so a stock file's ``name`` comes
    after its lines and a draft's ``status`` before its ``version``).  Text that a YAML 1.2 reader takes for a number or a date (``0805``) is quoted, as a
    careful script quotes it."""
    import yaml

    generate_mixed(root, parts=parts, builds=builds, projects=projects)

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        if value[:1].isdigit() or value[:1] in "+-.":
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
        return dumper.represent_str(value)

    Dumper.add_representer(str, text)
    for path in sorted(root.rglob("*.yaml")):
        data = yaml.safe_load(path.read_bytes())
        if path.parent.name == "builds" and "status" not in data:
            data["status"] = "draft"  # a script writes the draft's status: sorted among the user's keys
        path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True))
    return root


def generate_marked(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50) -> Path:
    """The mixed stockroom as a team that runs yamllint and keeps its stock by hand has it: every file opens
    with a ``---`` line (yamllint's ``document-start`` rule), and a stock file's lines come in sections of
    25, each under a blank line and a comment; the rest as ctb writes it."""
    generate_mixed(root, parts=parts, builds=builds, projects=projects)
    for path in sorted(root.rglob("*.yaml")):
        data = path.read_bytes()
        if path.parent.name == "stock":
            out, count = [], 0
            for line in data.split(b"\n"):
                if line.startswith(b"  - "):
                    if count % 25 == 0:
                        out += [b""] * (count > 0) + [b"  # shelf row %d" % (count // 25 + 1)]
                    count += 1
                out.append(line)
            data = b"\n".join(out)
        path.write_bytes(b"---\n" + data)
    return root


def generate_digits(root: Path, parts: int = 5000, builds: int = 200, projects: int = 50) -> Path:
    """The mixed stockroom with ids and SKUs as electronics catalogs write them: part ids that start with a
    digit (``2N1575`` for ``m1575``, as ``2N3904`` or ``1N4148``) and vendor SKUs as Mouser and Digi-Key write
    them (``595-M1575``, ``296-1575-ND``)."""
    import re

    generate_mixed(root, parts=parts, builds=builds, projects=projects)
    part = re.compile(rb"\bm([0-9]+)\b")
    for path in sorted(root.rglob("*.yaml")):
        data = part.sub(rb"2N\1", path.read_bytes())
        data = re.sub(rb"\bM-([0-9]+)\b", rb"595-M\1", data)
        data = re.sub(rb"\bD-([0-9]+)\b", rb"296-\1-ND", data)
        path.write_bytes(data)
        name = part.sub(rb"2N\1", path.name.encode()).decode()
        if name != path.name:
            path.rename(path.with_name(name))
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
