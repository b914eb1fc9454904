"""Pure computations over an inventory: no disk, no git, no network."""
