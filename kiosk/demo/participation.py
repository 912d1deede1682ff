"""Demo consultations and a past outing, so the demo shows a vote to take part in, results already published
and an activity to appreciate.

Two consultations are open as of the demo's start: a choice for every beneficiary from
16 of the CMCAS Lyon, and a ranking for the ouvrants droit of the SLVie Lyon Part-Dieu.
`slvie-central load-demo` publishes the same two at the reference centre, so a vote cast
in the demo is counted there. A third one closed last month, with its results, is seeded
into a demo kiosk only (as a pull would bring it): the centre never makes up ballots.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from kiosk.demo.households import CMCAS, SLVIE
from kiosk.domain.consultations import (
    BallotKind,
    Choice,
    Consultation,
    Electorate,
    Results,
    ScopeLevel,
)
from kiosk.domain.household import Household

OPENS_AT, CLOSES_AT = 8, 18  # the hours the demo consultations open and close
GRACE_HOURS = 72  # ballots cast before closing still count if they reach the centre within this


def _day(now: datetime, days: int, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _consultation(
    now: datetime,
    consultation_id: str,
    kind: BallotKind,
    question: tuple[str, str],
    choices: tuple[Choice, ...],
    electorate: Electorate,
    scope: tuple[ScopeLevel, str],
    days: tuple[int, int],
    results: Results | None = None,
) -> Consultation:
    """A demo consultation open from OPENS_AT on the first of `days` (from now) to CLOSES_AT on the second."""
    return Consultation(
        consultation_id=consultation_id,
        kind=kind,
        question_fr=question[0],
        question_en=question[1],
        choices=choices,
        electorate=electorate,
        scope_level=scope[0],
        scope_name=scope[1],
        opens_at=_day(now, days[0], OPENS_AT),
        closes_at=_day(now, days[1], CLOSES_AT),
        grace_hours=GRACE_HOURS,
        results=results,
    )


def open_demo_consultations(now: datetime) -> list[Consultation]:
    return [
        _consultation(
            now,
            "DEMO-SORTIE-ETE",
            BallotKind.CHOICE,
            (
                "Quelle grande sortie d'été voulez-vous pour la CMCAS ?",
                "Which big summer outing do you want for the CMCAS?",
            ),
            (
                Choice("annecy", "Le lac d'Annecy", "Lake Annecy"),
                Choice("camargue", "La Camargue", "The Camargue"),
                Choice("vercors", "Le Vercors à vélo", "The Vercors by bike"),
            ),
            Electorate.BENEFICIARIES_16,
            (ScopeLevel.CMCAS, CMCAS),
            (-3, 12),
        ),
        _consultation(
            now,
            "DEMO-PRIORITES",
            BallotKind.RANKING,
            ("Quelles priorités pour la SLVie en 2027 ?", "Which priorities for the SLVie in 2027?"),
            (
                Choice("enfants", "Plus de sorties pour les enfants", "More outings for children"),
                Choice("culture", "Plus de spectacles", "More shows"),
                Choice("solidarite", "Plus d'actions solidaires", "More solidarity actions"),
                Choice("sport", "Plus de sport", "More sport"),
            ),
            Electorate.OUVRANTS_DROIT,
            (ScopeLevel.SLVIE, SLVIE),
            (-1, 20),
        ),
    ]


def closed_demo_consultation(now: datetime) -> Consultation:
    counted = {"huit": 2, "neuf": 6, "ferme": 1}
    return _consultation(
        now,
        "DEMO-HORAIRES",
        BallotKind.CHOICE,
        (
            "À quelle heure ouvrir le point conciergerie le samedi ?",
            "When should the concierge desk open on Saturdays?",
        ),
        (
            Choice("huit", "À 8 h", "At 8 am"),
            Choice("neuf", "À 9 h", "At 9 am"),
            Choice("ferme", "Fermé le samedi", "Closed on Saturdays"),
        ),
        Electorate.BENEFICIARIES_16,
        (ScopeLevel.SLVIE, SLVIE),
        (-40, -26),
        Results(participants=9, electorate=14, votes=counted, points=dict(counted)),
    )


# A guided tour that took place four days before the demo starts, booked by each demo household's
# first card holder (Claire Martin, Karim Benali…): the kiosk invites them to give their appreciation.
# The same offer and bookings are seeded into a demo kiosk and loaded into the reference centre by
# `slvie-central load-demo`.
PAST_OUTING_ID = "DEMO-VISITE-VIEUX-LYON"
PAST_SESSION_ID = f"{PAST_OUTING_ID}-S1"
DEMO_TIERS = 7  # the demo catalog's price tiers
_BOOKINGS = uuid.UUID("9b6f0c8e-2f5a-4d7e-8c1b-3a4d5e6f7a8b")


def past_outing(now: datetime, tiers: int = DEMO_TIERS) -> dict[str, object]:
    """The past outing as a catalog offer (docs/catalog-format.md), its one session over."""
    start = _day(now, -4, 14)
    return {
        "id": PAST_OUTING_ID,
        "level": "slvie",
        "category": "loisirs",
        "title": "Visite guidée du Vieux Lyon",
        "summary": "Traboules et cours Renaissance avec un guide, en petit groupe.",
        "description": "Une visite de deux heures et demie dans le Vieux Lyon, ses traboules et ses cours.",
        "organiser": SLVIE,
        "location": "Lyon (69)",
        "booking_mode": "direct",
        "bon_plan": False,
        "discount_percent": None,
        "trans_slvie": False,
        "age_min": None,
        "age_max": None,
        "cancel_days_before": 1,
        "prices": [{"tier": tier, "cents": 0} for tier in range(1, tiers + 1)],
        "sessions": [
            {
                "id": PAST_SESSION_ID,
                "start": start.strftime("%Y-%m-%dT%H:%M"),
                "end": (start + timedelta(hours=2, minutes=30)).strftime("%Y-%m-%dT%H:%M"),
                "place": "Place Saint-Jean, Lyon 5e",
                "capacity": 25,
                "taken": 0,
                "site_allocation": 0,
                "site_taken": 0,
            }
        ],
    }


def past_booking(household: Household) -> dict[str, object]:
    """The household's first card holder's confirmed place on the past outing, as the centre sends a booking."""
    holder = next(p for p in household.members if p.card_number)
    return {
        "booking_id": str(uuid.uuid5(_BOOKINGS, household.household_id)),
        "session_id": PAST_SESSION_ID,
        "household_id": household.household_id,
        "participants": [holder.person_id],
        "state": "confirmed",
        "reason": None,
        "total_cents": 0,
    }
