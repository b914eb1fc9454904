"""Whether a BOM row is do-not-populate (PRODUCT.md 6.2), and what is too unclear to say.

A DNP column (``DNP``, ``DNF``, ``Do not populate``) holds a word that says
yes or no; a ``Populate``/``Fitted`` column says the opposite; a value of
``DNP``/``DNF``/``NF``/``do not place`` marks the row; a Note/Notes/Comment
saying "do not install", "not fitted" or "no pop" does too.  Any other text
in a DNP or Populate column is not guessed at: it adds a flag and the row
stays populated.
"""

from __future__ import annotations

import re

# words in a DNP column: the row is DNP / the row is fitted
_DNP_YES = frozenset(
    ["dnp", "dnf", "nf", "x", "yes", "y", "true", "1", "do not populate", "do not place",
     "do not fit", "not fitted", "not populated", "no pop", "nopop", "excluded"]
)
_DNP_NO = frozenset(["", "0", "no", "n", "false", "-", "none", "fitted", "populate", "fit"])
# words in a Populate/Fitted column: the row is fitted / the row is DNP
_FIT_YES = frozenset(["", "yes", "y", "true", "1", "x", "fitted", "fit", "populate", "populated"])
_FIT_NO = frozenset(
    ["no", "n", "false", "0", "dnp", "dnf", "nf", "not fitted", "no pop", "do not populate"]
)
_DNP_VALUES = frozenset(["dnp", "dnf", "nf", "do not place", "do not populate", "do not fit"])
_DNP_NOTE = re.compile(
    r"\b(?:dnp|dnf|do\s*n[o']?t\s+(?:populate|place|fit|install|mount|stuff|assemble)"
    r"|not\s+(?:fitted|populated|placed|installed|mounted)|no[ -]?pop)\b",
    re.I,
)


def _word(text: str) -> str:
    return " ".join(text.strip().lower().split())


def read_dnp(dnp_cell: str, populate_cell: str, value: str, note: str, flags: list[str]) -> bool:
    """True when the row is DNP; unclear DNP/Populate text is appended to ``flags``."""
    dnp = False
    word = _word(dnp_cell)
    if word in _DNP_YES:
        dnp = True
    elif word not in _DNP_NO:
        flags.append(f"DNP column holds {dnp_cell.strip()!r}, not a DNP word; row kept populated")
    word = _word(populate_cell)
    if word in _FIT_NO:
        dnp = True
    elif word not in _FIT_YES:
        flags.append(
            f"Populate column holds {populate_cell.strip()!r}, not a yes/no word; row kept populated"
        )
    if _word(value) in _DNP_VALUES:
        dnp = True
    if note and _DNP_NOTE.search(note):
        dnp = True
    return dnp
