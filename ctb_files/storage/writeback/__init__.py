"""Write-back: the only code that edits a YAML document, one module per file kind.

Commands compute what changes (ops), then hand it to the module of the file
kind here, which stages the edit in the command's :class:`~ctb_files.storage.changes.ChangeSet`
(all files written together or none).
"""
