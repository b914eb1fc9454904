"""``PROJECT:VERSION`` wherever a command names a project version (``vco:v1`` or ``vco v1``)."""

from __future__ import annotations

from ctb_files.errors import UsageError

__all__ = ["project_version", "split_project"]


def split_project(text: str) -> tuple[str, str | None]:
    """``vco:v1`` -> (vco, v1); ``vco`` -> (vco, None); a half-empty form is refused with the right one."""
    if ":" not in text:
        return text, None
    project, _, version = text.partition(":")
    if not project or not version or ":" in version:
        raise UsageError(f"{text!r} is not PROJECT:VERSION; write it like vco:v1")
    return project, version


def project_version(first: str, second: str | None) -> tuple[str, str]:
    """The project and version from ``P:V`` or ``P V``; a usage error naming both forms otherwise."""
    project, version = split_project(first)
    if version is not None:
        if second is not None:
            raise UsageError(f"give {first} or '{project} {second}', not both")
        return project, version
    if second is None:
        raise UsageError(f"name the version too: {first}:VERSION (e.g. {first}:v1) or '{first} VERSION'")
    return first, second
