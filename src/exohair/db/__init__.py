"""The system of record: SQLAlchemy models, engines and sessions, and the Alembic migrations that build them."""
