"""``ctb part new``, ``package new``, ``vendor new``, ``project new``: valid files from options."""

from __future__ import annotations

from typing import Any

import click

from ctb_files.cli.app import cli, common, echo_json, finish, options, workspace, writes
from ctb_files.cli.part import part_group
from ctb_files.cli.project import project_group
from ctb_files.cli.vendor import vendor_group
from ctb_files.core import paths as layout
from ctb_files.core.models.common import valid_id
from ctb_files.core.text import parse_quantity
from ctb_files.errors import UsageError
from ctb_files.storage.writeback.create import create_file


def _create(rel: str, kind: str, object_id: str, data: dict[str, Any]) -> None:
    if not valid_id(object_id):
        raise UsageError(f"{object_id!r} is not a valid id (letters, digits, . _ + -, max 80)")
    ws = workspace()
    text = create_file(ws.changes, ws.inventory, rel, kind, {k: v for k, v in data.items() if v not in (None, [], {})})
    finish(ws, f"new {kind} {object_id}", {f"Ctb-{kind.capitalize()}": [object_id]})
    if options().format == "json":
        echo_json({"id": object_id, "path": rel, "text": text})


@part_group.command("new")
@click.argument("part_id", metavar="ID")
@click.option("--name", required=True, help="What the part is.")
@click.option("--description")
@click.option("--value", help="As KiCad writes it (10K, 100nF).")
@click.option("--symbol", help="Designator prefix (R, C, U).")
@click.option("--package", help="packages/<id>.")
@click.option("--unit", help="pcs (default), m, g, mL, …")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--datasheet", help="Datasheet URL.")
@click.option("--min-stock", help="Keep at least this available (ctb stock low).")
@click.option("--vendor", help="A vendor part: vendors/<id> (with --sku).")
@click.option("--sku", help="The vendor's part number.")
@click.option("--mpn", help="Manufacturer part number.")
@click.option("--manufacturer")
@common()
@writes
def part_new_cmd(part_id: str, name: str, description: str | None, value: str | None, symbol: str | None,
                 package: str | None, unit: str | None, tags: tuple[str, ...], datasheet: str | None,
                 min_stock: str | None, vendor: str | None, sku: str | None, mpn: str | None,
                 manufacturer: str | None) -> None:  # fmt: skip
    """Create parts/ID.yaml; refused when the result would not check."""
    if (vendor is None) != (sku is None):
        raise UsageError("give --vendor and --sku together")
    vendor_parts = []
    if vendor is not None:
        vendor_parts.append({k: v for k, v in {"vendor": vendor, "sku": sku, "mpn": mpn, "manufacturer": manufacturer}.items()
                             if v is not None})  # fmt: skip
    elif mpn or manufacturer:
        raise UsageError("--mpn and --manufacturer belong to a vendor part: give --vendor and --sku too")
    data = {
        "name": name, "description": description, "value": value, "symbol": symbol, "package": package,
        "unit": unit, "tags": list(tags), "datasheet": datasheet,
        "min_stock": parse_quantity(min_stock) if min_stock is not None else None, "vendor_parts": vendor_parts,
    }  # fmt: skip
    _create(layout.part_path(part_id), "part", part_id, data)


@cli.group("package")
def package_group() -> None:
    """Packages: the physical package of parts, its footprints and implicit parts."""


@package_group.command("new")
@click.argument("package_id", metavar="ID")
@click.option("--name", required=True)
@click.option("--technology", type=click.Choice(["smd", "tht", "unknown"]))
@click.option("--footprint", "footprints", multiple=True, help="A KiCad footprint, Lib:Name (repeatable).")
@common()
@writes
def package_new_cmd(package_id: str, name: str, technology: str | None, footprints: tuple[str, ...]) -> None:
    """Create packages/ID.yaml; refused when the result would not check."""
    data = {"name": name, "technology": technology, "footprints": list(footprints)}
    _create(layout.package_path(package_id), "package", package_id, data)


@vendor_group.command("new")
@click.argument("vendor_id", metavar="ID")
@click.option("--name", required=True)
@click.option("--url")
@click.option("--api", type=click.Choice(["mouser"]), help="Enables ctb vendor populate.")
@click.option("--currency", help="ISO code of its prices.")
@common()
@writes
def vendor_new_cmd(vendor_id: str, name: str, url: str | None, api: str | None, currency: str | None) -> None:
    """Create vendors/ID.yaml; refused when the result would not check."""
    _create(layout.vendor_path(vendor_id), "vendor", vendor_id, {"name": name, "url": url, "api": api, "currency": currency})


@project_group.command("new")
@click.argument("project_id", metavar="ID")
@click.option("--name", required=True)
@click.option("--github", help="owner/repo holding the BOM.")
@click.option("--git", "git_url", help="Any git remote or local repository holding the BOM.")
@click.option("--path", help="A BOM file inside this inventory.")
@click.option("--bom-path", help="Path of the BOM inside the source repository.")
@click.option("--bom-format", help="auto (default), kicad-cli, …")
@click.option("--part", help="The finished product: parts/<id>.")
@click.option("--version", "versions", multiple=True, metavar="NAME[=REF]", help="A version (repeatable).")
@common()
@writes
def project_new_cmd(project_id: str, name: str, github: str | None, git_url: str | None, path: str | None,
                    bom_path: str | None, bom_format: str | None, part: str | None,
                    versions: tuple[str, ...]) -> None:  # fmt: skip
    """Create projects/ID/project.yaml; refused when the result would not check."""
    sources = {k: v for k, v in {"github": github, "git": git_url, "path": path}.items() if v}
    if len(sources) > 1:
        raise UsageError("give one of --github, --git, --path")
    listed = []
    for item in versions:
        version, _, ref = item.partition("=")
        listed.append({"name": version.strip(), **({"ref": ref.strip()} if ref.strip() else {})})
    data = {"name": name, "source": sources or None, "bom_path": bom_path, "bom_format": bom_format,
            "part": part, "versions": listed}  # fmt: skip
    _create(layout.project_path(project_id), "project", project_id, data)
