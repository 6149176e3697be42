"""One typed Settings object, read from the environment (prefix EXOHAIR_). Bad values fail at start."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXOHAIR_", extra="ignore")

    # SQLAlchemy URL of the system of record. SQLite (the default, a file under var/) or PostgreSQL, e.g.
    # postgresql+psycopg://user@host:5432/exohair.
    database_url: str = "sqlite:///var/exohair.sqlite3"
    # A directory of clinic knowledge files (agents.yaml, regimens.yaml, ...) that replace the shipped ones.
    knowledge_dir: Path | None = None
    # Where scalp photos are kept (by content hash), outside the database.
    photo_dir: Path = Path("var/photos")
    # The largest photo accepted, in bytes: a phone's full-resolution JPEG or HEIC is 2-8 MB.
    max_photo_bytes: int = 15 * 1024 * 1024
    # The largest FHIR Bundle accepted for import, in bytes: one patient's whole Synthea record is 1-5 MB.
    max_fhir_bytes: int = 20 * 1024 * 1024
    # The clinic's IANA time zone: dates of care are calendar dates there.
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"EXOHAIR_TIMEZONE '{value}' is not an IANA time zone such as Europe/London") from None
        return value


def get_settings() -> Settings:
    return Settings()
