"""Component values and reference designators as text: normalisation and expansion.

``normalize_value`` turns the RKM style that schematics use (``4k7``, ``2u2``)
into the decimal style that part files use (``4.7k``, ``2.2u``), so both sides
of a match compare equal.  ``expand_refs`` turns a BOM's reference cell
(``"R1-R4, R7,"``) into a list of single designators.  Pure text functions,
shared by the importers and the matcher.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["expand_refs", "mpn_key", "normalize_value", "quantity_of", "ref_prefix", "value_key"]

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
# a descriptive value ("1uF, 10V, X5R", "4K7 1%") is read by its leading value
_LEADING = re.compile(r"[\s,;/]+")

_SCALE = {
    "p": Decimal("1e-12"),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "K": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
}
_PREFIXES = ("p", "n", "u", "m", "", "k", "M", "G")
_QUANTITY = re.compile(
    r"^(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<prefix>[pnuµμmkKMG]|meg|MEG|Meg)?"
    r"(?P<unit>F|H|\u03a9|\u2126|ohms?|Ohms?|OHMS?|R)?$"
)
_RKM_R = re.compile(r"^(?P<whole>\d*)R(?P<frac>\d+)$")
_MPN_NOISE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]+")


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
        value = _LEADING.split(value, 1)[0]
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


def quantity_of(text: str) -> Decimal | None:
    """The magnitude of a component value in base units, or None when it is no quantity.

    ``100n``, ``100nF``, ``0.1uF`` and ``100000pF`` are all 1E-7; ``4R7`` and
    ``4.7 ohm`` are 4.7; ``1uF, 10V, X5R`` is 1E-6; ``1N4148`` is None.
    """
    lead = _LEADING.split(text.strip(), 1)[0] if text.strip() else ""
    if not lead:
        return None
    rkm = _RKM_R.match(lead)
    if rkm is not None:
        return Decimal(f"{rkm['whole'] or 0}.{rkm['frac']}")
    normal = normalize_value(lead)
    match = _QUANTITY.match(normal)
    if match is None:
        return None
    prefix = match["prefix"] or ""
    prefix = {"µ": "u", "μ": "u", "meg": "M", "MEG": "M", "Meg": "M"}.get(prefix, prefix)
    try:
        return Decimal(match["number"]) * _SCALE[prefix]
    except InvalidOperation:
        return None


def value_key(text: str) -> str:
    """The form values are compared in: a quantity in SI style (``4.7k``, ``100n``), else the text.

    Equal magnitudes give equal keys whatever the prefix, the micro sign or
    the unit (``100n`` = ``0.1uF`` = ``100000pF`` -> ``100n``).
    """
    magnitude = quantity_of(text)
    if magnitude is None:
        return normalize_value(text)
    if magnitude == 0:
        return "0"
    for prefix in reversed(_PREFIXES):
        scaled = magnitude / _SCALE[prefix]
        if abs(scaled) >= 1 or prefix == "p":
            return _plain(scaled) + prefix
    return _plain(magnitude)


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def mpn_key(text: str) -> str:
    """An MPN as compared: upper case, without spaces and dashes."""
    return _MPN_NOISE.sub("", text).upper()
