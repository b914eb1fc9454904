"""ctb_files.ops.orders."""
