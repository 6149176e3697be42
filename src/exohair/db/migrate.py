"""Apply migrations from code: `exohair db upgrade`, the test fixtures, `make run`. No alembic.ini needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

SCRIPTS = "exohair.db:migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPTS)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser interpolates '%'
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    _ensure_sqlite_directory(engine)
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _ensure_sqlite_directory(engine: Engine) -> None:
    database = engine.url.database
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
