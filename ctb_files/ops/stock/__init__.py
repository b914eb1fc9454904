"""ctb_files.ops.stock."""
