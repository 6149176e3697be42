"""The clinic's own settings, kept by its admin: protocols and tariffs as published files, and closed days."""
