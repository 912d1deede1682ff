"""Demo concierge requests in various states, so the correspondents' queue of a demo kiosk is not empty.

The same requests (same ids, made from the same households) are seeded into a demo
kiosk (`kiosk.demo.seeding.seed_demo_requests`) and loaded into the reference
server by `slvie-central load-demo`, so that moving them along in the demo is
accepted by the demo centre. With the demo households, Claire Martin (card
1000000000017, PIN 1234) has dry cleaning ready: the kiosk tells her first.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from kiosk.domain.concierge import (
    ConciergeRequest,
    RequestState,
    form_for,
    next_days,
    ready_made_reason,
    validate_answers,
)
from kiosk.domain.household import Household

_NAMESPACE = uuid.UUID("6f1d3c52-8d0e-4c57-9a55-2f3c8e1b7a10")

# (holder index, service, answers without the day, state, hours ago, ready-made reason's code)
_TEMPLATES: list[tuple[int, str, dict, RequestState, int, str | None]] = [
    (0, "pressing", {"garments": ["chemise", "pantalon"], "quantity": 3}, RequestState.READY, 70, None),
    (
        1,
        "colis",
        {"direction": "retrait", "carrier": "la_poste", "reference": "6A12345678901"},
        RequestState.SUBMITTED,
        2,
        None,
    ),
    (2, "retouches", {"work": "ourlet", "quantity": 2}, RequestState.AT_PROVIDER, 30, None),
    (3, "depot_pain", {"bread": "tradition", "quantity": 2}, RequestState.TAKEN, 20, None),
    (4, "entretien_velo", {"work": "freins"}, RequestState.SUBMITTED, 5, None),
    (5, "cordonnerie", {"work": "talons", "quantity": 1}, RequestState.REFUSED, 48, "not_accepted"),
    (1, "coiffure", {"kind": "homme", "slot": "13"}, RequestState.HANDED_OVER, 120, None),
    (6, "courses", {"list": "Lait, pain de mie, 6 œufs, pommes"}, RequestState.READY, 6, None),
    (0, "prise_rdv", {"what": "dentiste", "days": ["mon", "wed"]}, RequestState.SUBMITTED, 1, None),
    (7, "repassage", {"quantity": 1}, RequestState.CANCELLED, 26, "beneficiary"),
]


def demo_requests(
    households: list[Household], site_id: str, now: datetime, prices: Mapping[str, int | None] | None = None
) -> list[ConciergeRequest]:
    """The demo requests for these households' card holders (cycling through them), as of `now`.

    `prices` (service id → unit price in cents, None = on quotation) gives the estimates.
    """
    prices = prices or {}
    holders = [(h, p) for h in households for p in h.members if p.card_number]
    if not holders:
        return []
    requests = []
    for number, (index, service_id, answers, state, hours_ago, reason) in enumerate(_TEMPLATES, start=1):
        household, person = holders[index % len(holders)]
        form = form_for(service_id)
        answers = dict(answers)
        if form.field("day") is not None:
            answers["day"] = next_days(form, now)[0].isoformat()
        clean = validate_answers(form, answers, now)
        unit = prices.get(service_id)
        quantity = clean.quantity if form.field("quantity") is not None else 1
        created = (now - timedelta(hours=hours_ago)).replace(microsecond=0)
        requests.append(
            ConciergeRequest(
                request_id=str(uuid.uuid5(_NAMESPACE, f"{site_id}:{household.household_id}:{number}")),
                site_id=site_id,
                service_id=service_id,
                household_id=household.household_id,
                person_id=person.person_id,
                answers=clean.answers,
                quantity=clean.quantity,
                estimate_cents=None if unit is None else unit * quantity,
                collect_on=clean.collect_on,
                note=clean.note,
                state=state,
                created_at=created,
                updated_at=created,
                reason=ready_made_reason(reason) if reason else None,
            )
        )
    return requests
