"""Scalp photos over the API: listed, shown and taken in only while the patient's photo consent stands (403
`no_photo_consent` otherwise, the list included); kept without EXIF; never cached; another patient's photo is
the same 404 as a missing one; an oversized upload is refused before its body is read; every read is audited."""

from __future__ import annotations

import asyncio
import io
import itertools
import uuid
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from exohair.db.models import AuditEntry, ConsentRecord, ScalpPhoto
from exohair.domain.access import Role
from exohair.features.consent import service as consents
from exohair.features.consent.schemas import ConsentIn
from personas import NOW

CL, CO, ON = Role.CLINICIAN, Role.COORDINATOR, Role.ONCOLOGIST
GPS_IFD, GPS_LATITUDE, MAKE = 0x8825, 2, 0x010F


def _jpeg(size: tuple[int, int] = (400, 300), *, located: bool = False) -> bytes:
    exif = Image.Exif()
    if located:
        exif.get_ifd(GPS_IFD)[GPS_LATITUDE] = (51.0, 30.0, 0.0)
        exif[MAKE] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", size, (150, 110, 80)).save(out, format="JPEG", **({"exif": exif.tobytes()} if located else {}))
    return out.getvalue()


def _consent(api, patient_id: uuid.UUID) -> ConsentRecord:
    """Consent to scalp photographs, signed on paper nine days ago and recorded by the coordinator."""
    signed = ConsentIn(scope="photos", document_version="PH-1", signed_by="The patient",
                       signed_at=NOW - timedelta(days=9))  # fmt: skip
    consent = consents.record_consent(api.session, api.world.actor(CO), patient_id, signed, at=NOW)
    api.session.commit()
    return consent


@pytest.fixture
def photo_consent(api) -> ConsentRecord:
    return _consent(api, api.world.ada.id)


def _url(patient_id: uuid.UUID, *rest: object) -> str:
    return "/".join([f"/api/v1/patients/{patient_id}/photos", *map(str, rest)])


def _upload(caller, patient_id: uuid.UUID, data: bytes | None = None, *, name: str = "IMG_0001.jpg",
            content_type: str = "image/jpeg", **fields: str):  # fmt: skip
    sent = {"view": "vertex", "taken_on": (NOW.date() - timedelta(days=1)).isoformat()} | fields
    files = {"file": (name, _jpeg() if data is None else data, content_type)}
    return caller.post(_url(patient_id), data=sent, files=files)


def _photo_count(api) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(ScalpPhoto))


def _photo_entries(api) -> list[AuditEntry]:
    api.session.expire_all()
    return list(api.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "scalp_photo")
                                    .order_by(AuditEntry.seq)))  # fmt: skip


def test_a_photo_with_a_location_is_kept_without_its_exif(api, photo_consent):
    sent = _upload(api.as_ada(), api.world.ada.id, _jpeg(located=True), name="IMG_0042.HEIC.jpg")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["view"], body["source"], body["width"], body["height"]) == ("vertex", "patient", 400, 300)
    api.session.expire_all()
    row = api.session.get(ScalpPhoto, uuid.UUID(body["id"]))
    stored = api.client.app.state.photo_store.get(row.content_hash)
    assert body["byte_size"] == len(stored)
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert dict(kept.getexif()) == {}
        assert "exif" not in kept.info
    served = api.as_(CL).get(body["links"]["image"])
    assert served.content == stored


def test_the_list_gives_each_photos_metadata_latest_first_and_filters_by_view(api, photo_consent):
    ada = api.world.ada.id
    clinician = api.as_(CL)
    older = _upload(clinician, ada, view="vertex", taken_on=(NOW.date() - timedelta(days=20)).isoformat()).json()
    newer = _upload(clinician, ada, _jpeg((300, 200)), view="frontal", taken_on=NOW.date().isoformat()).json()
    listed = api.as_(ON).get(_url(ada))
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [newer["id"], older["id"]]
    first = listed.json()[0]
    assert first == newer
    assert (first["view"], first["taken_on"], first["source"]) == ("frontal", NOW.date().isoformat(), "clinician")
    assert (first["width"], first["height"], first["assessment_id"]) == (300, 200, None)
    assert first["links"] == {"image": _url(ada, first["id"]), "thumbnail": _url(ada, first["id"], "thumbnail")}
    assert [p["id"] for p in api.as_ada().get(_url(ada), params={"view": "vertex"}).json()] == [older["id"]]
    assert api.as_(CO).get(_url(ada), params={"view": "left"}).json() == []
    wrong = api.as_(CO).get(_url(ada), params={"view": "top"})
    assert (wrong.status_code, wrong.json()["errors"][0]["field"]) == (422, "query.view")


def test_the_image_and_its_thumbnail_are_jpeg_and_never_cached(api, photo_consent):
    ada = api.world.ada.id
    photo = _upload(api.as_(CL), ada, _jpeg((1200, 900))).json()
    for link, size in ((photo["links"]["image"], (1200, 900)), (photo["links"]["thumbnail"], (320, 240))):
        answer = api.as_ada().get(link)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "image/jpeg"
        assert answer.headers["cache-control"] == "private, no-store"
        with Image.open(io.BytesIO(answer.content)) as image:
            assert (image.format, image.size) == ("JPEG", size)


def test_every_read_of_a_photo_or_the_list_is_audited_naming_the_patient(api, photo_consent):
    ada = api.world.ada.id
    photo = _upload(api.as_(CL), ada).json()
    oncologist = api.as_(ON)
    oncologist.get(_url(ada))
    oncologist.get(photo["links"]["image"])
    oncologist.get(photo["links"]["thumbnail"])
    entries = _photo_entries(api)
    assert [e.action for e in entries] == ["create", "search", "read", "read"]
    assert {e.changes["patient_id"] for e in entries} == {str(ada)}
    assert entries[1].changes["disclosed"] == [photo["id"]]
    assert [e.record_id for e in entries[2:]] == [photo["id"], photo["id"]]
    oncologist_id = api.world.users[("North", ON)].id
    assert {e.actor_id for e in entries[1:]} == {oncologist_id}


def test_a_photo_that_was_shown_is_refused_once_photo_consent_is_withdrawn(api, photo_consent):
    ada = api.world.ada.id
    photo = _upload(api.as_(CL), ada).json()
    assert api.as_(CL).get(photo["links"]["image"]).status_code == 200
    withdrawn = api.as_ada().post(f"/api/v1/consents/{photo_consent.id}/withdraw",
                                  json={"version": photo_consent.version})  # fmt: skip
    assert withdrawn.status_code == 200, withdrawn.text
    reads_before = len(_photo_entries(api))
    for caller in (api.as_(CL), api.as_ada()):
        for link in (_url(ada), photo["links"]["image"], photo["links"]["thumbnail"]):
            refused = caller.get(link)
            assert refused.status_code == 403, link
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "no_photo_consent"
    again = _upload(api.as_(CL), ada)
    assert (again.status_code, again.json()["code"]) == (403, "no_photo_consent")
    assert len(_photo_entries(api)) == reads_before, "a refusal discloses nothing, so nothing is audited"
    assert _photo_count(api) == 1, "the photo stays on file"
    _consent(api, ada)  # she consents again: her photos come back into view
    assert api.as_(CL).get(photo["links"]["image"]).status_code == 200


def test_without_photo_consent_nothing_is_taken_in_or_listed(api):
    ada = api.world.ada.id
    for caller in (api.as_(CL), api.as_ada()):
        refused = _upload(caller, ada)
        assert (refused.status_code, refused.json()["code"]) == (403, "no_photo_consent")
        listed = caller.get(_url(ada))
        assert (listed.status_code, listed.json()["code"]) == (403, "no_photo_consent")
    assert _photo_count(api) == 0


def test_another_patients_photo_is_the_same_404_as_a_missing_one(api, photo_consent):
    ada, bea = api.world.ada.id, api.world.bea.id
    _consent(api, bea)
    beas = _upload(api.as_(CL), bea).json()
    attempts = [
        (api.as_(CL), _url(ada, beas["id"])),  # Bea's photo under Ada's address
        (api.as_(CL), _url(ada, beas["id"], "thumbnail")),
        (api.as_ada(), _url(bea, beas["id"])),  # Ada asking for Bea's photo
        (api.as_(CL, clinic="south"), _url(bea, beas["id"])),  # another clinic
    ]
    for caller, link in attempts:
        missing = caller.get(link.replace(beas["id"], str(uuid.uuid4())))
        answer = caller.get(link)
        assert (answer.status_code, answer.json()) == (404, missing.json()), link
        assert answer.json()["code"] == "photo_not_found"


def test_a_patient_uploads_only_to_her_own_chart(api, photo_consent):
    _consent(api, api.world.bea.id)
    refused = _upload(api.as_ada(), api.world.bea.id)
    assert (refused.status_code, refused.json()["code"]) == (404, "patient_not_found")
    for role in (CO, ON, Role.RESEARCHER, Role.ADMIN):
        forbidden = _upload(api.as_(role), api.world.ada.id)
        assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden"), role
    assert _photo_count(api) == 0


def test_a_file_that_is_not_an_image_is_422_naming_the_field(api, photo_consent):
    sent = _upload(api.as_(CL), api.world.ada.id, b"%PDF-1.7 not a photo", name="scan.pdf",
                   content_type="application/pdf")  # fmt: skip
    assert sent.status_code == 422
    problem = sent.json()
    assert problem["code"] == "photo_refused"
    assert problem["errors"] == [{"field": "body.file", "message": problem["detail"], "type": "photo_refused"}]
    assert "not an image that can be read" in problem["detail"]
    assert _photo_count(api) == 0


def test_missing_or_wrong_fields_are_422_naming_each(api, photo_consent):
    ada = api.world.ada.id
    no_file = api.as_(CL).post(_url(ada), data={"view": "vertex", "taken_on": "2027-02-27"})
    assert no_file.status_code == 422
    assert [e["field"] for e in no_file.json()["errors"]] == ["body.file"]
    wrong = _upload(api.as_(CL), ada, view="top", taken_on="yesterday")
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["errors"]} == {"body.view", "body.taken_on"}
    future = _upload(api.as_(CL), ada, taken_on=(NOW.date() + timedelta(days=1)).isoformat())
    assert (future.status_code, future.json()["code"]) == (422, "taken_in_future")
    as_json = api.as_(CL).post(_url(ada), json={"view": "vertex"})
    assert as_json.status_code == 422
    assert _photo_count(api) == 0


def test_a_photo_is_filed_only_with_an_assessment_of_the_same_chart(api, photo_consent):
    ada, bea = api.world.ada.id, api.world.bea.id
    assessment = {"assessed_on": NOW.date().isoformat(), "dean_score": 1}
    adas = api.as_(CL).post(f"/api/v1/patients/{ada}/assessments", json=assessment).json()
    beas = api.as_(CL).post(f"/api/v1/patients/{bea}/assessments", json=assessment).json()
    filed = _upload(api.as_(CL), ada, assessment_id=adas["id"])
    assert (filed.status_code, filed.json()["assessment_id"]) == (201, adas["id"])
    crossed = _upload(api.as_(CL), ada, assessment_id=beas["id"])
    assert (crossed.status_code, crossed.json()["code"]) == (404, "assessment_not_found")
    assert _photo_count(api) == 1


def test_an_oversized_photo_is_413(api, photo_consent):
    api.client.app.state.max_photo_bytes = 100_000
    over_file = _upload(api.as_(CL), api.world.ada.id, _jpeg() + b"\0" * 100_000)
    assert (over_file.status_code, over_file.json()["code"]) == (413, "photo_too_large")
    assert over_file.json()["max_bytes"] == 100_000
    over_request = _upload(api.as_(CL), api.world.ada.id, b"\xff" * 200_000)
    assert (over_request.status_code, over_request.json()["code"]) == (413, "photo_too_large")
    assert _photo_count(api) == 0


async def _raw_post(app, path: str, headers: list[tuple[bytes, bytes]], chunks) -> tuple[int, int]:
    """POST straight to the ASGI app (the test client reads a request's whole body before the app starts):
    the status, and how many body chunks the app asked for."""
    asked = 0
    status = 0

    async def receive():
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}  # fmt: skip
    await app(scope, receive, send)
    return status, asked


def _endless(chunk: bytes):
    while True:
        yield chunk


def test_an_oversized_upload_is_refused_before_its_body_is_read(api, photo_consent):
    api.client.app.state.max_photo_bytes = 100_000
    app, path = api.client.app, _url(api.world.ada.id)
    auth = api.as_(CL).headers["Authorization"].encode()
    boundary = b"multipart/form-data; boundary=xyz"
    declared = [(b"authorization", auth), (b"content-type", boundary), (b"content-length", b"50000000")]
    assert asyncio.run(_raw_post(app, path, declared, _endless(b"x" * 65536))) == (413, 0)
    # Chunked (no Content-Length): counted as it arrives, refused once past the limit and its envelope.
    start = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
    chunks = itertools.chain([start], _endless(b"x" * 65536))
    status, asked = asyncio.run(_raw_post(app, path, [(b"authorization", auth), (b"content-type", boundary)], chunks))
    assert status == 413
    assert asked <= 4  # (100 kB + 64 kB envelope) / 64 kB chunks, and the first
    assert _photo_count(api) == 0


def test_an_upload_without_credentials_is_401_before_its_body_is_read(api):
    app, path = api.client.app, _url(api.world.ada.id)
    headers = [(b"content-type", b"multipart/form-data; boundary=xyz"), (b"content-length", b"1000")]
    assert asyncio.run(_raw_post(app, path, headers, _endless(b"x" * 1000))) == (401, 0)
