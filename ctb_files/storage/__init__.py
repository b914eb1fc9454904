"""Storage: the repository layout, YAML reading and writing, git."""
