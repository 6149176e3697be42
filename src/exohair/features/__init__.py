"""Use cases, one package per capability. Services call the pure domain; they flush, never commit."""
