"""A clinic's own protocols, tariffs, consent documents and questionnaires, edited in the app: every published
file is kept."""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from exohair.db.base import Base, ClinicScoped, Identified, Timestamped


class KnowledgeRevision(Identified, ClinicScoped, Timestamped, Base):
    """One published version of a clinic's protocols.yaml, tariffs.yaml, consent.yaml or instruments.yaml; the
    newest is in force.

    Older ones stay: a plan keeps the protocol version it was made with (what the oncologist cleared), and its
    definition is found here when the clinic has since published a newer one.
    """

    __tablename__ = "knowledge_revisions"
    __table_args__ = (
        UniqueConstraint("clinic_id", "file_name", "number"),
        CheckConstraint(
            "file_name IN ('protocols.yaml', 'tariffs.yaml', 'consent.yaml', 'instruments.yaml')", name="file_name"
        ),
    )

    file_name: Mapped[str] = mapped_column(String(40), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # 1, 2, ... per clinic and file
    file_version: Mapped[str] = mapped_column(String(40), nullable=False)  # the file's own `version:`
    text: Mapped[str] = mapped_column(Text, nullable=False)  # as the admin wrote it, comments included
    # protocols.yaml only: {protocol id: version} of the protocols it defines, to find an older version's home.
    protocol_versions: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False, default=dict)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")  # why it changed
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
