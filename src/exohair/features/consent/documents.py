"""The consent documents a patient reads and signs in the portal: one per scope (treatment, registry, photos),
each with its own version.

A clinic publishes its own as consent.yaml from the admin pages (kept as a revision, like its protocols); until
it does, exohair's plain-language template is shown. A clinic that set a consent version for a paper document
it has not published here has no text to show: the portal then says to sign at the clinic, rather than put a
signature to words the clinic did not write.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from exohair.db.models import Clinic

FILE_NAME = "consent.yaml"
SCOPES = ("treatment", "registry", "photos")
Version = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=40, max_length=20_000)]


class ConsentDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Version
    title: Title
    text: Body

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(part.split()) for part in self.text.split("\n\n") if part.strip()]


class ConsentDocuments(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    treatment: ConsentDocument
    registry: ConsentDocument
    photos: ConsentDocument

    def of(self, scope: str) -> ConsentDocument:
        document: ConsentDocument = getattr(self, scope)
        return document


class DocumentsRefused(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


def parse_documents(text: str) -> ConsentDocuments:
    """consent.yaml as written; DocumentsRefused with one located sentence per fault."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise DocumentsRefused([f"your {FILE_NAME}: {where}not valid YAML"]) from None
    try:
        return ConsentDocuments.model_validate(document)
    except ValidationError as error:
        problems = [
            f"your {FILE_NAME}: {'.'.join(str(part) for part in detail['loc']) or 'the file'}: {detail['msg']}"
            for detail in error.errors(include_url=False)
        ]
        raise DocumentsRefused(problems) from None


def template_text() -> str:
    return (resources.files("exohair.features.consent") / "consent_template.yaml").read_text(encoding="utf-8")


@functools.cache
def template() -> ConsentDocuments:
    return parse_documents(template_text())


@functools.lru_cache(maxsize=32)
def _published(text: str) -> ConsentDocuments:
    return parse_documents(text)


def documents_in_force(clinic: Clinic, published_text: str | None) -> ConsentDocuments | None:
    """What the clinic's patients sign now, or None when its consent is a paper document not published here."""
    if published_text is not None:
        return _published(published_text)
    documents = template()
    if clinic.consent_document_version not in (None, documents.treatment.version):
        return None
    return documents
