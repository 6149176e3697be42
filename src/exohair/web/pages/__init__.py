"""The clinic's pages (HTML, server-rendered) and the patient portal. Every page calls the same services as the
API, so the role rules and the audit trail are the same whichever door a request comes in by."""

from __future__ import annotations

from fastapi import APIRouter

from exohair.web.pages import (
    admin_settings,
    admin_sites,
    admin_users,
    analytics,
    billing,
    chart,
    clearances,
    consent_actions,
    delay,
    hair,
    intake,
    perform,
    portal,
    questionnaires,
    self_assessment,
    sign_in,
    staff,
)

router = APIRouter(include_in_schema=False)
for module in (
    sign_in,
    staff,
    chart,
    billing,
    consent_actions,
    hair,
    clearances,
    perform,
    delay,
    intake,
    portal,
    self_assessment,
    questionnaires,
    admin_users,
    admin_settings,
    admin_sites,
    analytics,
):
    router.include_router(module.router)
router.include_router(analytics.like_router)
