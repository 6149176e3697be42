"""The registry's evidence (issue #5): the clinic's records read as a registry, analysed, and reported."""
