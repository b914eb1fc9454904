"""ctb_files.ops.bom."""
