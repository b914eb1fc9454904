"""Check BOM rows' ``ext`` values against ``ctb.yaml`` ``bom_extensions`` (CTB45x).

* CTB450 unknown extension name (with a did-you-mean hint)
* CTB451 value of the wrong type (also unknown object fields, bad list items)
* CTB452 extension used in a BOM its ``applies_to.tags`` excludes
* CTB453 an extension declared twice in ``ctb.yaml``

When ``ctb.yaml`` itself does not validate, rows are not checked: every
extension would look undeclared, burying the one real error.
"""

from __future__ import annotations

from ctb_files.checks import check
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic
from ctb_files.ops.bom.extensions import declared, row_problems


@check("bom-extension-declarations")
def check_declarations(inv: Inventory) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    first: dict[str, int] = {}
    for index, ext in enumerate(inv.settings.bom_extensions):
        if ext.name in first:
            message = f"extension {ext.name!r} is declared twice (first at bom_extensions[{first[ext.name]}])"
            out.append(Diagnostic(layout.SETTINGS, 0, 0, "CTB453", message, loc=("bom_extensions", index, "name")))
        else:
            first[ext.name] = index
    return out


@check("bom-extensions")
def check_extensions(inv: Inventory) -> list[Diagnostic]:
    if not inv.settings_valid:
        return []
    decls = declared(inv.settings.bom_extensions)
    out: list[Diagnostic] = []
    for part_id in sorted(inv.parts):
        part = inv.parts[part_id]
        for index, line in enumerate(part.bom or []):
            if not line.ext:  # nearly every line
                continue
            for code, sub, message in row_problems(line.ext, decls, part.tags, f"part {part_id}"):
                loc = ("bom", index, "ext", *sub)
                out.append(Diagnostic(layout.part_path(part_id), 0, 0, code, message, loc=loc))
    for (project_id, version), bom in sorted(inv.boms.items()):
        project = inv.projects.get(project_id)
        tags = project.tags if project is not None else []
        for index, row in enumerate(bom.rows):
            if not row.ext:  # nearly every row
                continue
            for code, sub, message in row_problems(row.ext, decls, tags, f"project {project_id}"):
                loc = ("rows", index, "ext", *sub)
                out.append(Diagnostic(layout.bom_path(project_id, version), 0, 0, code, message, loc=loc))
    return out
