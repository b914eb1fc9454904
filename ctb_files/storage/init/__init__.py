"""ctb_files.storage.init."""
