"""The id rule: what may name an inventory file (kept free of pydantic: commands that only read git use it)."""

from __future__ import annotations

import re

__all__ = ["ID_PATTERN", "valid_id"]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,79}$"
_ID_RE = re.compile(ID_PATTERN)


def valid_id(value: str) -> bool:
    """True when ``value`` may name a file: the id pattern and no ``..``."""
    return bool(_ID_RE.fullmatch(value)) and ".." not in value  # fullmatch: ``$`` alone takes a final newline
