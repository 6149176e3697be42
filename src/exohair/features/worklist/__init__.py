"""The staff's Today page: sessions due with their gate status, clearances waiting, plans that moved."""
