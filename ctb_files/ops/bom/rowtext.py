"""What a BOM row says about itself, as text: for diffs and for showing unmatched rows.

A row's ``about`` is its own content beyond part, quantity and refs (value,
footprint, MPN, SKUs, flags) as ``(field, text)`` pairs, so two versions of
an unmatched row compare by what they ask for, and a row with no part is
shown as ``(unmatched: 330 R_0805)``, never a bare "(unmatched)".
"""

from __future__ import annotations

from collections.abc import Iterable

from ctb_files.core.models import BomRow

__all__ = ["CONTENT", "About", "about", "describe", "unmatched_label"]

About = tuple[tuple[str, str], ...]
# the fields of ``about`` that make two rows differ (flags only mark a row)
CONTENT = ("value", "footprint", "mpn", "skus")


def about(row: BomRow) -> About:
    """The row's value, footprint, MPN, SKUs and flags, as far as it has them."""
    pairs = [
        ("value", row.value or ""),
        ("footprint", row.footprint or ""),
        ("mpn", row.mpn or ""),
        ("skus", ", ".join(f"{s.vendor} {s.sku}" for s in row.skus)),
        ("flags", "; ".join(row.flags)),
    ]
    return tuple((name, text) for name, text in pairs if text)


def _footprint(text: str) -> str:
    return text.rsplit(":", 1)[-1]


def describe(pairs: Iterable[tuple[str, str]]) -> str:
    """``330 R_0805 MPN RC0805`` (the footprint without its library)."""
    found = dict(pairs)
    bits = [found.get("value", ""), _footprint(found.get("footprint", ""))]
    if "mpn" in found:
        bits.append(f"MPN {found['mpn']}")
    elif "skus" in found:
        bits.append(found["skus"].split(", ")[0])
    return " ".join(bit for bit in bits if bit)


def unmatched_label(pairs: Iterable[tuple[str, str]]) -> str:
    """``(unmatched: 330 R_0805)``, or ``(unmatched)`` for a row that says nothing more."""
    text = describe(pairs)
    return f"(unmatched: {text})" if text else "(unmatched)"
