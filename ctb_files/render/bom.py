"""Renderers for BOM views, diffs, logs and where-used: text, CSV, JSON documents, HTML.

No click here: every function returns a string or a JSON-ready document.
The HTML diff is one standalone page (inline CSS, no scripts, no external
resources) so it can be attached to a ticket or opened from disk.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from ctb_files.core import paths as layout
from ctb_files.core.units import normalize
from ctb_files.ops.bom.extensions import display
from ctb_files.ops.bom.rowtext import about, unmatched_label
from ctb_files.render.table import number, table

if TYPE_CHECKING:  # types only: importing a renderer must not load sync, importers and the models
    from ctb_files.core.models import BomFile, BomRow, Shortage
    from ctb_files.ops.bom.diff import BomDiff, FlatRow
    from ctb_files.ops.bom.sync import VersionReport
    from ctb_files.ops.bom.tree import TreeRow, UseRow
    from ctb_files.ops.bom.views import BomView
    from ctb_files.storage.history import BomLogEntry

MARKS = {"equal": "", "replace": "|", "delete": "<", "insert": ">"}


# --- bom show -----------------------------------------------------------------------------


def _label(row: TreeRow, indent: bool) -> str:
    name = row.part if row.part is not None else unmatched_label(row.about)
    flagged = any(key == "flags" for key, _ in row.about)
    flags = [f for f, on in (("dnp", row.dnp), ("cycle", row.cycle), ("flagged", flagged)) if on]
    text = name + (f" ({', '.join(flags)})" if flags else "")
    return "  " * (row.level - 1) + text if indent else text


def view_headers(view: BomView) -> list[str]:
    if view.mode == "totals":
        return ["part", "quantity", "unit"]
    return ["level", "part", "quantity", "unit", "order", "refs", *view.visible]


def view_text(view: BomView) -> str:
    """An aligned table; parts indented by level."""
    if view.mode == "totals":
        rows: list[list[Any]] = [
            [(t.part or t.label) + (" (consumable)" if t.consumable else ""), t.quantity, t.unit] for t in view.totals
        ]
        return table(view_headers(view), rows, right=(1,))
    rows = [
        [r.level, _label(r, True), r.quantity, r.unit, r.order, " ".join(r.refs),
         *(display(r.ext.get(name)) for name in view.visible)]
        for r in view.rows
    ]  # fmt: skip
    return table(view_headers(view), rows, right=(0, 2))


def view_csv(view: BomView) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(view_headers(view))
    if view.mode == "totals":
        writer.writerows([t.part or "", number(t.quantity), t.unit] for t in view.totals)
    else:
        for r in view.rows:
            ext = [display(r.ext.get(name)) for name in view.visible]
            order = "" if r.order is None else r.order
            writer.writerow([r.level, r.part or "", number(r.quantity), r.unit, order, " ".join(r.refs), *ext])
    return out.getvalue()


def view_doc(view: BomView) -> dict[str, Any]:
    """The ``bom show`` JSON document (PRODUCT.md 2.1)."""
    if view.mode == "totals":
        rows: list[dict[str, Any]] = [
            {"part": t.part, "quantity": t.quantity, "unit": t.unit, **({"row": t.label} if t.label else {}),
             **({"consumable": True} if t.consumable else {})}
            for t in view.totals
        ]
    else:
        rows = [
            {"level": r.level, "part": r.part, "quantity": r.quantity, "unit": r.unit, "order": r.order,
             "refs": list(r.refs), "ext": dict(r.ext), **dict(r.about)}
            for r in view.rows
        ]  # fmt: skip
    return {"target": view.target.text, "rows": rows}


COST_COLUMNS = ("part", "quantity", "unit", "vendor", "sku", "buy", "unit_price", "total", "currency", "reason")


def cost_csv(doc: dict[str, Any]) -> str:
    """The ``lines`` of a cost document (``ctb_files.render.cost.cost_json``) as CSV, money exact."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COST_COLUMNS)
    for line in doc["lines"]:
        cells = [line.get(name) for name in COST_COLUMNS]
        writer.writerow("" if c is None else number(c) if not isinstance(c, str) else c for c in cells)
    return out.getvalue()


# --- bom diff -----------------------------------------------------------------------------


def flat_doc(row: FlatRow) -> dict[str, Any]:
    doc: dict[str, Any] = {"level": row.level, "part": row.part, "quantity": row.quantity, "unit": row.unit,
                           "refs": list(row.refs), "ext": dict(row.ext_values)}  # fmt: skip
    doc.update(row.content)  # value, footprint, mpn, skus of a project BOM row
    if row.dnp:
        doc["dnp"] = True
    if row.flags:
        doc["flags"] = row.flags
    return doc


def diff_doc(diff: BomDiff) -> dict[str, Any]:
    """The ``bom diff`` JSON document (PRODUCT.md 2.1)."""
    return {
        "old": diff.old_label,
        "new": diff.new_label,
        "opcodes": [
            {"tag": op.tag, "old": [flat_doc(r) for r in op.old], "new": [flat_doc(r) for r in op.new]}
            for op in diff.opcodes
        ],
        "summary": diff.summary.to_json(),
    }


def _cells(row: FlatRow | None, visible: Sequence[str]) -> list[str]:
    if row is None:
        return ["", "", "", "", *("" for _ in visible)]
    ext = dict(row.ext_values)
    marks = [m for m, on in (("dnp", row.dnp), ("flagged", bool(row.flags))) if on]
    name = "  " * (row.level - 1) + row.name + (f" ({', '.join(marks)})" if marks else "")
    return [name, number(row.quantity), row.unit, " ".join(row.refs), *(display(ext.get(n)) for n in visible)]


def _pairs(diff: BomDiff) -> list[tuple[str, FlatRow | None, FlatRow | None]]:
    out: list[tuple[str, FlatRow | None, FlatRow | None]] = []
    for op in diff.opcodes:
        for old, new in zip_longest(op.old, op.new):
            out.append((op.tag, old, new))
    return out


def summary_lines(diff: BomDiff) -> list[str]:
    s = diff.summary
    lines = [
        "added: " + (", ".join(f"{a.part} ({number(a.quantity)} {a.unit})" for a in s.added) or "none"),
        "removed: " + (", ".join(f"{a.part} ({number(a.quantity)} {a.unit})" for a in s.removed) or "none"),
        "changed: " + ("; ".join(c.text() for c in s.changed) or "none"),
        "moved: " + ("; ".join(f"{m.ref} {m.old_part} → {m.new_part}" for m in s.moved) or "none"),
    ]
    if s.other:
        lines.append("other: " + "; ".join(s.other))
    if s.changed_rows:
        lines.append("changed rows: " + "; ".join(r.text() for r in s.changed_rows))
    return lines


def diff_text(diff: BomDiff, compact: bool = False) -> str:
    """Two columns, changed rows marked ``|``, removed ``<``, added ``>``; ``compact`` folds equal runs."""
    head = ["part", "quantity", "unit", "refs", *diff.visible]
    rows: list[list[str]] = []
    pairs = _pairs(diff)
    for item in _fold(pairs) if compact else pairs:
        if isinstance(item, int):
            rows.append([f"⋯ {item} equal rows ⋯", *([""] * (2 * len(head)))])
            continue
        tag, old, new = item
        rows.append([*_cells(old, diff.visible), MARKS[tag], *_cells(new, diff.visible)])
    width = len(head)
    right = (1, width + 2)
    body = table([*head, "", *head], rows, right=right)
    title = f"old: {diff.old_label}\nnew: {diff.new_label}\n\n"
    return title + body + "\n\n" + "\n".join(summary_lines(diff))


_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#1d2330;background:#fff}
h1{font-size:1.3em;margin:0 0 .2em} p.labels{margin:0 0 1em;color:#555}
table.diff{border-collapse:collapse;width:100%;font-family:ui-monospace,"SFMono-Regular",Menlo,monospace;font-size:13px}
table.diff th,table.diff td{padding:3px 8px;border-bottom:1px solid #e4e7ec;text-align:left;white-space:pre}
table.diff th{background:#f3f5f8;position:sticky;top:0}
table.diff td.num{text-align:right} td.mark{text-align:center;font-weight:bold;color:#667}
th.side{border-left:2px solid #c8ccd4} td.first{border-left:2px solid #c8ccd4}
tr.replace td.old{background:#fff4e0} tr.replace td.new{background:#e9f6ec}
tr.delete td.old{background:#fde8e8} tr.insert td.new{background:#e9f6ec}
td.chg{font-weight:bold} tr.replace td.old.chg{background:#fbd9a8} tr.replace td.new.chg{background:#c8ecd0}
table.diff th.num{text-align:right}
tr.fold td{text-align:center;color:#667;background:#fafbfc;font-style:italic}
table.diff td.empty{background:#f7f8fa} tr.replace td.mark{color:#b26b00} tr.delete td.mark{color:#c0392b}
tr.insert td.mark{color:#1e7b34}
section.summary{margin:0 0 1.2em} section.summary h2{font-size:1.05em;margin:0 0 .3em}
section.summary ul{margin:0;padding-left:1.4em} section.summary li{margin:.15em 0}
"""


def _html_side(row: FlatRow | None, other: FlatRow | None, side: str, visible: Sequence[str]) -> str:
    cells = _cells(row, visible)
    mine = _cells(other, visible) if other is not None and row is not None else cells
    out = []
    for index, text in enumerate(cells):
        classes = [side] if row is not None else [side, "empty"]
        if index == 0:
            classes.append("first")
        if index == 1:
            classes.append("num")
        if row is not None and other is not None and text != mine[index]:
            classes.append("chg")
        out.append(f'<td class="{" ".join(classes)}">{html.escape(text)}</td>')
    return "".join(out)


def _fold(pairs: list[tuple[str, FlatRow | None, FlatRow | None]], limit: int = 3) -> list[Any]:
    """Equal runs longer than ``limit`` become first row, a fold marker, last row."""
    out: list[Any] = []
    index = 0
    while index < len(pairs):
        end = index
        while end < len(pairs) and pairs[end][0] == "equal":
            end += 1
        run = end - index
        if run > limit:
            out.append(pairs[index])
            out.append(run - 2)
            out.append(pairs[end - 1])
            index = end
        elif run:
            out.extend(pairs[index:end])
            index = end
        else:
            out.append(pairs[index])
            index += 1
    return out


def diff_html(diff: BomDiff, compact: bool = False) -> str:
    """A complete standalone HTML page: side-by-side table and the per-part summary."""
    visible = diff.visible
    head = ["part", "quantity", "unit", "refs", *visible]
    span = 2 * len(head) + 1
    classes = ["side" if i == 0 else "num" if i == 1 else "" for i in range(len(head))]
    ths = "".join(f'<th class="{c}">{html.escape(h)}</th>' for c, h in zip(classes, head, strict=False))
    rows: list[str] = []
    pairs = _pairs(diff)
    for item in _fold(pairs) if compact else pairs:
        if isinstance(item, int):
            rows.append(f'<tr class="fold"><td colspan="{span}">⋯ {item} equal rows ⋯</td></tr>')
            continue
        tag, old, new = item
        rows.append(
            f'<tr class="{tag}">{_html_side(old, new, "old", visible)}<td class="mark">{html.escape(MARKS[tag])}</td>'
            f'{_html_side(new, old, "new", visible)}</tr>'
        )
    title = f"BOM diff: {diff.old_label} → {diff.new_label}"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in summary_lines(diff))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>BOM diff</h1>\n<p class=\"labels\">old: <b>{html.escape(diff.old_label)}</b> &nbsp;→&nbsp; "
        f"new: <b>{html.escape(diff.new_label)}</b></p>\n"
        f'<section class="summary">\n<h2>Summary</h2>\n<ul>{items}</ul>\n</section>\n'
        '<table class="diff">\n<thead>\n'
        f'<tr><th class="side" colspan="{len(head)}">{html.escape(diff.old_label)}</th><th></th>'
        f'<th class="side" colspan="{len(head)}">{html.escape(diff.new_label)}</th></tr>\n'
        f"<tr>{ths}<th></th>{ths}</tr>\n</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        "</body>\n</html>\n"
    )


# --- bom log and where-used ---------------------------------------------------------------


def log_doc(entries: Sequence[BomLogEntry]) -> dict[str, Any]:
    return {
        "commits": [
            {"commit": e.commit, "date": e.date, "author": e.author, "summary": e.summary} for e in entries
        ]
    }


def _cut(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def log_text(entries: Sequence[BomLogEntry], width: int | None = 100) -> str:
    """One line per commit; summaries longer than ``width`` are cut (None: never)."""
    if not entries:
        return "no commit changed this BOM"
    rows = [[e.date.strftime("%Y-%m-%d %H:%M"), e.short, e.author, _cut(e.summary, width)] for e in entries]
    return table(["date", "commit", "author", "change"], rows)


def where_used_doc(part: str, rows: Sequence[UseRow]) -> dict[str, Any]:
    return {
        "part": part,
        "rows": [
            {"level": r.level, "used_in": r.used_in, "kind": r.kind, "quantity": r.quantity, "unit": r.unit,
             "total": r.total}
            for r in rows
        ],
    }  # fmt: skip


def where_used_text(part: str, unit: str, rows: Sequence[UseRow]) -> str:
    if not rows:
        return f"{part} is not used in any assembly or project BOM"
    body = [
        ["  " * (r.level - 1) + r.used_in + (" (cycle)" if r.cycle else ""), r.kind, r.quantity, r.unit, r.total]
        for r in rows
    ]
    return table(["used in", "kind", "quantity", "unit", f"{part} per one ({unit})"], body, right=(2, 4))


# --- sync and import summaries ------------------------------------------------------------

# a list of per-row notes longer than this is summarised with the command that lists it
NOTE_LIMIT = 10


def sync_notes(report: VersionReport, quiet: bool = False, limit: int = NOTE_LIMIT) -> list[str]:
    """The lines under the summary table for one version: flags, unmatched rows, problems.

    Every flag names the BOM source file and line; ``quiet`` keeps only the
    problems (rows skipped) and the counts; a list longer than ``limit`` is
    a count and the command that lists it.
    """
    target = f"{report.project}:{report.version}"
    out: list[str] = []
    if report.flags:
        if quiet or len(report.flags) > limit:
            out.append(f"{target}: {len(report.flags)} flagged rows; list them with 'ctb check {report.file}'")
        else:
            for at, line, refs, flag in report.flags:
                where = f"{report.source_path}:{at}" if at else report.source_path
                out.append(f"{target} {where}: line {line} {refs}: {flag}".replace("  ", " "))
    if report.unmatched:
        if quiet or len(report.unmatched) > limit:
            out.append(
                f"{target}: {len(report.unmatched)} unmatched rows; "
                f"list them with 'ctb bom show {target} --unmatched'"
            )
        else:
            out.extend(f"{report.version} line {line}: {text}" for line, text in report.unmatched)
    if len(report.placeholders) > limit:
        out.append(f"{target}: {len(report.placeholders)} new placeholder parts (placeholder: true in parts/)")
    else:
        out.extend(
            f"{report.version}: new placeholder part {part} ({layout.part_path(part)})"
            for part in report.placeholders
        )
    for problem in report.problems:
        label = "" if problem.severity == "error" else " (warning)"
        out.append(f"{report.version}: {problem.render()}{label}")
    return out


# --- shortages of unmatched rows ----------------------------------------------------------


def shortage_rows(shortages: Sequence[Shortage], bom: BomFile | None) -> list[tuple[Any, ...]]:
    """One table row per shortage: (part, quantity, lines, reason).

    A shortage of unmatched rows (no part) is split into one row per BOM
    line, named by what the row asks for (``(unmatched: 330 R_0805)``) with
    its quantity per the build, so a build short of 38 unmatched rows is 38
    readable rows, not one cell of every line number.
    """
    rows_by_line = {row.line: row for row in bom.rows if not row.implicit} if bom else {}
    out: list[tuple[Any, ...]] = []
    for shortage in shortages:
        if shortage.part is not None or len(shortage.lines) <= 1 or not rows_by_line:
            name = shortage.part or _line_label(shortage.lines, rows_by_line)
            out.append((name, shortage.quantity, _lines(shortage.lines), shortage.reason))
            continue
        per_unit = sum((rows_by_line[n].quantity for n in shortage.lines if n in rows_by_line), Decimal(0))
        scale = shortage.quantity / per_unit if per_unit else Decimal(0)
        for n in shortage.lines:
            row = rows_by_line.get(n)
            quantity = normalize(row.quantity * scale) if row is not None and scale else None
            out.append((_line_label([n], rows_by_line), quantity, str(n), shortage.reason))
    return out


def _lines(lines: Sequence[int]) -> str:
    return ", ".join(map(str, lines))


def _line_label(lines: Sequence[int], rows_by_line: Mapping[int | None, BomRow]) -> str:
    if len(lines) == 1 and lines[0] in rows_by_line:
        row = rows_by_line[lines[0]]
        refs = " ".join(row.refs)
        label = unmatched_label(about(row))
        return f"{refs} {label}" if refs else label
    return "(unmatched)"


def shortage_summary(shortages: Sequence[Shortage], listing: str, limit: int = 5) -> str:
    """One short cell for a build's shortages: a few parts, else a count and ``listing``.

    Unmatched rows are counted (``38 unmatched rows``), never listed line by
    line in one cell; ``listing`` is the command that shows them all.
    """
    if len(shortages) > limit:  # one piece a shortage: counted, not written
        return f"{len(shortages)} shortages ('{listing}' lists them)"
    pieces: list[str] = []
    for s in shortages:
        reason = f" ({s.reason})" if s.reason else ""
        if s.part is not None:
            pieces.append(f"{s.part} {number(s.quantity)}{reason}")
        elif len(s.lines) == 1:
            pieces.append(f"line {s.lines[0]} {number(s.quantity)}{reason}")
        else:
            pieces.append(f"{len(s.lines)} unmatched rows")
    text = "; ".join(pieces)
    if any(s.part is None and len(s.lines) > 1 for s in shortages):
        text += f" ('{listing}' lists them)"
    return text


def blocker_rows(limited_by: Sequence[str], bom: BomFile | None) -> list[tuple[str, str]]:
    """What limits ``can-build``, one row each: parts short, and each unmatched BOM row by name.

    ``limited_by`` names parts, and unmatched rows as ``line …`` entries;
    those are listed once from the BOM itself, one per row that needs stock.
    """
    out: list[tuple[str, str]] = []
    listed = False
    for name in limited_by:
        if not name.startswith("line ") or bom is None:
            out.append((name, "short"))
            continue
        if listed:
            continue
        listed = True
        for row in bom.rows:
            if row.part is None and row.substitute is None and not (row.implicit or row.dnp or row.optional):
                refs = " ".join(row.refs)
                label = unmatched_label(about(row))
                out.append((f"{refs} {label}" if refs else label, f"unmatched BOM row (line {row.line})"))
    return out
