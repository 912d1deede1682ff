"""Demo consultations, so the demo shows a vote to take part in and results already published.

Two consultations are open as of the demo's start: a choice for every beneficiary from
16 of the CMCAS Lyon, and a ranking for the ouvrants droit of the SLVie Lyon Part-Dieu.
`slvie-central load-demo` publishes the same two at the reference centre, so a vote cast
in the demo is counted there. A third one closed last month, with its results, is seeded
into a demo kiosk only (as a pull would bring it): the centre never makes up ballots.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.consultations import (
    BallotKind,
    Choice,
    Consultation,
    Electorate,
    Results,
    ScopeLevel,
)


def _day(now: datetime, days: int, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def open_demo_consultations(now: datetime) -> list[Consultation]:
    return [
        Consultation(
            consultation_id="DEMO-SORTIE-ETE", kind=BallotKind.CHOICE,
            question_fr="Quelle grande sortie d'été voulez-vous pour la CMCAS ?",
            question_en="Which big summer outing do you want for the CMCAS?",
            choices=(Choice("annecy", "Le lac d'Annecy", "Lake Annecy"),
                     Choice("camargue", "La Camargue", "The Camargue"),
                     Choice("vercors", "Le Vercors à vélo", "The Vercors by bike")),
            electorate=Electorate.BENEFICIARIES_16, scope_level=ScopeLevel.CMCAS, scope_name="CMCAS Lyon",
            opens_at=_day(now, -3, 8), closes_at=_day(now, 12, 18), grace_hours=72),
        Consultation(
            consultation_id="DEMO-PRIORITES", kind=BallotKind.RANKING,
            question_fr="Quelles priorités pour la SLVie en 2027 ?",
            question_en="Which priorities for the SLVie in 2027?",
            choices=(Choice("enfants", "Plus de sorties pour les enfants", "More outings for children"),
                     Choice("culture", "Plus de spectacles", "More shows"),
                     Choice("solidarite", "Plus d'actions solidaires", "More solidarity actions"),
                     Choice("sport", "Plus de sport", "More sport")),
            electorate=Electorate.OUVRANTS_DROIT, scope_level=ScopeLevel.SLVIE, scope_name="SLVie Lyon Part-Dieu",
            opens_at=_day(now, -1, 8), closes_at=_day(now, 20, 18), grace_hours=72),
    ]


def closed_demo_consultation(now: datetime) -> Consultation:
    return Consultation(
        consultation_id="DEMO-HORAIRES", kind=BallotKind.CHOICE,
        question_fr="À quelle heure ouvrir le point conciergerie le samedi ?",
        question_en="When should the concierge desk open on Saturdays?",
        choices=(Choice("huit", "À 8 h", "At 8 am"), Choice("neuf", "À 9 h", "At 9 am"),
                 Choice("ferme", "Fermé le samedi", "Closed on Saturdays")),
        electorate=Electorate.BENEFICIARIES_16, scope_level=ScopeLevel.SLVIE, scope_name="SLVie Lyon Part-Dieu",
        opens_at=_day(now, -40, 8), closes_at=_day(now, -26, 18), grace_hours=72,
        results=Results(participants=9, electorate=14, votes={"huit": 2, "neuf": 6, "ferme": 1},
                        points={"huit": 2, "neuf": 6, "ferme": 1}))
