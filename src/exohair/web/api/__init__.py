"""The JSON API, /api/v1: one router per capability, all behind the same authentication and error handling."""
