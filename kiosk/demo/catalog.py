"""Deterministic generator of demo catalogs in the ``slvie-catalog/1`` format.

The demo kiosk, the tests and the benchmarks need an offer that reads like the
real thing: national holiday stays and colos (CCAS), regional trips, culture and
sport (CMCAS), local outings, tickets and workshops (SLVie), and the concierge
services of an SLVie concierge point. Everything here is data tables (places,
venues, offer templates, services) plus a few small functions that draw from
them with one seeded random generator, so the same arguments always give the
same document. See docs/catalog-format.md for the format itself.

The committed demo catalog is made with::

    python -m kiosk.demo.catalog --offers 240 --seed 2026 \\
        --reference-date 2026-11-23 --out assets/demo/catalog.json

Plain Python: the standard library and the demo's paths.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import hashlib
import itertools
import json
import random
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import ASSETS_DIR

FORMAT = "slvie-catalog/1"
PRICE_TIERS = 7

# The committed demo catalog (assets/demo/catalog.json) is made with these.
DEMO_OFFER_COUNT = 240
DEMO_SEED = 2026
DEMO_REFERENCE_DATE = dt.date(2026, 11, 23)
PICTOGRAM_DIR = ASSETS_DIR / "pictograms"

# "Bons plans" is a flag, not a category; its home tile uses this pictogram.
BONS_PLANS_PICTOGRAM = "bons_plans.svg"

FIRST_SESSION_DAYS = 3  # sessions start at least this many days after the reference date
LAST_SESSION_MONTHS = 8  # ... and end at most this many months after it
BON_PLAN_DAYS = 21  # bons plans are last-minute: their sessions start within three weeks
BON_PLAN_SHARE = 0.04

# --------------------------------------------------------------------------
# Categories and concierge services
# --------------------------------------------------------------------------

CATEGORIES = (
    {"id": "sejours", "name_fr": "Séjours et vacances", "name_en": "Holidays", "pictogram": "sejours.svg"},
    {"id": "colos", "name_fr": "Colos", "name_en": "Children's camps", "pictogram": "colos.svg"},
    {"id": "culture", "name_fr": "Culture et spectacles", "name_en": "Culture and shows", "pictogram": "culture.svg"},
    {"id": "sport", "name_fr": "Sport", "name_en": "Sport", "pictogram": "sport.svg"},
    {"id": "loisirs", "name_fr": "Loisirs et sorties", "name_en": "Leisure and outings", "pictogram": "loisirs.svg"},
    {"id": "solidarite", "name_fr": "Solidarité", "name_en": "Solidarity", "pictogram": "solidarite.svg"},
)

_WEEKDAYS_FR = "Lundi au vendredi"
_WEEKDAYS_EN = "Monday to Friday"


def _service(sid, name_fr, name_en, description_fr, description_en, price_cents, unit_fr, unit_en, hours_fr, hours_en):
    return {
        "id": sid,
        "name_fr": name_fr,
        "name_en": name_en,
        "description_fr": description_fr,
        "description_en": description_en,
        "price_cents": price_cents,
        "price_unit_fr": unit_fr if price_cents is not None else "",
        "price_unit_en": unit_en if price_cents is not None else "",
        "hours_fr": hours_fr,
        "hours_en": hours_en,
        "pictogram": f"{sid}.svg",
    }


CONCIERGE_SERVICES = (
    _service(
        "pressing",
        "Pressing",
        "Dry cleaning",
        "Déposez vos vêtements au point conciergerie : ils sont nettoyés par un pressing partenaire "
        "et vous attendent sous 48 à 72 heures.",
        "Leave your clothes at the concierge desk: a partner dry cleaner cleans them and they are "
        "ready within 48 to 72 hours.",
        450,
        "la chemise",
        "per shirt",
        f"{_WEEKDAYS_FR}, 8 h – 18 h",
        f"{_WEEKDAYS_EN}, 8 am – 6 pm",
    ),
    _service(
        "repassage",
        "Repassage",
        "Ironing",
        "Votre linge propre est repassé et plié, prêt à reprendre le lendemain soir.",
        "Your clean laundry is ironed and folded, ready to collect the next evening.",
        1200,
        "le panier de 15 pièces",
        "per basket of 15 items",
        f"{_WEEKDAYS_FR}, 8 h – 18 h",
        f"{_WEEKDAYS_EN}, 8 am – 6 pm",
    ),
    _service(
        "retouches",
        "Retouches",
        "Clothing alterations",
        "Ourlets, fermetures éclair, reprises : une couturière partenaire s'occupe de vos vêtements.",
        "Hems, zips, mending: a partner seamstress takes care of your clothes.",
        900,
        "l'ourlet",
        "per hem",
        f"{_WEEKDAYS_FR}, 8 h – 18 h",
        f"{_WEEKDAYS_EN}, 8 am – 6 pm",
    ),
    _service(
        "cordonnerie",
        "Cordonnerie",
        "Shoe repair",
        "Talons, semelles, clés et petite maroquinerie : le cordonnier établit un devis avant toute réparation.",
        "Heels, soles, keys and small leather goods: the cobbler gives a quotation before any repair.",
        None,
        "",
        "",
        "Dépôt du lundi au jeudi, retour sous une semaine",
        "Drop-off Monday to Thursday, back within a week",
    ),
    _service(
        "colis",
        "Colis (dépôt et retrait)",
        "Parcels (drop-off and collection)",
        "Faites livrer vos colis au point conciergerie, ou déposez ceux que vous envoyez : "
        "le correspondant les remet au transporteur.",
        "Have your parcels delivered to the concierge desk, or leave the ones you send: "
        "the correspondent hands them to the carrier.",
        0,
        "le colis",
        "per parcel",
        f"{_WEEKDAYS_FR}, 8 h – 18 h 30",
        f"{_WEEKDAYS_EN}, 8 am – 6.30 pm",
    ),
    _service(
        "depot_pain",
        "Dépôt de pain",
        "Bread drop-off",
        "Commandez la veille : pain et viennoiseries d'une boulangerie du quartier vous attendent "
        "au point conciergerie.",
        "Order the day before: bread and pastries from a local bakery wait for you at the concierge desk.",
        120,
        "la baguette",
        "per baguette",
        "Commande avant 16 h la veille, retrait de 11 h à 14 h",
        "Order before 4 pm the day before, collect 11 am – 2 pm",
    ),
    _service(
        "courses",
        "Courses",
        "Grocery shopping",
        "Passez votre liste de courses le matin ; un commerce partenaire la livre au point conciergerie "
        "pour la fin de journée.",
        "Hand in your shopping list in the morning; a partner shop delivers it to the concierge desk "
        "by the end of the day.",
        500,
        "la livraison",
        "per delivery",
        "Commande avant 10 h, retrait à partir de 16 h",
        "Order before 10 am, collect from 4 pm",
    ),
    _service(
        "entretien_velo",
        "Entretien vélo",
        "Bike maintenance",
        "Laissez votre vélo le matin : révision, freins, pneus et éclairage sont vérifiés par un réparateur mobile.",
        "Leave your bike in the morning: a mobile repairer checks the brakes, tyres and lights.",
        3500,
        "la révision",
        "per service",
        "Mercredi, dépôt avant 9 h, retrait dès 17 h",
        "Wednesday, drop-off before 9 am, collect from 5 pm",
    ),
    _service(
        "aide_demarches",
        "Aide aux démarches",
        "Help with paperwork",
        "Le correspondant vous aide à remplir un dossier, à faire une démarche en ligne "
        "ou à trouver le bon interlocuteur.",
        "The correspondent helps you fill in a form, complete an online procedure or find the right person to ask.",
        0,
        "le rendez-vous",
        "per appointment",
        "Mardi et jeudi, 12 h – 14 h",
        "Tuesday and Thursday, 12 noon – 2 pm",
    ),
    _service(
        "prise_rdv",
        "Prise de rendez-vous",
        "Appointment booking",
        "Médecin, garage, artisan : le point conciergerie prend vos rendez-vous et vous les confirme.",
        "Doctor, garage, tradesman: the concierge desk books your appointments and confirms them to you.",
        0,
        "le rendez-vous",
        "per appointment",
        f"{_WEEKDAYS_FR}, 9 h – 17 h",
        f"{_WEEKDAYS_EN}, 9 am – 5 pm",
    ),
    _service(
        "hebergement",
        "Réservation d'hébergement",
        "Accommodation booking",
        "Hôtel, gîte ou location pour un déplacement ou des vacances : nous cherchons pour vous "
        "et vous proposons un devis.",
        "Hotel, gîte or rental for a trip or a holiday: we search for you and send you a quotation.",
        None,
        "",
        "",
        f"{_WEEKDAYS_FR}, 9 h – 17 h",
        f"{_WEEKDAYS_EN}, 9 am – 5 pm",
    ),
    _service(
        "titres_transport",
        "Titres de transport",
        "Transport tickets",
        "Billets de train et de car, abonnements de transport en commun : réservés et imprimés au point conciergerie.",
        "Train and coach tickets, public transport passes: booked and printed at the concierge desk.",
        200,
        "la réservation",
        "per booking",
        f"{_WEEKDAYS_FR}, 9 h – 17 h",
        f"{_WEEKDAYS_EN}, 9 am – 5 pm",
    ),
    _service(
        "coiffure",
        "Coiffure",
        "Hairdresser",
        "Une coiffeuse tient son salon éphémère sur le site deux jours par semaine, sur rendez-vous.",
        "A hairdresser sets up on site two days a week, by appointment.",
        2200,
        "la coupe",
        "per haircut",
        "Mardi et jeudi, 11 h – 19 h",
        "Tuesday and Thursday, 11 am – 7 pm",
    ),
    _service(
        "seances_sport",
        "Séances de sport",
        "Sport sessions",
        "Renforcement musculaire, stretching ou cardio avec un coach diplômé, en petit groupe à la pause déjeuner.",
        "Strength training, stretching or cardio with a qualified coach, in a small group at lunchtime.",
        500,
        "la séance",
        "per session",
        "Lundi, mercredi et vendredi, 12 h – 14 h",
        "Monday, Wednesday and Friday, 12 noon – 2 pm",
    ),
)

# --------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------

# Destinations of national stays and colos: (town, département).
DESTINATIONS = {
    "ski": (
        ("Valloire", "73"),
        ("Les Deux Alpes", "38"),
        ("Chamonix-Mont-Blanc", "74"),
        ("Font-Romeu-Odeillo-Via", "66"),
        ("Saint-Lary-Soulan", "65"),
        ("Les Orres", "05"),
        ("Pralognan-la-Vanoise", "73"),
        ("Villard-de-Lans", "38"),
        ("Métabief", "25"),
        ("Gérardmer", "88"),
        ("Les Rousses", "39"),
        ("La Clusaz", "74"),
        ("Le Grand-Bornand", "74"),
        ("Bagnères-de-Luchon", "31"),
        ("Val-Cenis", "73"),
        ("Ax-les-Thermes", "09"),
    ),
    "sea": (
        ("Carnac", "56"),
        ("Quiberon", "56"),
        ("Saint-Malo", "35"),
        ("Biarritz", "64"),
        ("Saint-Jean-de-Luz", "64"),
        ("Arcachon", "33"),
        ("Lacanau", "33"),
        ("Hyères", "83"),
        ("Fréjus", "83"),
        ("Argelès-sur-Mer", "66"),
        ("Les Sables-d'Olonne", "85"),
        ("Saint-Jean-de-Monts", "85"),
        ("Royan", "17"),
        ("Le Grau-du-Roi", "30"),
        ("Sète", "34"),
        ("Erquy", "22"),
        ("Perros-Guirec", "22"),
        ("Porto-Vecchio", "2A"),
        ("Calvi", "2B"),
        ("Le Pouliguen", "44"),
        ("Soulac-sur-Mer", "33"),
    ),
    "country": (
        ("Sarlat-la-Canéda", "24"),
        ("Vallon-Pont-d'Arc", "07"),
        ("Rocamadour", "46"),
        ("Munster", "68"),
        ("Annecy", "74"),
        ("Murol", "63"),
        ("Moustiers-Sainte-Marie", "04"),
        ("Millau", "12"),
        ("Amboise", "37"),
        ("Obernai", "67"),
        ("Le Puy-en-Velay", "43"),
        ("Aix-les-Bains", "73"),
        ("Évian-les-Bains", "74"),
        ("Cauterets", "65"),
        ("Embrun", "05"),
        ("Collioure", "66"),
        ("Saint-Cirq-Lapopie", "46"),
        ("Morzine", "74"),
        ("Le Mont-Dore", "63"),
        ("Lourmarin", "84"),
    ),
}
DESTINATIONS["green"] = DESTINATIONS["sea"] + DESTINATIONS["country"]


@dataclass(frozen=True)
class Territory:
    """A CMCAS, its SLVie and what there is to see and do around it.

    Venue names carry their article in lower case ("l'Opéra de Lyon") so that
    titles can say "à l'Opéra de Lyon" and places "Opéra de Lyon".
    """

    cmcas: str
    town: str
    dept: str
    slvies: tuple[tuple[str, str, str], ...]  # (name, town, département)
    venues: dict[str, tuple[tuple[str, str, str], ...]]  # kind -> (name, town, département)
    nature: tuple[tuple[str, str, str], ...]  # (phrase after "Randonnée", town, département)
    teams: tuple[tuple[str, str, str, str, str], ...]  # (club, sport, ground, town, département)


TERRITORIES = (
    Territory(
        "Lyon",
        "Lyon",
        "69",
        (
            ("Lyon Part-Dieu", "Lyon", "69"),
            ("Villeurbanne", "Villeurbanne", "69"),
            ("Saint-Priest", "Saint-Priest", "69"),
            ("Bugey", "Saint-Vulbas", "01"),
        ),
        {
            "theatre": (
                ("le théâtre des Célestins", "Lyon", "69"),
                ("le théâtre de la Croix-Rousse", "Lyon", "69"),
                ("le TNP", "Villeurbanne", "69"),
            ),
            "concert": (
                ("l'Auditorium de Lyon", "Lyon", "69"),
                ("la halle Tony-Garnier", "Lyon", "69"),
                ("le Transbordeur", "Villeurbanne", "69"),
            ),
            "opera": (("l'Opéra de Lyon", "Lyon", "69"),),
            "cinema": (("l'Institut Lumière", "Lyon", "69"), ("le cinéma Pathé Bellecour", "Lyon", "69")),
            "pool": (("la piscine du Rhône", "Lyon", "69"), ("la piscine de Vaise", "Lyon", "69")),
            "museum": (("le musée des Confluences", "Lyon", "69"), ("le musée des Beaux-Arts de Lyon", "Lyon", "69")),
        },
        (
            ("dans les monts d'Or", "Saint-Cyr-au-Mont-d'Or", "69"),
            ("dans le massif du Pilat", "Pélussin", "42"),
            ("dans les monts du Lyonnais", "Yzeron", "69"),
            ("dans le Bugey", "Hauteville-Lompnes", "01"),
        ),
        (
            ("l'Olympique lyonnais", "football", "le Groupama Stadium", "Décines-Charpieu", "69"),
            ("l'ASVEL", "basket", "l'Astroballe", "Villeurbanne", "69"),
        ),
    ),
    Territory(
        "Grenoble",
        "Grenoble",
        "38",
        (
            ("Grenoble Presqu'île", "Grenoble", "38"),
            ("Saint-Alban", "Saint-Maurice-l'Exil", "38"),
            ("Vizille", "Vizille", "38"),
        ),
        {
            "theatre": (("la MC2", "Grenoble", "38"), ("le théâtre municipal de Grenoble", "Grenoble", "38")),
            "concert": (("la Belle Électrique", "Grenoble", "38"), ("le Summum", "Grenoble", "38")),
            "opera": (("la MC2", "Grenoble", "38"),),
            "cinema": (("le cinéma Le Club", "Grenoble", "38"), ("le cinéma Méliès", "Grenoble", "38")),
            "pool": (("la piscine Jean-Bron", "Grenoble", "38"),),
            "museum": (("le musée de Grenoble", "Grenoble", "38"), ("le Musée dauphinois", "Grenoble", "38")),
        },
        (
            ("dans le Vercors", "Villard-de-Lans", "38"),
            ("en Chartreuse", "Saint-Pierre-de-Chartreuse", "38"),
            ("dans le massif de Belledonne", "Chamrousse", "38"),
            ("sur le plateau du Trièves", "Mens", "38"),
        ),
        (
            ("les Brûleurs de loups", "hockey sur glace", "la patinoire Pôle Sud", "Grenoble", "38"),
            ("le FC Grenoble Rugby", "rugby", "le stade des Alpes", "Grenoble", "38"),
        ),
    ),
    Territory(
        "Marseille",
        "Marseille",
        "13",
        (
            ("Marseille Saint-Charles", "Marseille", "13"),
            ("Martigues", "Martigues", "13"),
            ("Aix-en-Provence", "Aix-en-Provence", "13"),
        ),
        {
            "theatre": (
                ("le théâtre du Gymnase", "Marseille", "13"),
                ("le théâtre de La Criée", "Marseille", "13"),
                ("le théâtre Toursky", "Marseille", "13"),
            ),
            "concert": (
                ("le Dôme", "Marseille", "13"),
                ("le Silo", "Marseille", "13"),
                ("le Grand Théâtre de Provence", "Aix-en-Provence", "13"),
            ),
            "opera": (("l'Opéra de Marseille", "Marseille", "13"),),
            "cinema": (("le cinéma Les Variétés", "Marseille", "13"), ("le cinéma Le Prado", "Marseille", "13")),
            "pool": (("la piscine Vallier", "Marseille", "13"),),
            "museum": (("le Mucem", "Marseille", "13"), ("le musée Granet", "Aix-en-Provence", "13")),
        },
        (
            ("dans les calanques de Marseille", "Marseille", "13"),
            ("sur la montagne Sainte-Victoire", "Vauvenargues", "13"),
            ("dans le massif de la Sainte-Baume", "Plan-d'Aups-Sainte-Baume", "83"),
            ("sur la Côte Bleue", "Carry-le-Rouet", "13"),
        ),
        (("l'Olympique de Marseille", "football", "l'Orange Vélodrome", "Marseille", "13"),),
    ),
    Territory(
        "Bordeaux",
        "Bordeaux",
        "33",
        (("Bordeaux Lac", "Bordeaux", "33"), ("Blayais", "Braud-et-Saint-Louis", "33"), ("Mérignac", "Mérignac", "33")),
        {
            "theatre": (("le théâtre Femina", "Bordeaux", "33"), ("le TnBA", "Bordeaux", "33")),
            "concert": (
                ("l'Auditorium de Bordeaux", "Bordeaux", "33"),
                ("l'Arkéa Arena", "Floirac", "33"),
                ("le Rocher de Palmer", "Cenon", "33"),
            ),
            "opera": (("le Grand-Théâtre de Bordeaux", "Bordeaux", "33"),),
            "cinema": (("le cinéma Utopia", "Bordeaux", "33"), ("le cinéma Jean-Eustache", "Pessac", "33")),
            "pool": (("la piscine Judaïque", "Bordeaux", "33"),),
            "museum": (("la Cité du Vin", "Bordeaux", "33"), ("le musée d'Aquitaine", "Bordeaux", "33")),
        },
        (
            ("sur la dune du Pilat", "La Teste-de-Buch", "33"),
            ("autour du bassin d'Arcachon", "Andernos-les-Bains", "33"),
            ("dans les vignes de l'Entre-deux-Mers", "Créon", "33"),
        ),
        (
            ("l'Union Bordeaux-Bègles", "rugby", "le stade Chaban-Delmas", "Bordeaux", "33"),
            ("les Girondins de Bordeaux", "football", "le stade Matmut-Atlantique", "Bordeaux", "33"),
        ),
    ),
    Territory(
        "Toulouse",
        "Toulouse",
        "31",
        (("Toulouse Basso-Cambo", "Toulouse", "31"), ("Golfech", "Golfech", "82"), ("Blagnac", "Blagnac", "31")),
        {
            "theatre": (
                ("le théâtre Sorano", "Toulouse", "31"),
                ("le Théâtre de la Cité", "Toulouse", "31"),
                ("le théâtre du Pavé", "Toulouse", "31"),
            ),
            "concert": (
                ("le Zénith de Toulouse", "Toulouse", "31"),
                ("la Halle aux grains", "Toulouse", "31"),
                ("le Bikini", "Ramonville-Saint-Agne", "31"),
            ),
            "opera": (("le Théâtre du Capitole", "Toulouse", "31"),),
            "cinema": (("la Cinémathèque de Toulouse", "Toulouse", "31"), ("le cinéma ABC", "Toulouse", "31")),
            "pool": (("la piscine Alfred-Nakache", "Toulouse", "31"),),
            "museum": (("la Cité de l'espace", "Toulouse", "31"), ("le musée des Augustins", "Toulouse", "31")),
        },
        (
            ("dans la Montagne Noire", "Revel", "31"),
            ("le long du canal du Midi", "Toulouse", "31"),
            ("dans les Pyrénées ariégeoises", "Ax-les-Thermes", "09"),
        ),
        (
            ("le Stade toulousain", "rugby", "le stade Ernest-Wallon", "Toulouse", "31"),
            ("le Toulouse FC", "football", "le Stadium", "Toulouse", "31"),
        ),
    ),
    Territory(
        "Nantes",
        "Nantes",
        "44",
        (
            ("Nantes Beaulieu", "Nantes", "44"),
            ("Cordemais", "Cordemais", "44"),
            ("Saint-Nazaire", "Saint-Nazaire", "44"),
        ),
        {
            "theatre": (("le Grand T", "Nantes", "44"), ("le théâtre Graslin", "Nantes", "44")),
            "concert": (
                ("le Zénith Nantes Métropole", "Saint-Herblain", "44"),
                ("la Cité des congrès", "Nantes", "44"),
                ("Stereolux", "Nantes", "44"),
            ),
            "opera": (("le théâtre Graslin", "Nantes", "44"),),
            "cinema": (("le cinéma Katorza", "Nantes", "44"), ("le Cinématographe", "Nantes", "44")),
            "pool": (("la piscine Léo-Lagrange", "Nantes", "44"),),
            "museum": (("les Machines de l'île", "Nantes", "44"), ("le château des ducs de Bretagne", "Nantes", "44")),
        },
        (
            ("au bord de l'Erdre", "Sucé-sur-Erdre", "44"),
            ("dans le marais de Brière", "Saint-Lyphard", "44"),
            ("sur le sentier côtier de la Côte d'Amour", "Le Croisic", "44"),
        ),
        (("le FC Nantes", "football", "le stade de la Beaujoire", "Nantes", "44"),),
    ),
    Territory(
        "Lille",
        "Lille",
        "59",
        (("Lille Euralille", "Lille", "59"), ("Gravelines", "Gravelines", "59"), ("Dunkerque", "Dunkerque", "59")),
        {
            "theatre": (("le théâtre du Nord", "Lille", "59"), ("le théâtre Sébastopol", "Lille", "59")),
            "concert": (
                ("le Zénith de Lille", "Lille", "59"),
                ("l'Aéronef", "Lille", "59"),
                ("le Nouveau Siècle", "Lille", "59"),
            ),
            "opera": (("l'Opéra de Lille", "Lille", "59"),),
            "cinema": (("le cinéma Le Majestic", "Lille", "59"), ("le cinéma L'Univers", "Lille", "59")),
            "pool": (("la piscine Marx-Dormoy", "Lille", "59"),),
            "museum": (("le Palais des Beaux-Arts", "Lille", "59"), ("le LaM", "Villeneuve-d'Ascq", "59")),
        },
        (
            ("dans la forêt de Mormal", "Locquignol", "59"),
            ("sur la côte d'Opale", "Wimereux", "62"),
            ("au mont des Cats", "Godewaersvelde", "59"),
        ),
        (("le LOSC", "football", "le stade Pierre-Mauroy", "Villeneuve-d'Ascq", "59"),),
    ),
    Territory(
        "Strasbourg",
        "Strasbourg",
        "67",
        (("Strasbourg Meinau", "Strasbourg", "67"), ("Fessenheim", "Fessenheim", "68"), ("Mulhouse", "Mulhouse", "68")),
        {
            "theatre": (
                ("le Théâtre national de Strasbourg", "Strasbourg", "67"),
                ("le TAPS", "Strasbourg", "67"),
                ("la Comédie de Colmar", "Colmar", "68"),
            ),
            "concert": (("le Zénith de Strasbourg", "Eckbolsheim", "67"), ("La Laiterie", "Strasbourg", "67")),
            "opera": (("l'Opéra national du Rhin", "Strasbourg", "67"),),
            "cinema": (("le cinéma Star", "Strasbourg", "67"), ("le cinéma Vox", "Strasbourg", "67")),
            "pool": (("la piscine du Wacken", "Strasbourg", "67"), ("la piscine de la Hardt", "Strasbourg", "67")),
            "museum": (("le Musée alsacien", "Strasbourg", "67"), ("la Cité du train", "Mulhouse", "68")),
        },
        (
            ("dans les Vosges du Nord", "La Petite-Pierre", "67"),
            ("au mont Sainte-Odile", "Ottrott", "67"),
            ("sur la route des Crêtes", "Munster", "68"),
        ),
        (("le RC Strasbourg", "football", "le stade de la Meinau", "Strasbourg", "67"),),
    ),
    Territory(
        "Paris",
        "Paris",
        "75",
        (
            ("Paris Wagram", "Paris", "75"),
            ("Saint-Denis Pleyel", "Saint-Denis", "93"),
            ("La Défense", "Courbevoie", "92"),
        ),
        {
            "theatre": (
                ("la Comédie-Française", "Paris", "75"),
                ("le Théâtre de la Ville", "Paris", "75"),
                ("le théâtre du Rond-Point", "Paris", "75"),
            ),
            "concert": (
                ("la Philharmonie de Paris", "Paris", "75"),
                ("l'Olympia", "Paris", "75"),
                ("la salle Pleyel", "Paris", "75"),
            ),
            "opera": (("l'Opéra Bastille", "Paris", "75"), ("le palais Garnier", "Paris", "75")),
            "cinema": (("le Grand Rex", "Paris", "75"), ("le cinéma MK2 Bibliothèque", "Paris", "75")),
            "pool": (("la piscine Joséphine-Baker", "Paris", "75"), ("la piscine Pontoise", "Paris", "75")),
            "museum": (("le musée d'Orsay", "Paris", "75"), ("la Cité des sciences et de l'industrie", "Paris", "75")),
        },
        (
            ("dans la forêt de Fontainebleau", "Fontainebleau", "77"),
            ("dans la vallée de Chevreuse", "Chevreuse", "78"),
            ("sur les bords de Marne", "Nogent-sur-Marne", "94"),
        ),
        (("le Stade français", "rugby", "le stade Jean-Bouin", "Paris", "75"),),
    ),
    Territory(
        "Rouen",
        "Rouen",
        "76",
        (
            ("Rouen", "Rouen", "76"),
            ("Paluel", "Paluel", "76"),
            ("Penly", "Petit-Caux", "76"),
            ("Le Havre", "Le Havre", "76"),
        ),
        {
            "theatre": (
                ("le théâtre Charles-Dullin", "Le Grand-Quevilly", "76"),
                ("le Rive Gauche", "Saint-Étienne-du-Rouvray", "76"),
            ),
            "concert": (("le Zénith de Rouen", "Le Grand-Quevilly", "76"), ("le 106", "Rouen", "76")),
            "opera": (("l'Opéra de Rouen Normandie", "Rouen", "76"),),
            "cinema": (("le cinéma Omnia", "Rouen", "76"),),
            "pool": (("la piscine Boissière", "Rouen", "76"),),
            "museum": (("le musée des Beaux-Arts de Rouen", "Rouen", "76"), ("le Panorama XXL", "Rouen", "76")),
        },
        (
            ("sur les falaises d'Étretat", "Étretat", "76"),
            ("dans la forêt de Roumare", "Canteleu", "76"),
            ("dans les boucles de la Seine", "Jumièges", "76"),
        ),
        (("les Dragons de Rouen", "hockey sur glace", "la patinoire de l'île Lacroix", "Rouen", "76"),),
    ),
)

# --------------------------------------------------------------------------
# Things to fill titles with
# --------------------------------------------------------------------------

AGE_BANDS = ((6, 8), (9, 11), (12, 14), (15, 17))

PLAYS = (
    {"play": "Cyrano de Bergerac", "author": "d'Edmond Rostand"},
    {"play": "Le Malade imaginaire", "author": "de Molière"},
    {"play": "Les Fourberies de Scapin", "author": "de Molière"},
    {"play": "Le Misanthrope", "author": "de Molière"},
    {"play": "Tartuffe", "author": "de Molière"},
    {"play": "L'Avare", "author": "de Molière"},
    {"play": "Le Jeu de l'amour et du hasard", "author": "de Marivaux"},
    {"play": "Le Mariage de Figaro", "author": "de Beaumarchais"},
    {"play": "On ne badine pas avec l'amour", "author": "d'Alfred de Musset"},
    {"play": "Ruy Blas", "author": "de Victor Hugo"},
    {"play": "Antigone", "author": "de Jean Anouilh"},
    {"play": "Huis clos", "author": "de Jean-Paul Sartre"},
    {"play": "En attendant Godot", "author": "de Samuel Beckett"},
    {"play": "La Cantatrice chauve", "author": "d'Eugène Ionesco"},
    {"play": "Le Dindon", "author": "de Georges Feydeau"},
    {"play": "Un fil à la patte", "author": "de Georges Feydeau"},
    {"play": "Art", "author": "de Yasmina Reza"},
    {"play": "Le Prénom", "author": "de Matthieu Delaporte et Alexandre de La Patellière"},
    {"play": "Phèdre", "author": "de Jean Racine"},
    {"play": "Le Cid", "author": "de Pierre Corneille"},
)

LYRIC_WORKS = (
    {"genre": "Opéra", "work": "Carmen", "author": "de Georges Bizet"},
    {"genre": "Opéra", "work": "La Traviata", "author": "de Giuseppe Verdi"},
    {"genre": "Opéra", "work": "La Flûte enchantée", "author": "de Mozart"},
    {"genre": "Opéra", "work": "Les Noces de Figaro", "author": "de Mozart"},
    {"genre": "Opéra", "work": "Madame Butterfly", "author": "de Giacomo Puccini"},
    {"genre": "Opéra", "work": "Tosca", "author": "de Giacomo Puccini"},
    {"genre": "Opérette", "work": "La Vie parisienne", "author": "de Jacques Offenbach"},
    {"genre": "Ballet", "work": "Le Lac des cygnes", "author": "de Tchaïkovski"},
    {"genre": "Ballet", "work": "Casse-Noisette", "author": "de Tchaïkovski"},
    {"genre": "Ballet", "work": "Giselle", "author": "d'Adolphe Adam"},
    {"genre": "Ballet", "work": "Roméo et Juliette", "author": "de Prokofiev"},
)

CONCERTS = (
    "symphonique : la Symphonie du Nouveau Monde",
    "symphonique : la Neuvième de Beethoven",
    "de jazz manouche",
    "gospel",
    "de chanson française",
    "de musiques de films",
    "de piano : Chopin et Debussy",
    "de musique baroque",
    "du Requiem de Mozart",
    "de rock",
    "de musiques du monde",
    "de l'orchestre d'harmonie",
    "de musique celtique",
)

FILMS = (
    "Les Enfants du paradis",
    "La Grande Vadrouille",
    "Jour de fête",
    "Les Demoiselles de Rochefort",
    "Le Fabuleux Destin d'Amélie Poulain",
    "Intouchables",
    "Le Dîner de cons",
    "La Haine",
    "Les Quatre Cents Coups",
    "Le Grand Bleu",
    "Les Choristes",
    "Cinema Paradiso",
    "Le Père Noël est une ordure",
)

MUSICALS = ("Les Misérables", "Starmania", "Notre-Dame de Paris", "Mamma Mia !", "Le Roi Lion", "Chicago")

DISHES = (
    "Atelier cuisine : recettes du monde",
    "Atelier cuisine végétarienne",
    "Atelier cuisine : pâtes fraîches maison",
    "Atelier cuisine : sushis et makis",
    "Atelier cuisine : soupes et veloutés d'hiver",
    "Atelier cuisine : spécialités du Sud-Ouest",
    "Atelier cuisine : menu de fête à petit prix",
    "Atelier pâtisserie : macarons",
    "Atelier pâtisserie : tartes de saison",
    "Atelier pâtisserie : choux et éclairs",
    "Atelier pain au levain",
)

CRAFTS = (
    "Atelier poterie",
    "Atelier couture",
    "Atelier photo numérique",
    "Atelier art floral",
    "Atelier mosaïque",
    "Atelier tricot",
    "Atelier aquarelle",
    "Atelier jardinage au naturel",
    "Atelier bricolage : petites réparations",
    "Atelier calligraphie",
    "Atelier généalogie",
    "Atelier dessin pour débutants",
    "Atelier numérique : bien utiliser son smartphone",
    "Atelier numérique : faire ses démarches en ligne",
    "Atelier numérique : se protéger des arnaques en ligne",
)

WINES = ("vins de Bourgogne", "vins de la vallée du Rhône", "vins de Loire", "accords mets et vins", "vins d'Alsace")

EVENINGS = (
    "Soirée jeux de société",
    "Sortie bowling",
    "Escape game en équipe",
    "Soirée karaoké",
    "Sortie laser game",
    "Soirée dansante",
    "Soirée quiz",
    "Sortie patinoire",
)

SCHOOL_LEVELS = ("école primaire", "collège", "lycée")

# --------------------------------------------------------------------------
# Seasons: ranges of (month, day), inclusive; a range may run over the new year
# --------------------------------------------------------------------------

_SUMMER_HOLIDAYS = ((7, 4), (8, 29))
_WINTER_HOLIDAYS = (((12, 19), (1, 2)), ((2, 6), (3, 7)))

SEASONS = {
    "all": (((1, 1), (12, 31)),),
    "ski": (((12, 12), (4, 5)),),
    "ski_day": (((12, 13), (3, 31)),),
    "christmas_stay": (((12, 18), (12, 31)),),
    "christmas": (((11, 27), (12, 23)),),
    "lumieres": (((12, 5), (12, 8)),),
    "toys": (((11, 20), (12, 18)),),
    "carnival": (((2, 12), (3, 1)),),
    "winter_holidays": _WINTER_HOLIDAYS,
    "summer_holidays": (_SUMMER_HOLIDAYS,),
    "green_holidays": (((10, 17), (11, 1)), ((4, 3), (5, 2)), _SUMMER_HOLIDAYS),
    "summer": (((6, 13), (9, 5)),),
    "shoulder": (((3, 21), (6, 12)), ((9, 6), (11, 8))),
    "off_peak": (((1, 4), (6, 30)), ((9, 1), (12, 18))),
    "warm": (((4, 1), (10, 31)),),
    "outdoor": (((3, 15), (11, 15)),),
    "parks": (((4, 4), (11, 2)),),
    "avignon": (((7, 5), (7, 24)),),
    "cultural_season": (((9, 15), (6, 30)),),
    "sport_season": (((8, 15), (5, 31)),),
    "school_year": (((9, 2), (10, 16)), ((11, 2), (12, 18)), ((1, 4), (2, 5)), ((3, 8), (4, 2)), ((5, 3), (7, 3))),
}

# National stays starting in these ranges are requested and allocated centrally.
HIGH_SEASON = _WINTER_HOLIDAYS + (_SUMMER_HOLIDAYS,)


def _in_ranges(day: dt.date, ranges) -> bool:
    md = (day.month, day.day)
    for first, last in ranges:
        if (first <= md <= last) if first <= last else (md >= first or md <= last):
            return True
    return False


# --------------------------------------------------------------------------
# Offer templates
# --------------------------------------------------------------------------

ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)
WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
SATURDAY = (5,)


@dataclass(frozen=True)
class Template:
    """One kind of offer; every text may use the fields of the offer's context (see _context).

    `where` says how the offer is placed: a destination list ("ski", "sea",
    "country", "green"), a fixed town (`dest`), a venue kind of the territory
    ("theatre", "concert", "opera", "cinema", "pool", "museum"), "nature",
    "team", or "local" (the organiser's own premises).
    Stays last `nights` nights; outings last one of `hours` on the day.
    """

    key: str
    levels: tuple[str, ...]
    category: str
    titles: tuple[str, ...]
    summaries: tuple[str, ...]
    intros: tuple[str, ...]
    included: tuple[str, ...] = ()
    included_label: str = "Ce qui est compris"
    practical: tuple[str, ...] = ()
    where: str = "local"
    dest: tuple[str, str] | None = None
    place: str = "{local_place}"
    fill: tuple[tuple[str, tuple], ...] = ()
    season: str = "all"
    weekdays: tuple[int, ...] = ALL_DAYS
    nights: tuple[int, ...] = ()
    start_times: tuple[str, ...] = ("18:00",)
    end_time: str = "10:00"  # stays only
    hours: tuple[float, ...] = (2,)
    capacity: tuple[int, int] = (10, 30)
    price: tuple[int, int] = (10, 30)  # top-tier price in euros
    tier1_ratio: tuple[float, float] = (0.4, 0.6)
    free_chance: float = 0.0
    cancel: tuple[int, int] = (1, 7)
    ages: tuple[tuple[int, int], ...] = ()  # one band is drawn per offer
    weight: float = 1.0
    bon_plan: bool = True  # may have last-minute places released at a discount


_STAY_PRACTICAL = (
    "Arrivée le samedi à partir de 17 h, départ le samedi suivant avant 10 h.",
    "Le transport jusqu'au village vacances reste à votre charge ; un parking gratuit est à votre disposition.",
    "Le village est accessible aux personnes à mobilité réduite : signalez vos besoins à l'inscription.",
    "Les animaux de compagnie ne sont pas acceptés.",
    "Une caution de 150 € est demandée à l'arrivée et rendue au départ.",
)

_COLO_INCLUDED = (
    "le voyage aller-retour en train et en car, accompagné par l'équipe d'animation",
    "l'hébergement en chambres de 4 à 6 lits",
    "la pension complète et le goûter",
    "l'encadrement par des animateurs titulaires du BAFA",
    "les activités et le matériel",
    "l'assurance et l'assistance",
)

_COLO_PRACTICAL = (
    "Le lieu et l'heure du rendez-vous de départ sont précisés dans la convocation envoyée trois semaines avant.",
    "Un trousseau indicatif est joint à la convocation ; marquez les vêtements au nom de l'enfant.",
    "La fiche sanitaire de liaison est à remettre au départ.",
    "Les enfants donnent de leurs nouvelles sur le blog de la colo, mis à jour chaque jour par l'équipe.",
)

_TRIP_INCLUDED = (
    "le transport en car grand tourisme au départ de votre CMCAS",
    "l'hébergement en hôtel 3 étoiles, chambre double",
    "la demi-pension",
    "les visites guidées du programme",
    "l'accompagnement par un bénévole de la CMCAS",
    "l'assurance assistance-rapatriement",
)

_TRIP_PRACTICAL = (
    "Départ à 7 h précises ; merci d'arriver un quart d'heure avant.",
    "Supplément chambre individuelle : nous consulter.",
    "Une pièce d'identité en cours de validité est demandée.",
    "Le programme peut être adapté selon la météo.",
)

_SHOW_PRACTICAL = (
    "Les billets sont remis au point SLVie la semaine précédant la représentation, ou envoyés par courriel.",
    "Placement en catégorie 1, dans la limite du contingent réservé.",
    "Ouverture des portes 45 minutes avant le début du spectacle.",
    "Salle accessible aux personnes à mobilité réduite : signalez-le à l'inscription.",
)

_WORKSHOP_PRACTICAL = (
    "Matériel fourni ; venez simplement avec votre bonne humeur.",
    "Groupe limité pour que chacun puisse pratiquer.",
    "Ouvert aux débutants comme aux plus expérimentés.",
    "Les enfants à partir de 12 ans sont les bienvenus s'ils sont accompagnés d'un adulte.",
)

_SPORT_PRACTICAL = (
    "Prévoir une tenue adaptée, de bonnes chaussures et une gourde.",
    "Un certificat médical n'est pas demandé pour cette activité de loisir.",
    "L'activité peut être annulée en cas de mauvais temps ; vous êtes alors prévenu la veille.",
    "Encadrement par un éducateur sportif diplômé.",
)

_SOLIDARITY_PRACTICAL = (
    "Aucune compétence particulière n'est demandée : une courte présentation est faite sur place.",
    "Venez seul, en famille ou entre collègues.",
    "Un temps convivial clôt chaque action.",
)

TEMPLATES: list[Template] = [
    # ---- CCAS: national holiday stays -------------------------------------------------------
    Template(
        "ccas_ski",
        ("ccas",),
        "sejours",
        titles=(
            "Séjour ski {a_town}",
            "Vacances à la neige {a_town}",
            "Semaine ski en famille {a_town}",
            "Séjour ski et raquettes {a_town}",
        ),
        summaries=(
            "Une semaine en pension complète au pied des pistes, forfait et club enfants compris.",
            "Ski alpin, raquettes et détente au village vacances CCAS {de_town}.",
        ),
        intros=(
            "Le village vacances CCAS {de_town} vous accueille au cœur de la station, à quelques minutes à pied "
            "des remontées mécaniques. Une semaine pour skier à votre rythme, en famille ou entre amis, avec un "
            "club enfants et des animations chaque soir.",
            "Cap sur la montagne {a_town} : ski alpin, ski de fond ou balade en raquettes, chacun trouve son "
            "activité. Les repas sont servis au restaurant du village, avec une cuisine de saison et des "
            "spécialités régionales.",
        ),
        included=(
            "l'hébergement en appartement ou en chambre familiale",
            "la pension complète",
            "le forfait remontées mécaniques de 6 jours",
            "la location du matériel de ski",
            "les cours de ski pour les enfants de 5 à 12 ans",
            "le club enfants de 3 à 11 ans",
            "les animations en soirée",
            "le linge de lit et de toilette",
            "une sortie raquettes accompagnée",
        ),
        practical=_STAY_PRACTICAL[:3] + ("Pensez aux équipements neige, obligatoires en montagne l'hiver.",),
        where="ski",
        place="Village vacances CCAS, {town}",
        season="ski",
        weekdays=SATURDAY,
        nights=(7,),
        start_times=("17:00",),
        capacity=(60, 180),
        price=(520, 1150),
        tier1_ratio=(0.2, 0.32),
        cancel=(21, 30),
        weight=3,
    ),
    Template(
        "ccas_christmas",
        ("ccas",),
        "sejours",
        titles=("Noël à la montagne {a_town}", "Fêtes de fin d'année {a_town}", "Réveillon à la neige {a_town}"),
        summaries=("Une semaine de fêtes au village vacances, repas de réveillon et visite du Père Noël compris.",),
        intros=(
            "Passez les fêtes {a_town} sans rien avoir à organiser : sapin, repas de fête, animations pour "
            "petits et grands et, bien sûr, la neige. Le village vacances CCAS décore ses salles et prépare "
            "un réveillon dont on se souvient.",
        ),
        included=(
            "l'hébergement en appartement familial",
            "la pension complète",
            "le repas du réveillon de Noël ou de la Saint-Sylvestre",
            "la visite du Père Noël pour les enfants",
            "le club enfants",
            "le forfait remontées mécaniques de 6 jours",
        ),
        practical=_STAY_PRACTICAL[:3],
        where="ski",
        place="Village vacances CCAS, {town}",
        season="christmas_stay",
        weekdays=SATURDAY,
        nights=(7,),
        start_times=("17:00",),
        capacity=(60, 160),
        price=(560, 1200),
        tier1_ratio=(0.2, 0.32),
        cancel=(21, 30),
    ),
    Template(
        "ccas_summer_sea",
        ("ccas",),
        "sejours",
        titles=(
            "Été {a_town}",
            "Vacances d'été au bord de la mer {a_town}",
            "Séjour mer en famille {a_town}",
            "Semaine plage et détente {a_town}",
        ),
        summaries=(
            "Mer, plage et clubs enfants : une ou deux semaines au village vacances CCAS {de_town}.",
            "Des vacances en famille au bord de l'eau, avec piscine, activités nautiques et animations.",
        ),
        intros=(
            "À deux pas de la plage, le village vacances CCAS {de_town} accueille les familles pour un été "
            "au grand air. Les enfants retrouvent leurs clubs par âge pendant que les parents profitent de "
            "la piscine, des sorties en mer ou simplement du calme.",
            "Un été {a_town}, c'est la mer tous les jours, des balades sur la côte et des soirées animées au "
            "village vacances. Les repas sont préparés sur place avec les produits de la région.",
        ),
        included=(
            "l'hébergement en appartement ou en mobil-home",
            "la pension complète ou la demi-pension",
            "le club enfants et le club ados",
            "l'accès à la piscine du village",
            "les activités nautiques encadrées (voile, paddle, kayak)",
            "les soirées à thème",
            "une excursion à la journée",
        ),
        practical=_STAY_PRACTICAL,
        where="sea",
        place="Village vacances CCAS, {town}",
        season="summer",
        weekdays=SATURDAY,
        nights=(7, 7, 14),
        start_times=("17:00",),
        capacity=(80, 220),
        price=(420, 1300),
        tier1_ratio=(0.18, 0.3),
        cancel=(21, 30),
        weight=3,
    ),
    Template(
        "ccas_summer_country",
        ("ccas",),
        "sejours",
        titles=(
            "Été en pleine nature {a_town}",
            "Vacances au vert {a_town}",
            "Séjour découverte {a_town}",
            "Été en famille {a_town}",
        ),
        summaries=("Randonnées, baignade et patrimoine : un été en famille au village vacances CCAS {de_town}.",),
        intros=(
            "Le village vacances CCAS {de_town} est le point de départ idéal pour découvrir la région : "
            "randonnées, villages de caractère, marchés et baignades. Le soir, place aux veillées et aux "
            "spectacles proposés par l'équipe d'animation.",
        ),
        included=(
            "l'hébergement en chambre familiale",
            "la pension complète",
            "le club enfants de 3 à 11 ans",
            "les randonnées accompagnées",
            "une excursion à la journée",
            "les animations en soirée",
        ),
        practical=_STAY_PRACTICAL,
        where="country",
        place="Village vacances CCAS, {town}",
        season="summer",
        weekdays=SATURDAY,
        nights=(7, 7, 14),
        start_times=("17:00",),
        capacity=(60, 160),
        price=(380, 1100),
        tier1_ratio=(0.18, 0.3),
        cancel=(21, 30),
        weight=2,
    ),
    Template(
        "ccas_off_season",
        ("ccas",),
        "sejours",
        titles=(
            "Escapade de printemps {a_town}",
            "Séjour randonnée {a_town}",
            "Séjour détente hors saison {a_town}",
            "Semaine découverte {a_town}",
        ),
        summaries=("Profitez du calme de l'avant ou de l'arrière-saison à petit prix, en pension complète.",),
        intros=(
            "Hors des grandes vacances, le village vacances CCAS {de_town} offre une autre façon de voyager : "
            "des chemins de randonnée tranquilles, des visites sans foule et du temps pour soi.",
            "Une semaine {a_town} pour marcher, visiter et se reposer, avec un programme de sorties accompagnées "
            "à la carte.",
        ),
        included=(
            "l'hébergement en chambre double",
            "la pension complète",
            "deux randonnées accompagnées",
            "une visite guidée du patrimoine local",
            "les animations en soirée",
        ),
        practical=_STAY_PRACTICAL[1:],
        where="green",
        place="Village vacances CCAS, {town}",
        season="shoulder",
        weekdays=(0, 5),
        nights=(4, 5, 7),
        start_times=("17:00",),
        capacity=(40, 120),
        price=(260, 700),
        tier1_ratio=(0.2, 0.35),
        cancel=(14, 30),
        weight=2,
    ),
    Template(
        "ccas_seniors",
        ("ccas",),
        "sejours",
        titles=("Séjour seniors {a_town}", "Séjour retraités {a_town}", "Séjour seniors : découverte {de_town}"),
        summaries=("Un séjour pensé pour les retraités de l'énergie : rythme doux, visites et convivialité.",),
        intros=(
            "Pensé pour les retraités des industries électriques et gazières, ce séjour {a_town} mêle visites, "
            "balades à rythme doux et moments de convivialité. Un accompagnateur vous suit pendant toute la "
            "semaine.",
        ),
        included=(
            "l'hébergement en chambre double",
            "la pension complète, vin compris",
            "les excursions et visites du programme",
            "la présence d'un accompagnateur",
            "une soirée dansante",
        ),
        practical=(
            "Arrivée le lundi en fin d'après-midi, départ le samedi ou le lundi suivant après le petit-déjeuner.",
            "Possibilité de transport en car depuis certaines CMCAS : renseignez-vous.",
            "Chambre individuelle possible avec supplément, selon disponibilité.",
        ),
        where="green",
        place="Village vacances CCAS, {town}",
        season="off_peak",
        weekdays=(0,),
        nights=(5, 7),
        start_times=("17:00",),
        capacity=(30, 90),
        price=(300, 750),
        tier1_ratio=(0.22, 0.35),
        cancel=(14, 30),
    ),
    # ---- CCAS: colos -----------------------------------------------------------------------------
    Template(
        "colo_ski",
        ("ccas",),
        "colos",
        titles=(
            "Colo ski {a_town} ({ages})",
            "Colo neige et glisse {a_town} ({ages})",
            "Colo ski et chiens de traîneau {a_town} ({ages})",
        ),
        summaries=("Ski, luge et veillées au chalet pour les {ages}, encadrés par des animateurs diplômés.",),
        intros=(
            "Une semaine à la montagne entre copains : cours de ski le matin avec l'école de ski, luge, "
            "igloos et jeux de neige l'après-midi, veillées au chalet le soir. Le centre de vacances CCAS "
            "{de_town} accueille les {ages} dans une ambiance chaleureuse.",
        ),
        included=_COLO_INCLUDED
        + (
            "le forfait remontées mécaniques",
            "la location du matériel de ski",
            "les cours de ski et le passage des étoiles",
        ),
        practical=_COLO_PRACTICAL,
        where="ski",
        place="Centre de vacances CCAS, {town}",
        season="winter_holidays",
        weekdays=WEEKEND,
        nights=(6, 7),
        start_times=("09:00",),
        end_time="18:00",
        capacity=(24, 60),
        price=(480, 1100),
        tier1_ratio=(0.15, 0.28),
        cancel=(21, 30),
        ages=AGE_BANDS,
        weight=2,
    ),
    Template(
        "colo_sea",
        ("ccas",),
        "colos",
        titles=(
            "Colo voile {a_town} ({ages})",
            "Colo mer et kayak {a_town} ({ages})",
            "Colo plage et paddle {a_town} ({ages})",
            "Colo glisse et océan {a_town} ({ages})",
        ),
        summaries=("Activités nautiques, plage et grands jeux pour les {ages}, au bord de la mer.",),
        intros=(
            "Le centre de vacances CCAS {de_town} ouvre ses portes aux {ages} pour une colo les pieds dans "
            "l'eau : initiation ou perfectionnement avec des moniteurs diplômés, baignades surveillées, "
            "grands jeux sur la plage et veillées.",
        ),
        included=_COLO_INCLUDED
        + ("les séances de voile, de kayak ou de paddle", "le passage du test d'aisance aquatique"),
        practical=_COLO_PRACTICAL,
        where="sea",
        place="Centre de vacances CCAS, {town}",
        season="summer_holidays",
        weekdays=WEEKEND,
        nights=(7, 10, 13),
        start_times=("09:00",),
        end_time="18:00",
        capacity=(24, 60),
        price=(450, 1250),
        tier1_ratio=(0.15, 0.28),
        cancel=(21, 30),
        ages=AGE_BANDS,
        weight=2,
    ),
    Template(
        "colo_nature",
        ("ccas",),
        "colos",
        titles=(
            "Colo nature et poneys {a_town} ({ages})",
            "Colo trappeurs {a_town} ({ages})",
            "Colo cirque {a_town} ({ages})",
            "Colo sciences et étoiles {a_town} ({ages})",
            "Colo équitation {a_town} ({ages})",
            "Colo théâtre et musique {a_town} ({ages})",
            "Colo aventure et escalade {a_town} ({ages})",
        ),
        summaries=("Une colo au grand air pour les {ages}, avec une activité à pratiquer tous les jours.",),
        intros=(
            "Au centre de vacances CCAS {de_town}, les {ages} vivent une colo à la campagne : une activité "
            "principale chaque jour, des cabanes, des balades et des veillées autour du feu. Chacun participe "
            "à la vie du groupe, de la préparation des goûters à l'organisation de la fête de fin de séjour.",
        ),
        included=_COLO_INCLUDED + ("les séances encadrées par des intervenants spécialisés",),
        practical=_COLO_PRACTICAL,
        where="country",
        place="Centre de vacances CCAS, {town}",
        season="green_holidays",
        weekdays=WEEKEND,
        nights=(5, 7, 12),
        start_times=("09:00",),
        end_time="18:00",
        capacity=(24, 48),
        price=(350, 1000),
        tier1_ratio=(0.15, 0.28),
        cancel=(21, 30),
        ages=AGE_BANDS,
        weight=2,
    ),
    # ---- CMCAS and SLVie: culture ---------------------------------------------------------------
    Template(
        "theatre",
        ("cmcas", "slvie"),
        "culture",
        titles=("Théâtre : {play} {a_venue}", "Théâtre : {play}", "Soirée théâtre : {play}"),
        summaries=(
            "{play}, {author}, {a_venue} : des places à tarif réduit pour une soirée de théâtre.",
            "Une pièce incontournable {author}, à voir {a_venue}.",
        ),
        intros=(
            "{The_organiser} a réservé des places pour {play}, la pièce {author}, jouée {a_venue}. Une mise en "
            "scène saluée par la critique et une troupe pleine d'énergie : une belle occasion de (re)découvrir "
            "un grand texte.",
            "Sortie théâtre {a_venue} : {play}, {author}. Une soirée à partager en famille ou entre collègues, "
            "à partir de 12 ans.",
        ),
        included=("la place en catégorie 1", "une rencontre avec la troupe à l'issue de certaines représentations"),
        practical=_SHOW_PRACTICAL,
        where="theatre",
        place="{venue_name}, {venue_town}",
        fill=(("play", PLAYS),),
        season="cultural_season",
        weekdays=(1, 2, 3, 4, 5, 6),
        start_times=("20:00", "20:30", "15:00"),
        hours=(2, 2.5),
        capacity=(20, 80),
        price=(18, 48),
        tier1_ratio=(0.35, 0.5),
        cancel=(2, 10),
        weight=3,
    ),
    Template(
        "lyric",
        ("cmcas", "slvie"),
        "culture",
        titles=("{genre} : {work} {a_venue}", "Sortie {a_venue} : {work}"),
        summaries=("{work}, {author} : un grand classique {a_venue}, en places de catégorie 1.",),
        intros=(
            "{work}, {author}, {a_venue}. Chanteurs, danseurs et orchestre réunis pour une soirée d'exception, "
            "à prix réduit grâce à {the_organiser}.",
        ),
        included=("la place en catégorie 1", "le programme de salle", "une présentation de l'œuvre 30 minutes avant"),
        practical=_SHOW_PRACTICAL,
        where="opera",
        place="{venue_name}, {venue_town}",
        fill=(("work", LYRIC_WORKS),),
        season="cultural_season",
        weekdays=(1, 2, 3, 4, 5, 6),
        start_times=("19:30", "20:00", "15:00"),
        hours=(2.5, 3),
        capacity=(20, 60),
        price=(35, 95),
        tier1_ratio=(0.3, 0.45),
        cancel=(3, 10),
        weight=2,
    ),
    Template(
        "concert",
        ("cmcas", "slvie"),
        "culture",
        titles=("Concert {concert} {a_venue}", "Concert {concert}"),
        summaries=("Concert {concert} {a_venue} : des places réservées à tarif réduit.",),
        intros=(
            "{The_organiser} vous propose un concert {concert} {a_venue}. Une soirée pour tous les amateurs de "
            "musique, à partager en famille ou entre amis.",
        ),
        practical=_SHOW_PRACTICAL,
        where="concert",
        place="{venue_name}, {venue_town}",
        fill=(("concert", CONCERTS),),
        season="all",
        weekdays=(3, 4, 5, 6),
        start_times=("20:00", "20:30", "17:00"),
        hours=(2, 2.5),
        capacity=(20, 100),
        price=(15, 60),
        tier1_ratio=(0.35, 0.5),
        cancel=(2, 10),
        weight=3,
    ),
    Template(
        "musical",
        ("cmcas", "slvie"),
        "culture",
        titles=("Comédie musicale : {musical}",),
        summaries=("{musical} {a_venue} : chansons, danse et grand spectacle.",),
        intros=(
            "La comédie musicale {musical} fait étape {a_venue}. Décors, costumes et chansons connues de tous : "
            "un spectacle à voir en famille.",
        ),
        practical=_SHOW_PRACTICAL,
        where="concert",
        place="{venue_name}, {venue_town}",
        fill=(("musical", MUSICALS),),
        season="all",
        weekdays=(4, 5, 6),
        start_times=("20:00", "15:00"),
        hours=(2.5,),
        capacity=(20, 80),
        price=(35, 79),
        tier1_ratio=(0.35, 0.5),
        cancel=(3, 10),
    ),
    Template(
        "cinema",
        ("slvie",),
        "culture",
        titles=(
            "Places de cinéma {a_venue}",
            "Ciné-club : {film}",
            "Avant-première {a_venue}",
            "Cinéma en famille {a_venue}",
        ),
        summaries=("Une séance de cinéma à petit prix {a_venue}.", "Projection suivie d'un échange, {a_venue}."),
        intros=(
            "{The_organiser} vous donne rendez-vous {a_venue} pour une séance à tarif réduit. Au programme ce "
            "jour-là : {film}, suivi d'un échange autour du film pour ceux qui le souhaitent.",
        ),
        practical=(
            "Présentez votre e-billet ou votre bon à l'accueil du cinéma.",
            "Séance en version originale sous-titrée ou en version française selon le film.",
            "Salle accessible aux personnes à mobilité réduite.",
        ),
        where="cinema",
        place="{venue_name}, {venue_town}",
        fill=(("film", FILMS),),
        season="all",
        start_times=("14:00", "18:00", "20:00", "20:30"),
        hours=(2, 2.5),
        capacity=(20, 100),
        price=(5, 11),
        tier1_ratio=(0.4, 0.6),
        cancel=(0, 2),
        weight=2,
    ),
    Template(
        "museum",
        ("cmcas", "slvie"),
        "culture",
        titles=("Visite guidée {de_venue}", "Exposition {a_venue} : visite commentée"),
        summaries=("Une visite commentée {de_venue} avec un guide conférencier, en petit groupe.",),
        intros=(
            "Suivez un guide conférencier {a_venue} pour une visite en petit groupe : les œuvres et les "
            "objets phares, les coulisses et les anecdotes que l'on ne trouve pas sur les cartels.",
        ),
        included=("l'entrée", "la visite guidée d'une heure et demie", "l'accès libre aux collections après la visite"),
        practical=(
            "Rendez-vous dans le hall d'accueil 15 minutes avant le début de la visite.",
            "Les sacs volumineux doivent être déposés au vestiaire.",
        ),
        where="museum",
        place="{venue_name}, {venue_town}",
        season="all",
        weekdays=(1, 2, 3, 4, 5, 6),
        start_times=("10:00", "14:30", "15:00"),
        hours=(1.5, 2),
        capacity=(10, 25),
        price=(8, 22),
        tier1_ratio=(0.35, 0.55),
        free_chance=0.1,
        cancel=(1, 7),
    ),
    Template(
        "arbre_noel",
        ("slvie",),
        "culture",
        titles=("Arbre de Noël de la SLVie {slvie}", "Spectacle de Noël pour les enfants"),
        summaries=("Spectacle, goûter et cadeaux pour les enfants des agents, en présence du Père Noël.",),
        intros=(
            "C'est la tradition : la SLVie {slvie} invite les enfants des agents et leurs familles à son arbre "
            "de Noël. Un spectacle de magie et de clowns ouvre l'après-midi, avant le goûter et la distribution "
            "des cadeaux par le Père Noël.",
        ),
        included=("le spectacle", "le goûter", "un cadeau pour chaque enfant jusqu'à 12 ans"),
        practical=(
            "Inscrivez chaque enfant qui vient, pour que son cadeau l'attende.",
            "Les parents et grands-parents sont les bienvenus.",
        ),
        where="local",
        season="christmas",
        weekdays=(2, 5, 6),
        start_times=("14:00", "14:30"),
        hours=(3,),
        capacity=(80, 300),
        price=(3, 8),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.7,
        cancel=(0, 3),
        bon_plan=False,
    ),
    # ---- CMCAS and SLVie: sport -------------------------------------------------------------------
    Template(
        "ski_day",
        ("cmcas", "slvie"),
        "sport",
        titles=("Journée ski {a_town}", "Sortie ski à la journée {a_town}", "Sortie ski de fond {a_town}"),
        summaries=("Car, forfait et une journée de glisse {a_town} : il ne reste qu'à chausser les skis.",),
        intros=(
            "Une journée sur les pistes {a_town}, sans souci de route ni de stationnement : le car part tôt le "
            "matin et vous dépose au pied des pistes. Skieurs débutants ou confirmés, chacun skie à son rythme ; "
            "un moniteur peut encadrer un groupe de débutants.",
        ),
        included=("le transport en car", "le forfait journée", "un cours collectif pour les débutants"),
        practical=(
            "Départ à 6 h 30 ; retour prévu vers 20 h.",
            "La location du matériel est possible sur place.",
            "Prévoir le pique-nique du midi.",
        ),
        where="ski",
        place="{meeting}",
        season="ski_day",
        weekdays=WEEKEND,
        start_times=("06:30",),
        hours=(13.5,),
        capacity=(30, 55),
        price=(45, 95),
        tier1_ratio=(0.3, 0.45),
        cancel=(3, 10),
        weight=2,
    ),
    Template(
        "snowshoe",
        ("cmcas", "slvie"),
        "sport",
        titles=("Randonnée raquettes {a_town}", "Randonnée raquettes et fondue {a_town}"),
        summaries=("Une journée en raquettes sur les sentiers enneigés, avec un accompagnateur en montagne.",),
        intros=(
            "Un accompagnateur en montagne vous emmène sur les sentiers enneigés autour {de_town}, à la "
            "découverte des traces d'animaux et des panoramas d'hiver. Aucune expérience n'est nécessaire.",
        ),
        included=(
            "le transport en car",
            "la location des raquettes et des bâtons",
            "l'encadrement par un accompagnateur",
        ),
        practical=_SPORT_PRACTICAL[:1] + ("Départ à 7 h ; retour vers 19 h.",),
        where="ski",
        place="{meeting}",
        season="ski_day",
        weekdays=WEEKEND,
        start_times=("07:00",),
        hours=(12,),
        capacity=(12, 30),
        price=(30, 65),
        tier1_ratio=(0.3, 0.45),
        cancel=(3, 10),
    ),
    Template(
        "hike",
        ("cmcas", "slvie"),
        "sport",
        titles=(
            "Randonnée {nature}",
            "Journée randonnée {nature}",
            "Marche nordique {nature}",
            "Randonnée familiale {nature}",
        ),
        summaries=("Une randonnée de 10 à 15 km {nature}, accompagnée par des bénévoles de la section randonnée.",),
        intros=(
            "La section randonnée vous emmène {nature} pour une boucle d'une journée, à allure tranquille, "
            "avec une pause pique-nique et des haltes pour profiter des points de vue.",
        ),
        practical=_SPORT_PRACTICAL[:3]
        + ("Prévoir le pique-nique ; covoiturage organisé depuis le point de rendez-vous.",),
        where="nature",
        place="{meeting}",
        season="all",
        weekdays=WEEKEND + (2,),
        start_times=("08:30", "09:00"),
        hours=(7, 8),
        capacity=(12, 35),
        price=(5, 15),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.3,
        cancel=(0, 3),
        weight=3,
    ),
    Template(
        "bike",
        ("cmcas", "slvie"),
        "sport",
        titles=("Sortie VTT {nature}", "Balade à vélo {nature}"),
        summaries=("Une sortie à vélo encadrée {nature}, deux niveaux de parcours.",),
        intros=(
            "Deux groupes, deux parcours {nature} : un circuit découverte pour les familles et un parcours "
            "sportif pour les plus entraînés, chacun encadré par un moniteur.",
        ),
        practical=_SPORT_PRACTICAL + ("Casque obligatoire ; location de vélos possible sur réservation.",),
        where="nature",
        place="{meeting}",
        season="outdoor",
        weekdays=WEEKEND,
        start_times=("09:00",),
        hours=(4, 6),
        capacity=(10, 24),
        price=(8, 30),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.2,
        cancel=(1, 5),
    ),
    Template(
        "canoe",
        ("cmcas",),
        "sport",
        titles=("Descente de l'Ardèche en canoë", "Canoë dans les gorges de l'Ardèche"),
        summaries=("Une journée de canoë dans les gorges, au départ de Vallon-Pont-d'Arc.",),
        intros=(
            "Depuis Vallon-Pont-d'Arc, descendez l'Ardèche en canoë biplace : passage sous le Pont d'Arc, "
            "petits rapides et plages de galets pour la pause du midi.",
        ),
        included=("le transport en car", "la location du canoë et des gilets", "le retour en navette"),
        practical=("Savoir nager est obligatoire.", "Prévoir des chaussures qui vont dans l'eau et un change."),
        where="fixed",
        dest=("Vallon-Pont-d'Arc", "07"),
        place="{meeting}",
        season="warm",
        weekdays=WEEKEND,
        start_times=("06:30",),
        hours=(14,),
        capacity=(16, 40),
        price=(45, 85),
        tier1_ratio=(0.3, 0.45),
        cancel=(3, 10),
    ),
    Template(
        "match",
        ("cmcas", "slvie"),
        "sport",
        titles=("Match {de_club} ({sport})", "Billets pour un match {de_club}"),
        summaries=("Des places en tribune pour vibrer avec {club} ({sport}).",),
        intros=(
            "{The_organiser} a réservé un bloc de places en tribune pour un match {de_club} à domicile. Ambiance "
            "garantie : venez en famille, les enfants adorent.",
        ),
        practical=(
            "Les billets sont envoyés par courriel ou remis au point SLVie.",
            "Ouverture des portes une heure et demie avant le coup d'envoi ; contrôles de sécurité à l'entrée.",
        ),
        where="team",
        place="{venue_name}, {venue_town}",
        season="sport_season",
        weekdays=(2, 5, 6),
        start_times=("15:00", "18:00", "20:45", "21:00"),
        hours=(2,),
        capacity=(20, 120),
        price=(15, 55),
        tier1_ratio=(0.35, 0.5),
        cancel=(2, 10),
        weight=2,
    ),
    Template(
        "pool",
        ("slvie",),
        "sport",
        titles=(
            "Aquagym {a_venue}",
            "Cours de natation pour adultes {a_venue}",
            "Bébés nageurs {a_venue}",
            "Créneau famille {a_venue}",
            "Aquabike {a_venue}",
        ),
        summaries=("Une séance encadrée par un maître-nageur, {a_venue}.",),
        intros=(
            "{The_organiser} a réservé un créneau {a_venue}. Un maître-nageur encadre la séance et adapte les "
            "exercices au niveau de chacun.",
        ),
        practical=(
            "Bonnet de bain obligatoire ; short de bain interdit.",
            "Vestiaires et casiers sur place.",
            "Arrivez 15 minutes avant pour vous changer.",
        ),
        where="pool",
        place="{venue_name}, {venue_town}",
        season="all",
        weekdays=WEEKDAYS + (5,),
        start_times=("12:15", "18:30", "19:15", "10:00"),
        hours=(1,),
        capacity=(10, 30),
        price=(4, 10),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.1,
        cancel=(0, 2),
        weight=4,
    ),
    Template(
        "lunch_sport",
        ("slvie",),
        "sport",
        titles=(
            "Yoga à la pause déjeuner",
            "Pilates à la pause déjeuner",
            "Renforcement musculaire à midi",
            "Stretching à la pause déjeuner",
        ),
        summaries=("Une séance près de votre lieu de travail, le temps de la pause déjeuner.",),
        intros=(
            "La SLVie {slvie} propose des séances régulières à deux pas du site, le midi : pas besoin d'être "
            "sportif pour commencer, l'éducateur adapte les exercices à chacun.",
        ),
        practical=_SPORT_PRACTICAL[:2] + ("Douches et vestiaires sur place.",),
        where="local",
        season="all",
        weekdays=WEEKDAYS,
        start_times=("12:15",),
        hours=(1,),
        capacity=(8, 20),
        price=(3, 8),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.2,
        cancel=(0, 2),
        weight=2,
        bon_plan=False,
    ),
    Template(
        "evening_sport",
        ("slvie", "cmcas"),
        "sport",
        titles=(
            "Initiation escalade",
            "Badminton en soirée",
            "Tournoi de pétanque de la {level_name} {short_org}",
            "Tournoi de futsal interentreprises",
            "Initiation au tir à l'arc",
            "Tennis de table en soirée",
        ),
        summaries=("Une soirée sportive et conviviale, ouverte à tous les niveaux.",),
        intros=(
            "{The_organiser} vous propose une soirée sportive après le travail : débutants bienvenus, le "
            "matériel est prêté et un éducateur encadre la séance.",
        ),
        practical=_SPORT_PRACTICAL,
        where="local",
        season="all",
        weekdays=(1, 2, 3, 4),
        start_times=("18:00", "18:30"),
        hours=(1.5, 2),
        capacity=(8, 32),
        price=(3, 12),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.2,
        cancel=(0, 2),
        weight=2,
        bon_plan=False,
    ),
    # ---- CMCAS: trips ----------------------------------------------------------------------------
    # (generated from TRIPS below)
    # ---- CMCAS and SLVie: leisure ------------------------------------------------------------------
    Template(
        "cooking",
        ("slvie", "cmcas"),
        "loisirs",
        titles=("{dish}",),
        summaries=("Un atelier convivial avec un chef : on cuisine ensemble, puis on déguste.",),
        intros=(
            "Un chef vous guide pas à pas, en petit groupe : techniques, astuces et recettes à refaire chez "
            "soi. L'atelier se termine par la dégustation de ce que vous avez préparé.",
        ),
        included=("les ingrédients", "le prêt du tablier et des ustensiles", "les fiches recettes"),
        included_label="Au programme",
        practical=_WORKSHOP_PRACTICAL[:3],
        where="local",
        fill=(("dish", DISHES),),
        season="all",
        weekdays=(1, 2, 3, 5),
        start_times=("10:00", "18:30", "14:00"),
        hours=(2.5, 3),
        capacity=(8, 14),
        price=(15, 45),
        tier1_ratio=(0.35, 0.5),
        cancel=(2, 7),
        weight=3,
    ),
    Template(
        "craft",
        ("slvie",),
        "loisirs",
        titles=("{craft}",),
        summaries=("Un atelier en petit groupe pour apprendre en pratiquant, avec un intervenant passionné.",),
        intros=(
            "Apprenez en pratiquant : l'intervenant montre les gestes, chacun avance à son rythme et repart "
            "avec sa réalisation ou de quoi continuer chez soi.",
        ),
        practical=_WORKSHOP_PRACTICAL,
        where="local",
        fill=(("craft", CRAFTS),),
        season="all",
        weekdays=(0, 1, 2, 3, 4, 5),
        start_times=("10:00", "14:00", "18:00", "12:15"),
        hours=(1.5, 2, 3),
        capacity=(6, 15),
        price=(5, 35),
        tier1_ratio=(0.35, 0.55),
        free_chance=0.15,
        cancel=(1, 7),
        weight=3,
    ),
    Template(
        "wine",
        ("slvie", "cmcas"),
        "loisirs",
        titles=("Atelier œnologie : {wine}",),
        summaries=("Déguster et comprendre les {wine} avec un sommelier, avec modération.",),
        intros=(
            "Un sommelier présente cinq vins, leur terroir et leur histoire, et vous apprend à reconnaître "
            "arômes et défauts. Une assiette de fromages accompagne la dégustation.",
        ),
        practical=("Réservé aux adultes. L'abus d'alcool est dangereux pour la santé, à consommer avec modération.",),
        where="local",
        fill=(("wine", WINES),),
        season="all",
        weekdays=(3, 4),
        start_times=("18:30", "19:00"),
        hours=(2,),
        capacity=(10, 20),
        price=(20, 45),
        tier1_ratio=(0.35, 0.5),
        cancel=(2, 7),
    ),
    Template(
        "evening",
        ("slvie",),
        "loisirs",
        titles=("{evening}", "{evening} de la SLVie {slvie}"),
        summaries=("Une sortie détente entre collègues et en famille, organisée par la SLVie {slvie}.",),
        intros=(
            "La SLVie {slvie} vous propose de vous retrouver hors du travail, en famille ou entre collègues, "
            "pour un moment simple et convivial.",
        ),
        practical=("Ouvert à tous les âges, les mineurs venant avec un adulte.",),
        where="local",
        fill=(("evening", EVENINGS),),
        season="all",
        weekdays=(4, 5),
        start_times=("19:00", "20:00"),
        hours=(2, 3),
        capacity=(12, 40),
        price=(5, 25),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.15,
        cancel=(1, 5),
        weight=2,
    ),
    Template(
        "seniors_lunch",
        ("cmcas",),
        "loisirs",
        titles=("Repas des retraités de la CMCAS {cmcas}", "Thé dansant des retraités", "Loto de la CMCAS {cmcas}"),
        summaries=("Un moment de retrouvailles pour les retraités et leurs conjoints.",),
        intros=(
            "La commission retraités de la CMCAS {cmcas} vous invite à son rendez-vous de la saison : l'occasion "
            "de retrouver d'anciens collègues autour d'une bonne table et d'un orchestre.",
        ),
        practical=("Covoiturage possible : signalez-le à l'inscription.",),
        where="local",
        season="all",
        weekdays=(1, 3, 6),
        start_times=("12:00", "14:00"),
        hours=(4, 5),
        capacity=(60, 200),
        price=(12, 38),
        tier1_ratio=(0.35, 0.5),
        free_chance=0.1,
        cancel=(3, 10),
        bon_plan=False,
    ),
    # ---- CMCAS and SLVie: solidarity ---------------------------------------------------------------
    Template(
        "blood",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Collecte de sang avec l'EFS", "Don du sang {a_town}"),
        summaries=("Donner son sang prend une heure et peut sauver trois vies : l'EFS s'installe près de chez vous.",),
        intros=(
            "L'Établissement français du sang installe une collecte près de chez vous, avec {the_organiser}. "
            "Réservez un créneau pour éviter l'attente : entretien médical, don de 10 minutes et collation.",
        ),
        practical=(
            "Ne venez pas à jeun et buvez bien avant le don.",
            "Munissez-vous d'une pièce d'identité.",
            "Il faut avoir entre 18 et 70 ans et peser au moins 50 kg.",
        ),
        where="local",
        season="all",
        weekdays=(1, 3),
        start_times=("08:30", "12:00"),
        hours=(4, 5),
        capacity=(30, 80),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 0),
        weight=2,
    ),
    Template(
        "maraude",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Maraude avec le Secours populaire", "Maraude solidaire : repas chauds et couvertures"),
        summaries=("Accompagnez une équipe de bénévoles pour aller à la rencontre des personnes à la rue.",),
        intros=(
            "Avec le Secours populaire, partenaire historique des Activités Sociales, une équipe de bénévoles "
            "va à la rencontre des personnes sans abri : boissons chaudes, repas, couvertures et surtout un "
            "moment d'échange. Un binôme expérimenté accompagne chaque nouveau bénévole.",
        ),
        practical=_SOLIDARITY_PRACTICAL[:1] + ("Prévoir des vêtements chauds.",),
        where="local",
        season="all",
        weekdays=(1, 3),
        start_times=("19:00",),
        hours=(3, 3.5),
        capacity=(6, 12),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 2),
        weight=2,
    ),
    Template(
        "tutoring",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Soutien scolaire bénévole ({school})", "Aide aux devoirs : devenez bénévole ({school})"),
        summaries=("Une heure et demie par semaine pour aider des élèves de {school} à faire leurs devoirs.",),
        intros=(
            "Avec une association de quartier, des agents bénévoles aident chaque mercredi des élèves de "
            "{school} à faire leurs devoirs et à reprendre confiance. Nul besoin d'être enseignant : "
            "de la patience et de l'écoute suffisent.",
        ),
        practical=_SOLIDARITY_PRACTICAL[:2],
        where="local",
        fill=(("school", SCHOOL_LEVELS),),
        season="school_year",
        weekdays=(2,),
        start_times=("14:00", "16:30"),
        hours=(1.5,),
        capacity=(4, 12),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 2),
    ),
    Template(
        "toys",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Don de jouets pour Noël", "Collecte de jouets avec le Secours populaire"),
        summaries=("Déposez des jouets en bon état : ils seront offerts à des enfants pour Noël.",),
        intros=(
            "Jusqu'à Noël, la {level_name} {short_org} collecte des jouets, livres et jeux en bon état pour le "
            "Secours populaire. Des bénévoles trient et emballent les dons pendant cette permanence.",
        ),
        practical=(
            "Jouets complets et propres, piles retirées ; pas de peluches.",
            "Venez aider au tri si vous le pouvez.",
        ),
        where="local",
        season="toys",
        weekdays=(1, 2, 3),
        start_times=("11:30", "16:00"),
        hours=(3,),
        capacity=(8, 20),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 1),
    ),
    Template(
        "food_drive",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Collecte alimentaire pour les Restos du Cœur", "Collecte pour la Banque alimentaire"),
        summaries=("Donnez une heure ou deux pour collecter des denrées à l'entrée d'un supermarché.",),
        intros=(
            "Aux côtés des associations d'aide alimentaire, tenez un stand de collecte à l'entrée d'un "
            "supermarché : accueillir les clients, expliquer, trier les produits donnés.",
        ),
        practical=_SOLIDARITY_PRACTICAL,
        where="local",
        season="all",
        weekdays=(4, 5),
        start_times=("09:00", "14:00"),
        hours=(2, 3),
        capacity=(6, 20),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 1),
    ),
    Template(
        "cleanup",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Nettoyage de la nature {nature}", "Ramassage des déchets {nature}"),
        summaries=("Une matinée pour ramasser les déchets {nature}, gants et sacs fournis.",),
        intros=(
            "Avec une association de protection de la nature, participez au ramassage des déchets {nature}. "
            "Les déchets sont triés puis pesés : le résultat est publié à la fin de la matinée.",
        ),
        practical=("Gants, pinces et sacs fournis ; prévoir de bonnes chaussures.",) + _SOLIDARITY_PRACTICAL[1:],
        where="nature",
        place="{meeting}",
        season="outdoor",
        weekdays=WEEKEND,
        start_times=("09:00",),
        hours=(3,),
        capacity=(10, 40),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 1),
    ),
    Template(
        "charity_run",
        ("slvie", "cmcas"),
        "solidarite",
        titles=("Course solidaire contre le cancer", "Marche solidaire pour la recherche", "Repas solidaire"),
        summaries=("Votre participation est reversée intégralement à une association.",),
        intros=(
            "L'intégralité des inscriptions est reversée à une association de recherche ou d'entraide. "
            "Chacun participe à son rythme : l'important est d'être nombreux.",
        ),
        practical=_SOLIDARITY_PRACTICAL[1:],
        where="local",
        season="outdoor",
        weekdays=WEEKEND,
        start_times=("09:30", "12:00"),
        hours=(3,),
        capacity=(40, 200),
        price=(5, 15),
        tier1_ratio=(0.4, 0.6),
        free_chance=0.0,
        cancel=(0, 3),
    ),
    Template(
        "elderly",
        ("slvie",),
        "solidarite",
        titles=("Visites aux personnes âgées isolées", "Atelier tricot solidaire"),
        summaries=("Un peu de temps et de présence auprès de personnes seules, avec une association.",),
        intros=(
            "Avec les Petits Frères des Pauvres, partagez un après-midi avec des personnes âgées isolées : "
            "jeux, conversation, goûter. Un temps simple qui compte beaucoup.",
        ),
        practical=_SOLIDARITY_PRACTICAL,
        where="local",
        season="all",
        weekdays=(2, 5),
        start_times=("14:00",),
        hours=(2, 3),
        capacity=(4, 12),
        price=(0, 0),
        free_chance=1.0,
        cancel=(0, 2),
    ),
]

# Trips and day trips with a fixed destination:
# (key, category, nights (0 = a day out), title, summary, town, département, season, intro)
TRIPS = (
    (
        "colmar",
        "sejours",
        (1,),
        "Week-end au marché de Noël de Colmar",
        "Marchés de Noël, Petite Venise illuminée et route des vins d'Alsace.",
        "Colmar",
        "68",
        "christmas",
        "Ruelles illuminées, maisons à colombages de la Petite Venise, vin chaud et bredele : Colmar en décembre, "
        "c'est Noël comme dans les livres. Le dimanche, détour par les villages de la route des vins.",
    ),
    (
        "strasbourg_noel",
        "sejours",
        (1, 2),
        "Week-end au marché de Noël de Strasbourg",
        "Le Christkindelsmärik, la cathédrale et une soirée croisière sur l'Ill.",
        "Strasbourg",
        "67",
        "christmas",
        "Le plus ancien marché de Noël de France, la cathédrale et la Petite France décorées pour les fêtes : "
        "un week-end féerique, avec une croisière sur l'Ill à la nuit tombée.",
    ),
    (
        "mont_saint_michel",
        "sejours",
        (1, 2),
        "Escapade au Mont-Saint-Michel",
        "L'abbaye, la baie à marée basse avec un guide et les bonnes tables de la côte.",
        "Le Mont-Saint-Michel",
        "50",
        "all",
        "Visite de l'abbaye, traversée de la baie à pied avec un guide agréé et découverte de Cancale et de "
        "ses parcs à huîtres : une escapade entre Normandie et Bretagne.",
    ),
    (
        "loire",
        "sejours",
        (2,),
        "Week-end châteaux de la Loire",
        "Chambord, Chenonceau et Amboise en trois jours, avec dégustation dans un domaine.",
        "Amboise",
        "37",
        "warm",
        "Trois jours au pays des rois : Chambord et son escalier à double révolution, Chenonceau enjambant le Cher, "
        "le château royal d'Amboise et le Clos Lucé de Léonard de Vinci.",
    ),
    (
        "carcassonne",
        "sejours",
        (2,),
        "Week-end à Carcassonne et en pays cathare",
        "La cité médiévale, les châteaux cathares et le canal du Midi.",
        "Carcassonne",
        "11",
        "all",
        "Remparts, tours et ruelles de la Cité de Carcassonne, puis route vers les châteaux cathares perchés "
        "sur leurs pitons rocheux, avant une balade le long du canal du Midi.",
    ),
    (
        "honfleur",
        "sejours",
        (1, 2),
        "Escapade à Honfleur et sur la côte Fleurie",
        "Le Vieux Bassin, Deauville, Trouville et les falaises d'Étretat.",
        "Honfleur",
        "14",
        "all",
        "Le Vieux Bassin de Honfleur cher aux peintres impressionnistes, les planches de Deauville, le marché aux "
        "poissons de Trouville et les falaises d'Étretat.",
    ),
    (
        "debarquement",
        "sejours",
        (2,),
        "Sur les plages du Débarquement",
        "Omaha Beach, la pointe du Hoc, Arromanches et le Mémorial de Caen.",
        "Bayeux",
        "14",
        "warm",
        "Un week-end de mémoire en Normandie : le Mémorial de Caen, les plages du 6 juin 1944, le cimetière "
        "américain de Colleville et la tapisserie de Bayeux.",
    ),
    (
        "puy_du_fou",
        "sejours",
        (1,),
        "Deux jours au Puy du Fou",
        "Les grands spectacles du parc et la Cinéscénie, nuit à l'hôtel du parc.",
        "Les Epesses",
        "85",
        "parks",
        "Deux jours pour voir les grands spectacles du Puy du Fou, des jeux du cirque aux chevaliers de la Table "
        "ronde, avec une nuit dans un hôtel du parc.",
    ),
    (
        "beaune",
        "sejours",
        (2,),
        "Week-end en Bourgogne : vignobles et Hospices de Beaune",
        "Hospices de Beaune, route des Grands Crus et dégustation dans un domaine.",
        "Beaune",
        "21",
        "all",
        "Les toits vernissés des Hospices de Beaune, la route des Grands Crus de Gevrey-Chambertin à Meursault et "
        "une dégustation commentée dans un domaine familial.",
    ),
    (
        "annecy",
        "sejours",
        (2,),
        "Week-end au bord du lac d'Annecy",
        "La vieille ville, le tour du lac en bateau et le col de la Forclaz.",
        "Annecy",
        "74",
        "warm",
        "Canaux et vieille ville d'Annecy, tour du lac en bateau, montée au col de la Forclaz pour le panorama et "
        "dégustation de reblochon à la ferme.",
    ),
    (
        "corse",
        "sejours",
        (5, 6),
        "Voyage en Corse : d'Ajaccio à Bonifacio",
        "Une semaine entre mer et montagne, des îles Sanguinaires aux falaises de Bonifacio.",
        "Ajaccio",
        "2A",
        "warm",
        "D'Ajaccio, ville natale de Napoléon, aux falaises de Bonifacio, en passant par les calanques de "
        "Piana et les villages de montagne : la Corse du Sud en autocar, avec un guide.",
    ),
    (
        "la_rochelle",
        "sejours",
        (2,),
        "Week-end à La Rochelle et à l'île de Ré",
        "Le Vieux-Port, l'aquarium et une journée à vélo sur l'île de Ré.",
        "La Rochelle",
        "17",
        "all",
        "Les tours du Vieux-Port, l'aquarium de La Rochelle et une journée à vélo sur l'île de Ré, entre marais "
        "salants et villages blancs.",
    ),
    (
        "nice_carnaval",
        "sejours",
        (2, 3),
        "Carnaval de Nice et fête du Citron",
        "Corso carnavalesque, bataille de fleurs et fête du Citron à Menton.",
        "Nice",
        "06",
        "carnival",
        "Le carnaval de Nice, ses chars et sa bataille de fleurs, puis la fête du Citron de Menton et ses "
        "sculptures d'agrumes géantes : le soleil de la Côte d'Azur en plein hiver.",
    ),
    (
        "chamonix",
        "sejours",
        (2,),
        "Week-end ski à Chamonix",
        "Deux jours de ski face au mont Blanc, hôtel et forfait compris.",
        "Chamonix-Mont-Blanc",
        "74",
        "ski",
        "Deux jours de ski sur les domaines de Chamonix, face au mont Blanc, avec une montée à l'Aiguille du Midi "
        "si le temps le permet.",
    ),
    (
        "lumieres",
        "sejours",
        (1,),
        "Fête des Lumières à Lyon",
        "Les illuminations de la Fête des Lumières, avec une nuit à l'hôtel.",
        "Lyon",
        "69",
        "lumieres",
        "Chaque année autour du 8 décembre, Lyon s'illumine : façades animées, installations lumineuses et "
        "lumignons aux fenêtres. Visite guidée du Vieux-Lyon l'après-midi, balade des illuminations le soir.",
    ),
    (
        "verdon",
        "sejours",
        (2, 3),
        "Les gorges du Verdon",
        "Le Grand Canyon du Verdon, le lac de Sainte-Croix et les champs de lavande.",
        "Moustiers-Sainte-Marie",
        "04",
        "warm",
        "Belvédères du Grand Canyon du Verdon, balade en bateau électrique sur le lac de Sainte-Croix, "
        "faïences de Moustiers et, en saison, les champs de lavande du plateau de Valensole.",
    ),
    (
        "avignon",
        "culture",
        (2,),
        "Festival d'Avignon : trois jours de théâtre",
        "Trois jours au festival, trois spectacles du In et du Off.",
        "Avignon",
        "84",
        "avignon",
        "Trois jours pour vivre le festival d'Avignon : trois spectacles choisis avec l'équipe culture de la CMCAS, "
        "la cour d'honneur du palais des Papes et les rues envahies par les compagnies du Off.",
    ),
    (
        "futuroscope",
        "loisirs",
        (0,),
        "Journée au Futuroscope",
        "Attractions et films en relief pour toute la famille.",
        "Chasseneuil-du-Poitou",
        "86",
        "all",
        "Une journée au Futuroscope : attractions à sensations, films immersifs et spectacle nocturne pour "
        "petits et grands.",
    ),
    (
        "beauval",
        "loisirs",
        (0,),
        "Journée au ZooParc de Beauval",
        "Pandas, grands félins et spectacle d'oiseaux en vol libre.",
        "Saint-Aignan",
        "41",
        "all",
        "Les pandas géants, les gorilles, les éléphants et le dôme équatorial : une journée au ZooParc de Beauval, "
        "l'un des plus beaux zoos d'Europe.",
    ),
    (
        "disneyland",
        "loisirs",
        (0,),
        "Journée à Disneyland Paris",
        "Les deux parcs Disney en une journée, transport compris.",
        "Chessy",
        "77",
        "all",
        "Une journée de magie dans les deux parcs Disneyland Paris, de l'ouverture à la parade.",
    ),
    (
        "giverny",
        "loisirs",
        (0,),
        "Journée à Giverny, dans les jardins de Claude Monet",
        "La maison et les jardins du peintre, puis le musée des Impressionnismes.",
        "Giverny",
        "27",
        "parks",
        "La maison de Claude Monet, le jardin d'eau et ses nymphéas, puis le musée des Impressionnismes : une "
        "journée au pays de la lumière.",
    ),
    (
        "asterix",
        "loisirs",
        (0,),
        "Journée au Parc Astérix",
        "Attractions et spectacles au pays des irréductibles Gaulois.",
        "Plailly",
        "60",
        "parks",
        "Montagnes russes, spectacle des dauphins et village gaulois : une journée au Parc Astérix pour toute "
        "la famille.",
    ),
    (
        "vulcania",
        "loisirs",
        (0,),
        "Journée à Vulcania",
        "Le parc européen du volcanisme, au cœur de la chaîne des Puys.",
        "Saint-Ours",
        "63",
        "parks",
        "Films, expériences et attractions pour comprendre les volcans, au pied de la chaîne des Puys.",
    ),
    (
        "padirac",
        "loisirs",
        (0,),
        "Visite du gouffre de Padirac et de Rocamadour",
        "La rivière souterraine en barque, puis la cité sacrée de Rocamadour.",
        "Padirac",
        "46",
        "warm",
        "Descente dans le gouffre de Padirac et navigation en barque sur la rivière souterraine, puis après-midi "
        "dans la cité médiévale de Rocamadour.",
    ),
)


def _trip_template(key, category, nights, title, summary, town, dept, season, intro) -> Template:
    day_out = nights == (0,)
    return Template(
        f"trip_{key}",
        ("cmcas",),
        category,
        titles=(title,),
        summaries=(summary,),
        intros=(intro,),
        included=_TRIP_INCLUDED[:1] + ("le billet d'entrée", "l'accompagnement par un bénévole de la CMCAS")
        if day_out
        else _TRIP_INCLUDED,
        practical=("Départ à 6 h 30 ; retour prévu vers 21 h.", "Prévoir le pique-nique du midi ou un budget repas.")
        if day_out
        else _TRIP_PRACTICAL,
        where="fixed",
        dest=(town, dept),
        place="{meeting}",
        season=season,
        weekdays=SATURDAY if day_out or max(nights) == 1 else (4,) if max(nights) == 2 else (0, 1, 3),
        nights=() if day_out else nights,
        start_times=("06:30",) if day_out else ("07:00",),
        end_time="20:00",
        hours=(14.5,),
        capacity=(30, 55),
        price=(55, 120) if day_out else (110 * max(nights) + 60, 170 * max(nights) + 120),
        tier1_ratio=(0.3, 0.45),
        cancel=(7, 21) if day_out else (15, 30),
    )


TEMPLATES += [_trip_template(*trip) for trip in TRIPS]

# How offers spread over levels, and over categories within a level.
LEVEL_WEIGHTS = {"ccas": 0.25, "cmcas": 0.3, "slvie": 0.45}
CATEGORY_WEIGHTS = {
    "ccas": {"sejours": 0.6, "colos": 0.4},
    "cmcas": {"sejours": 0.22, "culture": 0.25, "sport": 0.2, "loisirs": 0.2, "solidarite": 0.13},
    "slvie": {"culture": 0.33, "loisirs": 0.3, "sport": 0.22, "solidarite": 0.15},
}

LEVEL_CODES = {"ccas": "CCAS", "cmcas": "CMCAS", "slvie": "SLVIE"}
CATEGORY_CODES = {
    "sejours": "SEJ",
    "colos": "COL",
    "culture": "CUL",
    "sport": "SPO",
    "loisirs": "LOI",
    "solidarite": "SOL",
}
SESSION_COUNT_WEIGHTS = ((1, 30), (2, 25), (3, 18), (4, 12), (5, 8), (6, 7))

# --------------------------------------------------------------------------
# French helpers
# --------------------------------------------------------------------------

_ELISION = "AEIOUYÂÉÈÊÎÔÛaeiouyâéèêîôûHh"


def _a(name: str) -> str:
    """'le théâtre' -> 'au théâtre', 'Les Orres' -> 'aux Orres', 'Lyon' -> 'à Lyon'."""
    for article, contracted in (("le ", "au "), ("Le ", "au "), ("les ", "aux "), ("Les ", "aux ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return "à " + name


def _de(name: str) -> str:
    """'le musée' -> 'du musée', 'Annecy' -> "d'Annecy", 'la MC2' -> 'de la MC2'."""
    for article, contracted in (("le ", "du "), ("Le ", "du "), ("les ", "des "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[0] in _ELISION and not name.startswith(("la ", "l'")):
        return "d'" + name
    return "de " + name


def _bare(name: str) -> str:
    """'le théâtre du Gymnase' -> 'Théâtre du Gymnase' (for places, which stand alone)."""
    for article in ("le ", "la ", "les ", "l'"):
        if name.startswith(article):
            rest = name[len(article) :]
            return rest[0].upper() + rest[1:]
    return name


def _euros(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    text = f"{euros:,}".replace(",", " ")
    return f"{text},{rest:02d} €" if rest else f"{text} €"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, last_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class _Plan:
    """What one generation run knows about the calendar of each template."""

    first: dt.date
    last: dt.date  # sessions end on or before this day
    bon_plan_last: dt.date
    starts: dict[str, list[dt.date]]  # template key -> possible start days, sorted

    @classmethod
    def make(cls, reference: dt.date) -> _Plan:
        first = reference + dt.timedelta(days=FIRST_SESSION_DAYS)
        last = _add_months(reference, LAST_SESSION_MONTHS)
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        starts = {}
        for t in TEMPLATES:
            ranges = SEASONS[t.season]
            latest = last - dt.timedelta(days=min(t.nights, default=0))
            possible = [d for d in days if d <= latest and d.weekday() in t.weekdays and _in_ranges(d, ranges)]
            if possible:
                starts[t.key] = possible
        return cls(first, last, reference + dt.timedelta(days=BON_PLAN_DAYS), starts)


def _choice(rng: random.Random, items: Sequence):
    """rng.choice, cheaper (the generator draws hundreds of thousands of times for a large catalog)."""
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, low: int, high: int) -> int:
    """rng.randint, cheaper."""
    return low + int(rng.random() * (high - low + 1))


class _Weighted:
    """A weighted choice with its cumulative weights computed once (the generator draws it often)."""

    def __init__(self, items: Iterable[Any], weights: Iterable[float]):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _templates_by_weight(templates: Sequence[Template]) -> _Weighted:
    return _Weighted(templates, [t.weight for t in templates])


_SESSION_COUNTS = _Weighted(*zip(*SESSION_COUNT_WEIGHTS))


@functools.cache
def _time_of_day(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _moment(value: dt.datetime) -> str:
    return value.isoformat(timespec="minutes")


def _context(t: Template, level: str, rng: random.Random) -> dict[str, str]:
    """Everything a template's texts may refer to, and the offer's location."""
    territory = _choice(rng, TERRITORIES)
    slvie, slvie_town, slvie_dept = _choice(rng, territory.slvies)
    if level == "ccas":
        organiser, short_org, level_name = "CCAS", "", "CCAS"
        home_town, home_dept = territory.town, territory.dept
        meeting = ""
    elif level == "cmcas":
        organiser, short_org, level_name = f"CMCAS {territory.cmcas}", territory.cmcas, "CMCAS"
        home_town, home_dept = territory.town, territory.dept
        meeting = f"Départ en car : CMCAS {territory.cmcas}, {territory.town}"
    else:
        organiser, short_org, level_name = f"SLVie {slvie}", slvie, "SLVie"
        home_town, home_dept = slvie_town, slvie_dept
        meeting = f"Départ : parking du site, {slvie_town}"
    ctx = {
        "organiser": organiser,
        "the_organiser": f"la {organiser}",
        "The_organiser": f"La {organiser}",
        "short_org": short_org,
        "level_name": level_name,
        "cmcas": territory.cmcas,
        "city": territory.town,
        "slvie": slvie,
        "slvie_town": slvie_town,
        "meeting": meeting,
        "local_place": _choice(
            rng,
            (
                f"Local de la {organiser}, {home_town}",
                f"Salle polyvalente, {home_town}",
                f"Maison des associations, {home_town}",
                f"Salle de réunion du site, {home_town}",
            ),
        )
        if level != "cmcas"
        else f"Locaux de la CMCAS {territory.cmcas}, {territory.town}",
        "town": home_town,
    }
    town, dept = home_town, home_dept
    where = t.where
    if where in DESTINATIONS:
        town, dept = _choice(rng, DESTINATIONS[where])
    elif where == "fixed" and t.dest is not None:
        town, dept = t.dest
    elif where == "nature":
        phrase, town, dept = _choice(rng, territory.nature)
        ctx["nature"] = phrase
        ctx["meeting"] = f"Rendez-vous au parking de départ, {town}"
    elif where == "team":
        club, sport, ground, town, dept = _choice(rng, territory.teams)
        ctx.update(club=club, de_club=_de(club), sport=sport, venue_name=_bare(ground), venue_town=town)
    elif where != "local":
        venue, town, dept = _choice(rng, territory.venues[where])
        ctx.update(venue=venue, a_venue=_a(venue), de_venue=_de(venue), venue_name=_bare(venue), venue_town=town)
    ctx.update(town=town, a_town=_a(town), de_town=_de(town), location=f"{town} ({dept})")
    for name, options in t.fill:
        value = _choice(rng, options)
        if isinstance(value, dict):
            ctx.update(value)
        else:
            ctx[name] = value
    return ctx


def _prices(t: Template, rng: random.Random, free: bool) -> list[dict[str, int]]:
    """One price per tier, rising with the tier (tier 1 = lowest income)."""
    if free:
        return [{"tier": tier, "cents": 0} for tier in range(1, PRICE_TIERS + 1)]
    top = _between(rng, t.price[0], t.price[1]) * 100
    bottom = top * rng.uniform(*t.tier1_ratio)
    step = 500 if top >= 20000 else 50 if top >= 2000 else 10
    prices, previous = [], -step
    for tier in range(1, PRICE_TIERS + 1):
        cents = bottom + (top - bottom) * (tier - 1) / (PRICE_TIERS - 1)
        cents = max(round(cents / step) * step, previous + step)
        prices.append({"tier": tier, "cents": cents})
        previous = cents
    return prices


def _places(capacity: int, rng: random.Random) -> tuple[int, int, int]:
    """(taken, site_allocation, site_taken): some sessions full, some nearly full, some with no local seats."""
    roll = rng.random()
    if roll < 0.12:
        taken = capacity
    elif roll < 0.3:
        taken = max(capacity - _between(rng, 1, 3), 0)
    else:
        taken = _between(rng, 0, int(capacity * 0.8))
    if rng.random() < 0.3:
        return taken, 0, 0
    site_taken = _between(rng, 0, min(taken, 6))
    site_free = _between(rng, 0, min(capacity - taken, 10))
    return taken, site_taken + site_free, site_taken


def _session_days(t: Template, plan: _Plan, rng: random.Random, bon_plan: bool) -> list[dt.date]:
    """1 to 6 distinct start days in the template's season (1 to 3 in the next three weeks for a bon plan)."""
    starts = plan.starts[t.key]
    if bon_plan:
        starts = starts[: bisect.bisect_right(starts, plan.bon_plan_last)]
        count = _between(rng, 1, 3)
    else:
        count = _SESSION_COUNTS.pick(rng)
    return sorted(rng.sample(starts, min(count, len(starts))))


def _sessions(
    t: Template, offer_id: str, ctx: dict, days: list[dt.date], plan: _Plan, rng: random.Random, bon_plan: bool
) -> list[dict]:
    capacity = _between(rng, *t.capacity)
    place = t.place.format_map(ctx)
    sessions = []
    for n, day in enumerate(days, start=1):
        start = dt.datetime.combine(day, _time_of_day(_choice(rng, t.start_times)))
        if t.nights:
            nights = _choice(rng, t.nights)
            if day + dt.timedelta(days=nights) > plan.last:
                nights = min(t.nights)
            end = dt.datetime.combine(day + dt.timedelta(days=nights), _time_of_day(t.end_time))
        else:
            end = start + dt.timedelta(minutes=int(_choice(rng, t.hours) * 60))
        taken, allocation, site_taken = _places(capacity, rng)
        if bon_plan and taken >= capacity:
            taken = capacity - _between(rng, 1, max(1, capacity // 4))
            allocation, site_taken = min(allocation, capacity - taken), 0
        sessions.append(
            {
                "id": f"{offer_id}-{n}",
                "start": _moment(start),
                "end": _moment(end),
                "place": place,
                "capacity": capacity,
                "taken": taken,
                "site_allocation": allocation,
                "site_taken": site_taken,
            }
        )
    return sessions


def _conditions(offer: dict, free: bool) -> str:
    parts = []
    if free:
        parts.append("Gratuit, sur inscription.")
    else:
        low, high = offer["prices"][0]["cents"], offer["prices"][-1]["cents"]
        parts.append(f"Tarif selon votre coefficient social : de {_euros(low)} à {_euros(high)} par personne.")
    if offer["bon_plan"]:
        parts.append(
            f"Bon plan : places de dernière minute remises en vente avec {offer['discount_percent']} % "
            "de réduction, dans la limite des places disponibles."
        )
    if offer["booking_mode"] == "request":
        parts.append(
            "Séjour en haute saison : la borne enregistre votre demande et vos vœux ; les places sont "
            "attribuées par la CCAS selon un classement, et la réponse vous est communiquée ensuite."
        )
    days = offer["cancel_days_before"]
    if days == 0:
        parts.append("Annulation possible jusqu'au jour même.")
    elif days == 1:
        parts.append("Annulation sans frais jusqu'à la veille.")
    else:
        parts.append(f"Annulation sans frais jusqu'à {days} jours avant le début.")
    if offer["trans_slvie"]:
        parts.append("Offre trans-SLVie : ouverte aux bénéficiaires de toutes les SLVie.")
    return " ".join(parts)


def _description(t: Template, ctx: dict, rng: random.Random) -> list[str]:
    paragraphs = [_choice(rng, t.intros).format_map(ctx)]
    if t.included:
        items = rng.sample(t.included, min(len(t.included), _between(rng, 2, 5)))
        paragraphs.append(f"{t.included_label} : {_join(items)}.".format_map(ctx))
    if t.practical:
        notes = rng.sample(t.practical, min(len(t.practical), _between(rng, 1, 3)))
        paragraphs.append(" ".join(notes).format_map(ctx))
    return paragraphs


def _campaign(days: list[dt.date]) -> tuple[str, str]:
    """The campaign of wishes a requested stay belongs to, by its first high-season date, and when it closes:
    summer stays' wishes close on 31 March, winter stays' on 1 December before them (docs/stay-wishes.md)."""
    first = min(day for day in days if _in_ranges(day, HIGH_SEASON))
    if _in_ranges(first, (_SUMMER_HOLIDAYS,)):
        return f"ETE-{first.year}", f"{first.year}-03-31T23:59"
    season = first.year + 1 if first.month == 12 else first.year
    return f"HIVER-{season}", f"{season - 1}-12-01T23:59"


def _is_high_season(days: list[dt.date]) -> bool:
    return any(_in_ranges(day, HIGH_SEASON) for day in days)


def _offer(number: int, t: Template, level: str, plan: _Plan, rng: random.Random, bon_plan: bool) -> dict:
    offer_id = f"{LEVEL_CODES[level]}-{CATEGORY_CODES[t.category]}-{number:05d}"
    ctx = _context(t, level, rng)
    if t.ages:
        age_min, age_max = _choice(rng, t.ages)
        ctx["ages"] = f"{age_min}–{age_max} ans"
    else:
        age_min = age_max = None
    days = _session_days(t, plan, rng, bon_plan)
    sessions = _sessions(t, offer_id, ctx, days, plan, rng, bon_plan)
    free = not bon_plan and rng.random() < t.free_chance
    summary = _choice(rng, t.summaries).format_map(ctx)
    discount = 5 * _between(rng, 4, 12) if bon_plan else None
    if bon_plan and len(summary) <= 170:
        summary += f" Dernières places à -{discount} %."
    offer = {
        "id": offer_id,
        "level": level,
        "category": t.category,
        "title": _choice(rng, t.titles).format_map(ctx),
        "summary": summary,
        "description": "",
        "organiser": ctx["organiser"],
        "location": ctx["location"],
        "booking_mode": "request" if level == "ccas" and not bon_plan and _is_high_season(days) else "direct",
        "bon_plan": bon_plan,
        "discount_percent": discount,
        "trans_slvie": level == "slvie" and rng.random() < 0.2,
        "age_min": age_min,
        "age_max": age_max,
        "cancel_days_before": _between(rng, *t.cancel),
        "prices": _prices(t, rng, free),
        "sessions": sessions,
        "bring": BRING[t.category],
        "photo": _photo(offer_id, t.category),
    }
    if discount is not None:  # a bon plan: the grid holds what people pay, the discount already taken off
        for price in offer["prices"]:
            price["cents"] = price["cents"] * (100 - discount) // 100
    if offer["booking_mode"] == "request":
        for s in sessions:  # allocated centrally: the site has no seats of its own to confirm
            s["site_allocation"] = s["site_taken"] = 0
        offer["campaign"], offer["wishes_until"] = _campaign(days)
    paragraphs = _description(t, ctx, rng) + [_conditions(offer, free)]
    offer["description"] = "\n\n".join(paragraphs)
    return offer


# What to bring, printed on the voucher, by category.
BRING = {
    "sejours": "La pièce d'identité de chaque participant, votre carte Activ' et ce bon.",
    "colos": "Le carnet de santé de l'enfant, son trousseau (la liste arrive avant le départ) et ce bon.",
    "culture": "Ce bon, à montrer à l'entrée.",
    "sport": "Une tenue de sport, des chaussures adaptées, une bouteille d'eau et ce bon.",
    "loisirs": "Une tenue adaptée à la sortie, une bouteille d'eau et ce bon.",
    "solidarite": "Ce bon, et votre bonne humeur.",
}
PHOTO_CATEGORIES = frozenset({"sejours", "colos", "sport", "loisirs"})  # the demo photos are landscapes


@functools.cache
def demo_photos() -> tuple[tuple[str, str], ...]:
    """(sha256, credit) of each demo photo, in the order of its CREDITS.md (its author and licence)."""
    from kiosk.demo import DEMO_PHOTOS

    photos = []
    for line in (DEMO_PHOTOS / "CREDITS.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            name, author, licence = (cell.strip(" `") for cell in line.strip("|").split("|")[:3])
            sha256 = hashlib.sha256((DEMO_PHOTOS / name).read_bytes()).hexdigest()
            photos.append((sha256, f"Photo : {author} — {licence}"))
    return tuple(photos)


def _photo(offer_id: str, category: str) -> dict[str, str] | None:
    """A landscape for outdoor offers, the same for an offer every time (drawn from its id, not the seed)."""
    photos = demo_photos()
    if category not in PHOTO_CATEGORIES or not photos:
        return None
    sha256, credit = photos[zlib.crc32(offer_id.encode()) % len(photos)]
    return {"sha256": sha256, "credit": credit}


class _Draw:
    """Which level and template the next offer uses (LEVEL_WEIGHTS, CATEGORY_WEIGHTS, template weights)."""

    def __init__(self, plan: _Plan):
        feasible = [t for t in TEMPLATES if t.key in plan.starts]
        by_slot: dict[tuple[str, str], list[Template]] = {}
        for t in feasible:
            for level in t.levels:
                by_slot.setdefault((level, t.category), []).append(t)
        for level, weights in CATEGORY_WEIGHTS.items():
            for category in weights:
                if (level, category) not in by_slot:  # nothing of it fits the calendar: anything of the level
                    by_slot[level, category] = [t for t in feasible if level in t.levels]
        self.slots = {slot: _templates_by_weight(templates) for slot, templates in by_slot.items()}
        self.levels = _Weighted(LEVEL_WEIGHTS, LEVEL_WEIGHTS.values())
        self.categories = {level: _Weighted(w, w.values()) for level, w in CATEGORY_WEIGHTS.items()}
        # Bons plans: templates that allow them and have a start day within the next three weeks.
        near = [
            t
            for t in feasible
            if t.bon_plan and t.category != "solidarite" and plan.starts[t.key][0] <= plan.bon_plan_last
        ]
        near_levels = [level for level in LEVEL_WEIGHTS if any(level in t.levels for t in near)]
        self.bon_plan_levels = _Weighted(near_levels, [LEVEL_WEIGHTS[level] for level in near_levels])
        self.bon_plan_slots = {
            level: _templates_by_weight([t for t in near if level in t.levels]) for level in near_levels
        }

    @property
    def bons_plans_possible(self) -> bool:
        return bool(self.bon_plan_slots)

    def regular(self, rng: random.Random) -> tuple[str, Template]:
        level = self.levels.pick(rng)
        return level, self.slots[level, self.categories[level].pick(rng)].pick(rng)

    def bon_plan(self, rng: random.Random) -> tuple[str, Template]:
        level = self.bon_plan_levels.pick(rng)
        return level, self.bon_plan_slots[level].pick(rng)


def generate_catalog(offer_count: int, seed: int = DEMO_SEED, reference_date: dt.date | None = None) -> dict:
    """A catalog document with `offer_count` offers; the same arguments always give the same document.

    `reference_date` defaults to DEMO_REFERENCE_DATE (not today), so that the
    result does not depend on the day it is made; the kiosk shifts the dates
    of a demo catalog to its own today when it seeds itself.
    """
    if offer_count < 0:
        raise ValueError("offer_count must be >= 0")
    reference = reference_date or DEMO_REFERENCE_DATE
    rng = random.Random(seed)
    plan = _Plan.make(reference)
    draw = _Draw(plan)
    bon_plan_count = round(offer_count * BON_PLAN_SHARE) if draw.bons_plans_possible else 0
    bons_plans = set(rng.sample(range(1, offer_count + 1), bon_plan_count))
    offers = []
    for number in range(1, offer_count + 1):
        bon_plan = number in bons_plans
        level, template = draw.bon_plan(rng) if bon_plan else draw.regular(rng)
        offers.append(_offer(number, template, level, plan, rng, bon_plan))
    return {
        "format": FORMAT,
        "reference_date": reference.isoformat(),
        "price_tiers": PRICE_TIERS,
        "categories": [dict(c) for c in CATEGORIES],
        "offers": offers,
        "concierge_services": [dict(s) for s in CONCIERGE_SERVICES],
    }


def dump_catalog(document: dict, compact: bool = False) -> str:
    """The JSON text of a catalog document, as written to a file (UTF-8, non-ASCII kept)."""
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.demo.catalog", description="Write a demo catalog.")
    parser.add_argument("--offers", type=int, default=DEMO_OFFER_COUNT, help="number of offers")
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")
    parser.add_argument(
        "--reference-date",
        type=dt.date.fromisoformat,
        default=DEMO_REFERENCE_DATE,
        help="day the catalog is made, YYYY-MM-DD",
    )
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")
    parser.add_argument("--compact", action="store_true", help="no indentation (large catalogs)")
    args = parser.parse_args(argv)
    if args.offers < 0:
        parser.error("--offers must be >= 0")
    text = dump_catalog(generate_catalog(args.offers, args.seed, args.reference_date), args.compact)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
