"""Component values and reference designators as text: normalisation and expansion.

``normalize_value`` turns the RKM style that schematics use (``4k7``, ``2u2``)
into the decimal style that part files use (``4.7k``, ``2.2u``), so both sides
of a match compare equal.  ``expand_refs`` turns a BOM's reference cell
(``"R1-R4, R7,"``) into a list of single designators.  Pure text functions,
shared by the importers and the matcher.
"""

from __future__ import annotations

import re

__all__ = ["expand_refs", "normalize_value", "ref_prefix"]

# RKM code: the multiplier letter stands where the decimal point goes.  Upper
# case P and U are read as p and u (nobody means peta- or "U" as a unit here);
# upper case N is *not* a multiplier, or 1N4148 would become a capacitor.
_MULTIPLIERS = {
    "p": "p",
    "P": "p",
    "n": "n",
    "u": "u",
    "U": "u",
    "\u00b5": "u",  # micro sign
    "\u03bc": "u",  # greek mu
    "m": "m",
    "k": "k",
    "K": "K",
    "M": "M",
    "G": "G",
}
_RKM = re.compile(
    r"^(?P<whole>\d+)(?P<mult>[" + "".join(_MULTIPLIERS) + r"])(?P<frac>\d+)(?P<unit>F|H|\u03a9|)$"
)
_STARTS_NUMERIC = re.compile(r"^[0-9.]")


def normalize_value(text: str) -> str:
    """The comparable form of a component value.

    ``4k7`` -> ``4.7k``, ``3U3`` -> ``3.3u``, ``4K7 1%`` -> ``4.7K``; values
    that are not RKM codes (``10K``, ``100nF``, ``1N4148``) come back
    stripped but otherwise unchanged.  Words after the first space are
    dropped only when the value starts with a number (a tolerance or a
    voltage rating); ``LED Green 0402`` stays whole.
    """
    value = text.strip()
    if not value:
        return value
    if _STARTS_NUMERIC.match(value):
        value = value.split(None, 1)[0]
    match = _RKM.match(value)
    if match is None:
        return value
    mult = _MULTIPLIERS[match["mult"]]
    return f"{match['whole']}.{match['frac']}{mult}{match['unit']}"


_SPLIT = re.compile(r"[\s,;]+")
_RANGE = re.compile(r"^(?P<prefix>[A-Za-z_]+)(?P<start>\d+)-(?P=prefix)(?P<end>\d+)$")
# a range longer than this is taken literally: it is a typo, not 100k resistors
_MAX_RANGE = 10_000


def expand_refs(text: str) -> list[str]:
    """Single designators from a reference cell, in order, without repeats.

    Splits on commas, semicolons and whitespace (``"R1, R2,"``, ``"R3 R4"``)
    and expands same-prefix ranges (``R1-R4`` -> R1, R2, R3, R4).  A dash
    that is not such a range is part of the designator (``SW-1``).
    """
    seen: dict[str, None] = {}
    for token in _SPLIT.split(text):
        if not token:
            continue
        for ref in _expand_token(token):
            seen.setdefault(ref, None)
    return list(seen)


def _expand_token(token: str) -> list[str]:
    match = _RANGE.match(token)
    if match is None:
        return [token]
    start_text, end_text = match["start"], match["end"]
    start, end = int(start_text), int(end_text)
    if end < start or end - start > _MAX_RANGE:
        return [token]
    prefix = match["prefix"]
    # keep zero padding when both ends are padded alike (R01-R04 -> R01 … R04)
    padded = start_text.startswith("0") and len(start_text) == len(end_text)
    width = len(start_text) if padded else 0
    return [f"{prefix}{n:0{width}d}" if width else f"{prefix}{n}" for n in range(start, end + 1)]


_PREFIX = re.compile(r"^\D*")
_PREFIX_TRAILER = "-_=+/*.:#"


def ref_prefix(ref: str) -> str:
    """The designator prefix: ``R12`` -> ``R``, ``Brd1`` -> ``Brd``, ``SW-1`` -> ``SW``."""
    head = _PREFIX.match(ref.strip())
    prefix = head.group(0) if head else ""
    return prefix.rstrip(_PREFIX_TRAILER) or prefix
