"""Writing project files: a new project, a new version in an existing one.

The only code that edits ``projects/<id>/project.yaml``.
"""

from __future__ import annotations

from typing import Any

from ctb_files.core.paths import project_path
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.yaml import CommentedSeq, new_document, to_roundtrip


def new_project(changes: ChangeSet, project_id: str, data: dict[str, Any]) -> None:
    """Stage a new ``projects/<id>/project.yaml`` holding ``data``."""
    changes.write_text(project_path(project_id), new_document(data))


def add_version(changes: ChangeSet, project_id: str, version: dict[str, Any]) -> None:
    """Append a version to the project's ``versions`` (comments on the others kept)."""
    doc = changes.edit(project_path(project_id))
    versions = doc.get("versions")
    if isinstance(versions, CommentedSeq):
        versions.append(to_roundtrip(version, in_list=True))
    else:
        doc["versions"] = to_roundtrip([version])
