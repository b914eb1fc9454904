"""What frames a file's one document: a ``---`` line that opens it and a ``...`` line that closes it; and
the line break it is written with.

yamllint's ``document-start`` rule asks every file to open with ``---``,
and some writers close with ``...``.  The round-trip parser reads neither,
nor the comments before ``---`` or after ``...`` (nor a blank first line),
so a file written back would lose them.  Nor does it keep a file's line
breaks: it reads CR LF as LF and writes LF.  Every writer of a whole
document puts the frame back around what it writes and the file's line
break back into it (:func:`~ctb_files.storage.yaml.edit.dump`; ``ctb fmt``
keeps the frame, and writes LF, its house style), and the editors that keep
a file's text keep both as they are, so both ways write the same bytes.
"""

from __future__ import annotations


def document_frame(text: str) -> tuple[str, str]:
    """The lines of ``text`` up to its ``---`` line and from its ``...`` line on; empty where there is none.

    Only a marker alone on its line counts, with nothing before ``---`` or
    after ``...`` but blank lines and comments.  Without ``---``, a first
    line that is blank is the head (the round trip drops it too).  Line
    breaks are given as ``\\n`` (the round trip writes no other).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    head, start = "", 0
    for number, line in enumerate(lines):
        if line == "---":
            head, start = "".join(f"{each}\n" for each in lines[: number + 1]), number + 1
            break
        if not _aside(line):
            break
    if not start and len(lines) > 1 and not lines[0].strip(" "):
        head, start = f"{lines[0]}\n", 1  # without ``---``, the round trip drops a first line that is blank
    for number in range(len(lines) - 1, start - 1, -1):
        line = lines[number]
        if line == "...":
            return head, "\n".join(lines[number:])
        if not _aside(line):
            break
    return head, ""


def _aside(line: str) -> bool:
    """A blank line or a whole-line comment."""
    body = line.lstrip(" ")
    return not body or body.startswith("#")


def line_break(text: str) -> str:
    """``"\\r\\n"`` when every line of ``text`` ends so (a file written on Windows), else ``"\\n"``.

    The round trip reads any line break as ``\\n`` and writes ``\\n``; a
    writer puts a file's own line break back (:func:`with_break`).
    """
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\r") == text.count("\n") else "\n"


def with_break(text: str, brk: str) -> str:
    """``text`` (lines ending ``\\n``) with its lines ending ``brk``."""
    return text if brk == "\n" else text.replace("\n", brk)
