"""Request and response bodies of `/v1` (pydantic): validation, and the OpenAPI contract.

Request models are strict: unknown fields, wrong types and out-of-range values
are refused. Response models describe what the server sends (the busiest
responses are rendered directly as JSON text, see `changes`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_OPERATIONS = 500
ID = r"^[A-Za-z0-9_.:-]{1,40}$"
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
CATALOG_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
ENROLMENT_CODE = r"^[A-Za-z0-9 -]{12,24}$"
CARD_NUMBER = r"^\d{13}$"
PIN_HASH = r"^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$"
BookingState = Literal["confirmed", "waitlisted", "requested", "refused", "cancelled"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors and reasons ------------------------------------------------------

class Reason(Out):
    """Something a person reads: a stable code and the same text in French and English."""

    code: str
    fr: str
    en: str


class ErrorResponse(Out):
    error: Reason


# --- health, enrolment, identity -----------------------------------------------

class Health(Out):
    status: Literal["ok"]
    time: str = Field(description="the server's local time, YYYY-MM-DDTHH:MM:SS (for clock skew)")


class EnrollRequest(Strict):
    code: str = Field(pattern=ENROLMENT_CODE, description="the one-time code printed by `slvie-central enroll-code`")
    kiosk_name: str = Field(min_length=1, max_length=80)


class EnrollResponse(Out):
    kiosk_id: str
    site_id: str
    token: str = Field(description="send as `Authorization: Bearer TOKEN`; the server keeps only its hash")


class Me(Out):
    kiosk_id: str
    site_id: str
    kiosk_name: str


# --- push --------------------------------------------------------------------------

class Operation(Strict):
    op_id: str = Field(pattern=UUID, description="made by the kiosk; applied at most once, forever")
    kind: str = Field(pattern=r"^[a-z][a-z_.]{0,39}$", description="booking.create | booking.cancel")
    created_at: str = Field(pattern=MOMENT, description="when the person acted at the kiosk (site local time)")
    payload: dict[str, Any] = Field(description="BookingCreatePayload or BookingCancelPayload, by kind")

    @field_validator("created_at")
    @classmethod
    def _real_moment(cls, value: str) -> str:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
        return value


class OperationsRequest(Strict):
    operations: list[Operation] = Field(max_length=MAX_OPERATIONS)


class BookingCreatePayload(Strict):
    booking_id: str = Field(pattern=UUID)
    session_id: str = Field(pattern=ID)
    household_id: str = Field(pattern=ID)
    participants: list[Annotated[str, Field(pattern=ID)]] = Field(min_length=1, max_length=20)
    tier: int = Field(ge=1, le=20)
    total_cents: int = Field(ge=0, le=100_000_000)
    kiosk_state: Literal["confirmed", "requested"]

    @field_validator("participants")
    @classmethod
    def _distinct_ids(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a participant is listed twice")
        return value


class BookingCancelPayload(Strict):
    booking_id: str = Field(pattern=UUID)


class BookingResult(Out):
    booking_id: str
    state: BookingState
    reason: Reason | None


class OperationResult(Out):
    op_id: str
    outcome: Literal["applied", "rejected"]
    booking: BookingResult | None = Field(None, description="when applied")
    reason: Reason | None = Field(None, description="when rejected")


class OperationsResponse(Out):
    results: list[OperationResult]


# --- pull (documentation of what `changes` renders) -------------------------------

class CategoryData(Out):
    id: str
    name_fr: str
    name_en: str
    pictogram: str


class ConciergeServiceData(Out):
    id: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    price_cents: int | None
    price_unit_fr: str
    price_unit_en: str
    hours_fr: str
    hours_en: str
    pictogram: str


class PriceData(Out):
    tier: int
    cents: int


class SessionData(Out):
    id: str
    start: str = Field(pattern=CATALOG_MOMENT)
    end: str = Field(pattern=CATALOG_MOMENT)
    place: str
    capacity: int
    taken: int = Field(description="capacity - taken is what the asking site can still get: "
                                   "its allocation left plus the central pool")
    site_allocation: int = Field(description="seats set aside for the asking site (it may confirm them offline)")
    site_taken: int = Field(description="of which already used")
    site_allocation_until: str | None = Field(
        description="cut-off (YYYY-MM-DDTHH:MM) after which unused seats go back to the centre; "
                    "the kiosk confirms nothing offline from then on")


class OfferData(Out):
    id: str
    level: Literal["ccas", "cmcas", "slvie"]
    category: str
    title: str
    summary: str
    description: str
    organiser: str
    location: str
    booking_mode: Literal["direct", "request"]
    bon_plan: bool
    discount_percent: int | None
    trans_slvie: bool
    age_min: int | None
    age_max: int | None
    cancel_days_before: int
    prices: list[PriceData]
    sessions: list[SessionData]


class MemberData(Strict):
    person_id: str = Field(pattern=ID)
    first_name: str = Field(min_length=1, max_length=60)
    last_name: str = Field(min_length=1, max_length=60)
    birth_date: date
    role: Literal["ouvrant_droit", "conjoint", "enfant"]
    card_number: str | None = Field(pattern=CARD_NUMBER)
    pin_hash: str | None = Field(pattern=PIN_HASH, max_length=300)


class HouseholdData(Strict):
    household_id: str = Field(pattern=ID)
    tier: int = Field(ge=1, le=20)
    cmcas: str = Field(max_length=80)
    slvie: str = Field(max_length=80)
    members: list[MemberData] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _one_ouvrant_droit(self) -> HouseholdData:
        if sum(m.role == "ouvrant_droit" for m in self.members) != 1:
            raise ValueError("a household has exactly one ouvrant_droit")
        if len({m.person_id for m in self.members}) != len(self.members):
            raise ValueError("a person is listed twice in the household")
        return self


class HouseholdsFile(Strict):
    format: Literal["slvie-households/1"]
    households: list[HouseholdData] = Field(max_length=1_000_000)


class BookingData(Out):
    booking_id: str
    session_id: str
    household_id: str
    participants: list[str]
    state: BookingState
    reason: Reason | None
    total_cents: int


class Change(Out):
    seq: int
    kind: Literal["category", "concierge_service", "offer", "household", "booking"]
    id: str
    data: OfferData | HouseholdData | BookingData | CategoryData | ConciergeServiceData | None = Field(
        description="the entity at its latest state; null is a tombstone (withdrawn, or gone from this site)")


class ChangesPage(Out):
    changes: list[Change]
    cursor: int = Field(description="save it with the page, in one transaction; send it on the next pull")
    more: bool = Field(description="true while there are changes after this page")
    price_tiers: int
