"""Everyday queries on the demo catalog, and what a person typing each expects to see in the top 5.

Written before the search was tuned, from the demo catalog's real titles, summaries and
descriptions (assets/demo/catalog.json), as people type at a kiosk: no accents, plurals,
typos, two or three words, filter words. The kiosk is the demo's (SLVie Lyon Part-Dieu,
CMCAS Lyon) on the demo's reference day, Monday 23 November 2026.

An expectation names what a satisfying result looks like: a piece of its title (as the
catalog spells it), a piece of its summary, or its id. A query is satisfied when one of its
first five results fits; its reciprocal rank is 1 / the rank of the first result that fits.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.demo import DEMO_CATALOG
from kiosk.demo.seeding import seed_demo_catalog
from kiosk.domain.search import OfferQuery, OfferSummary
from kiosk.services.catalog import CatalogService
from kiosk.store.database import DATABASE_FILE, open_database

DEMO_DAY = datetime(2026, 11, 23, 9, 0)
TOP = 5


@dataclass(frozen=True)
class Expect:
    titles: tuple[str, ...] = ()
    summaries: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    free: bool = False  # every one of the first five must cost nothing
    bon_plan: bool = False  # ... must be a bon plan

    def fits(self, offer: OfferSummary) -> bool:
        return (
            any(t in offer.title for t in self.titles)
            or any(s in offer.summary for s in self.summaries)
            or offer.id in self.ids
        )


def t(*titles: str) -> Expect:
    return Expect(titles=titles)


THEATRE = t("Théâtre", "théâtre")
COLO = t("Colo ")
CINEMA = t("cinéma", "Ciné-club")
HIKE = t("Randonnée", "Marche nordique")
BIKE = t("vélo", "VTT")
SWIM = t("natation", "Aquagym", "Aquabike", "nageurs", "piscine")
COOKING = t("Atelier cuisine", "Atelier pâtisserie", "Atelier pain")
VOLUNTEER = t("bénévole", "Maraude", "Collecte", "Don de", "Soutien scolaire", "Aide aux devoirs")

QUERIES: list[tuple[str, Expect]] = [
    ("theatre", THEATRE),
    ("théatre", THEATRE),
    ("theatres", THEATRE),
    ("tehatre", THEATRE),
    ("ski", t("ski", "Ski")),
    ("colo", COLO),
    ("colos", COLO),
    ("colonie", COLO),
    ("colonies de vacances", COLO),
    ("cinema", CINEMA),
    ("cinmea", CINEMA),
    ("ciné", CINEMA),
    ("film", CINEMA),
    ("randonnées", HIKE),
    ("randone", HIKE),
    ("rando", HIKE),
    ("escalde", t("escalade")),
    ("velo", BIKE),
    ("vélos", BIKE),
    ("vtt", t("VTT")),
    ("cyclisme", BIKE),
    ("piscine", t("piscine")),
    ("piscines", t("piscine")),
    ("natation", SWIM),
    ("aquagym", t("Aquagym")),
    ("nager", SWIM),
    ("concert", t("Concert")),
    ("concerts jazz", t("jazz")),
    ("jaz", t("jazz")),
    ("concrt rock", t("rock")),
    ("spectacle", t("Spectacle", "Théâtre", "Concert", "Comédie musicale", "Ballet", "Opéra")),
    ("spectacle noel", t("Spectacle de Noël", "Arbre de Noël")),
    ("marche de noel", t("marché de Noël")),
    ("opera", t("Opéra")),
    ("opéra lyon", Expect(ids=("CMCAS-CUL-00110",))),
    ("ballet", t("Ballet")),
    ("danse", t("Ballet", "Thé dansant", "Comédie musicale")),
    ("musee", t("Giverny", "Exposition")),
    ("expo", t("Exposition")),
    ("atelier cuisine", COOKING),
    ("patisserie", t("pâtisserie")),
    ("oenologie", t("œnologie")),
    ("degustation vin", t("œnologie")),
    ("tricot", t("tricot")),
    ("yoga", t("Yoga")),
    ("petanque", t("pétanque")),
    ("match de foot", t("football")),
    ("footbal", t("football")),
    ("don du sang", t("sang")),
    ("donner son sang", t("sang")),
    ("benevolat", VOLUNTEER),
    ("aide aux devoirs", t("Aide aux devoirs", "Soutien scolaire")),
    ("jouets", t("jouets")),
    ("restos du coeur", t("Restos du Cœur")),
    ("seniors", t("seniors", "retraités")),
    ("retraités", t("seniors", "retraités", "Thé dansant")),
    ("vacances a la mer", t("mer", "plage")),
    ("plage", t("plage", "Plages")),
    ("la rochelle", t("La Rochelle")),
    ("annecy", t("Annecy")),
    ("chamonix", t("Chamonix")),
    ("giverny monet", t("Giverny")),
    ("futuroscope", t("Futuroscope")),
    ("parc asterix", t("Astérix")),
    ("zoo", t("ZooParc")),
    ("patinoire", Expect(ids=("SLVIE-LOI-00152",))),
    ("patinoir", Expect(ids=("SLVIE-LOI-00152",))),
    ("escape game", t("Escape game")),
    ("karaoke", t("karaoké")),
    ("jeux de societe", t("jeux de société")),
    ("loto", t("Loto")),
    ("canoe", t("Canoë")),
    ("kayak", t("kayak", "Canoë")),
    ("comedie musicale", t("Comédie musicale")),
    ("roi lion", t("Roi Lion")),
    ("moliere", t("Tartuffe", "Malade imaginaire", "Fourberies", "Misanthrope")),
    ("tartufe", t("Tartuffe")),
    ("chateaux de la loire", t("châteaux de la Loire")),
    ("mont saint michel", t("Mont-Saint-Michel")),
    ("volcan", t("Vulcania")),
    ("festival avignon", t("Avignon")),
    ("raquettes", t("raquettes")),
    ("neige", t("neige", "ski", "Ski")),
    ("poney", t("poneys", "équitation")),
    ("equitation", t("équitation", "poneys")),
    ("cirque", t("cirque")),
    ("jardinage", t("jardinage")),
    ("informatique", t("numérique")),
    ("dessin", t("dessin")),
    ("genealogie", t("généalogie")),
    ("sushi", t("sushis")),
    ("musculation", t("Renforcement musculaire")),
    ("ping pong", t("Tennis de table")),
    ("tir a l arc", t("tir à l'arc")),
    ("colo ski", t("Colo ski", "Colo neige")),
    ("sejour ski", t("Séjour ski")),
    ("fetes de fin d'annee", t("Fêtes de fin d'année")),
    ("reveillon", t("Fêtes de fin d'année")),
    ("thé dansant", t("Thé dansant")),
    ("dechets", t("déchets", "Nettoyage")),
    # Filter words, alone or with words.
    ("velo gratuit", Expect(ids=("CMCAS-SPO-00084", "CMCAS-SPO-00111"), free=True)),
    ("spectacle gratuit", Expect(titles=("Spectacle de Noël",), free=True)),
    ("bons plans", Expect(titles=("",), bon_plan=True)),
    ("bon plan theatre", Expect(ids=("SLVIE-CUL-00031",), bon_plan=True)),
    ("cinema bon plan", Expect(ids=("SLVIE-CUL-00132",), bon_plan=True)),
    ("concert pas cher", t("Concert")),
    ("spectacle pour les enfants", t("Spectacle de Noël", "Arbre de Noël")),
    ("ski en famille", t("Semaine ski en famille")),
    ("rando en famille", t("Randonnée familiale")),
    ("theatre pres d'ici", Expect(ids=("SLVIE-CUL-00089",))),
    ("velo lyon", Expect(ids=("CMCAS-SPO-00084",))),
]


@dataclass(frozen=True)
class Outcome:
    query: str
    rank: int | None  # of the first result that fits, from 1; None when none of the results fits
    filters_kept: bool  # every one of the first five is free / a bon plan when the query said so


def evaluate(search: Callable[[str], tuple[OfferSummary, ...]]) -> list[Outcome]:
    outcomes = []
    for text, expect in QUERIES:
        results = search(text)
        rank = next((i for i, offer in enumerate(results, start=1) if expect.fits(offer)), None)
        top = results[:TOP]
        kept = all((not expect.free or o.price_from_cents == 0) and (not expect.bon_plan or o.bon_plan) for o in top)
        outcomes.append(Outcome(text, rank, kept))
    return outcomes


def in_top(outcome: Outcome) -> bool:
    return outcome.rank is not None and outcome.rank <= TOP and outcome.filters_kept


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    return {
        "relevance_queries": len(outcomes),
        "relevance_top5_share": round(sum(map(in_top, outcomes)) / len(outcomes), 3),
        "relevance_mrr": round(statistics.fmean(1 / o.rank if o.rank and o.filters_kept else 0.0 for o in outcomes), 3),
    }


def demo_catalog_search(data_dir: Path) -> Callable[[str], tuple[OfferSummary, ...]]:
    """Search the demo catalog as the demo kiosk (Lyon Part-Dieu) does on the demo's reference day."""
    db = open_database(data_dir / DATABASE_FILE)
    seed_demo_catalog(db, DEMO_CATALOG, DEMO_DAY)
    catalog = CatalogService(db, lambda: DEMO_DAY)
    return lambda text: catalog.search(OfferQuery(text=text)).offers


def relevance_figures(data_dir: Path) -> dict[str, float]:
    """The benchmark's figures: the share of queries whose expected offer is in the top 5, and the MRR."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return figures(evaluate(demo_catalog_search(data_dir)))


def main() -> None:
    """`python -m tests.relevance.queries`: the figures, and each query that misses (to tune by)."""
    with tempfile.TemporaryDirectory(prefix="slvie-relevance-") as tmp:
        outcomes = evaluate(demo_catalog_search(Path(tmp)))
    for outcome in outcomes:
        if not in_top(outcome):
            print(f"miss: {outcome.query!r} rank={outcome.rank} filters_kept={outcome.filters_kept}")
    print(json.dumps(figures(outcomes)))


if __name__ == "__main__":
    main()
