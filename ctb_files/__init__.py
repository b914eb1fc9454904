"""ctb-files: Clear To Build, kept as files."""

__version__ = "0.1.0"
