"""ctb_files.core."""
