"""/api/v1: chemo courses, recorded infusions, the plan (JSON and iCalendar) and its versions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, TypeAdapter

from exohair.domain.full_plan import FullPlan
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn, PlanChangeIn
from exohair.features.plans import service as plans
from exohair.features.plans.calendar import patient_calendar
from exohair.features.plans.service import Replanned
from exohair.interop.plan_json import plan_to_json
from exohair.knowledge import Knowledge
from exohair.web.deps import Signed

router = APIRouter(tags=["plans"])


class CourseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    regimen_id: str
    first_infusion: date
    last_cytotoxic_infusion: date
    end_of_chemo: date
    status: str


class PlanVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID | None  # None in a preview: nothing was filed
    number: int
    protocol_id: str
    protocol_version: int
    adjuncts: list[str]
    reason: str
    planned_from: date
    sessions: list[dict[str, Any]]
    moved: list[dict[str, Any]]
    created_at: datetime | None = None


class MoveOut(BaseModel):
    key: str
    label: str
    before: date | None
    after: date | None


class ReplannedOut(BaseModel):
    course: CourseOut
    plan_version: PlanVersionOut
    moved: list[MoveOut]
    preview: bool = False


def _replanned(result: Replanned, *, preview: bool = False) -> ReplannedOut:
    return ReplannedOut(
        course=CourseOut.model_validate(result.course),
        plan_version=PlanVersionOut.model_validate(result.version),
        moved=[MoveOut(key=m.key, label=m.label, before=m.before, after=m.after) for m in result.moves],
        preview=preview,
    )


@router.post(
    "/patients/{patient_id}/courses",
    response_model=ReplannedOut,
    status_code=201,
    summary="Start a chemo course and its first therapy plan",
)
def start_course(ctx: Signed, patient_id: uuid.UUID, data: CourseIn) -> ReplannedOut:
    result = courses.start_course(ctx.session, ctx.actor, patient_id, data, ctx.knowledge, at=ctx.at)
    return ctx.commit(_replanned(result))


@router.get("/patients/{patient_id}/courses", response_model=list[CourseOut], summary="A patient's chemo courses")
def list_courses(ctx: Signed, patient_id: uuid.UUID) -> list[CourseOut]:
    found = courses.list_courses(ctx.session, ctx.actor, patient_id, at=ctx.at)
    return ctx.commit([CourseOut.model_validate(c) for c in found])


@router.get("/courses/{course_id}", response_model=CourseOut, summary="Read a chemo course")
def get_course(ctx: Signed, course_id: uuid.UUID) -> CourseOut:
    return ctx.commit(CourseOut.model_validate(courses.get_course(ctx.session, ctx.actor, course_id, at=ctx.at)))


@router.post(
    "/courses/{course_id}/infusions",
    response_model=ReplannedOut,
    status_code=201,
    summary="Record a delayed, early or skipped infusion; the plan re-anchors and says what moved",
)
def record_infusion(
    ctx: Signed,
    course_id: uuid.UUID,
    data: InfusionRecordIn,
    preview: Annotated[bool, Query(description="Show what would move without saving anything")] = False,
) -> ReplannedOut:
    result = courses.record_infusion(ctx.session, ctx.actor, course_id, data, ctx.knowledge, at=ctx.at, preview=preview)
    return ctx.commit(_replanned(result, preview=preview))


@router.post(
    "/patients/{patient_id}/plan/versions",
    response_model=ReplannedOut,
    status_code=201,
    summary="Change the protocol or adjuncts: files a new plan version",
)
def change_plan(ctx: Signed, patient_id: uuid.UUID, data: PlanChangeIn) -> ReplannedOut:
    result = courses.change_plan(ctx.session, ctx.actor, patient_id, data, ctx.knowledge, at=ctx.at)
    return ctx.commit(_replanned(result))


@router.get(
    "/patients/{patient_id}/plan/versions",
    response_model=list[PlanVersionOut],
    summary="Every version of the current course's plan, newest first",
)
def list_versions(ctx: Signed, patient_id: uuid.UUID) -> list[PlanVersionOut]:
    found = plans.list_versions(ctx.session, ctx.actor, patient_id, at=ctx.at)
    return ctx.commit([PlanVersionOut.model_validate(v) for v in found])


# The plan is plain JSON-ready data already: serialised here exactly as FastAPI would serialise the returned dict
# (the same pydantic serialiser), minus FastAPI's validation pass over it, which for a sync route also costs a
# hop to the threadpool and back. The route's busiest caller is the plan view (benchmarks/api.py).
_PLAN_JSON = TypeAdapter(dict[str, Any])


@router.get(
    "/patients/{patient_id}/plan",
    response_model=dict[str, Any],
    summary="The current plan, as `exohair plan --format json` prints it",
)
def get_plan(ctx: Signed, patient_id: uuid.UUID) -> Response:
    # Most reads of this route are answered before they reach it, by web/plan_lane.py; this answers the rest.
    stored = plans.current_plan(ctx.session, ctx.actor, patient_id, ctx.knowledge, at=ctx.at)
    return ctx.commit(plan_answer(stored.full, ctx.knowledge, stored.version.id, stored.version.number))


def plan_answer(full: FullPlan, knowledge: Knowledge, version_id: uuid.UUID, number: int) -> Response:
    """The answer of GET /patients/{id}/plan, from this route or from the plan lane: the same bytes and headers."""
    body = plan_to_json(full, dict(knowledge.versions))
    body["plan_version"] = {"id": str(version_id), "number": number}
    return Response(_PLAN_JSON.dump_json(body), media_type="application/json")


@router.get(
    "/patients/{patient_id}/plan.ics",
    summary="The patient's calendar (iCalendar): sessions and assessment visits, the infusions with ?infusions=true",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def get_plan_ics(
    ctx: Signed,
    patient_id: uuid.UUID,
    infusions: Annotated[bool, Query(description="Add the chemotherapy infusions as events")] = False,
) -> Response:
    body = patient_calendar(ctx.session, ctx.actor, patient_id, ctx.knowledge, at=ctx.at, infusions=infusions)
    ctx.commit(None)
    headers = {"Content-Disposition": 'attachment; filename="exohair-plan.ics"', "Cache-Control": "private, no-store"}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
