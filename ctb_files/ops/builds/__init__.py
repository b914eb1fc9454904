"""ctb_files.ops.builds."""
