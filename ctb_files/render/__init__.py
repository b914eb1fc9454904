"""ctb_files.render."""
