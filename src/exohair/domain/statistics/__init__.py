"""Statistics for the registry (issue #5): numerical code only; plotting and printing live elsewhere."""
