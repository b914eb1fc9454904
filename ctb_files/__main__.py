"""``python -m ctb_files`` runs the ``ctb`` command."""

from ctb_files.cli import main

raise SystemExit(main())
