"""News agencies: the code a wire uses in its dateline and the agency's full name."""

from __future__ import annotations

import re

# Codes as the agencies write them in datelines, e.g. "(Reuters)", "(AP)", "(MNA)".
AGENCIES: dict[str, str] = {
    "AA": "Anadolu Agency",
    "AFP": "Agence France-Presse",
    "ANSA": "Agenzia Nazionale Stampa Associata",
    "AP": "Associated Press",
    "dpa": "Deutsche Presse-Agentur",
    "EFE": "Agencia EFE",
    "FNA": "Fars News Agency",
    "IANS": "Indo-Asian News Service",
    "IRNA": "Islamic Republic News Agency",
    "ISNA": "Iranian Students' News Agency",
    "Kyodo": "Kyodo News",
    "MNA": "Mehr News Agency",
    "PTI": "Press Trust of India",
    "Reuters": "Reuters",
    "Tasnim": "Tasnim News Agency",
    "TASS": "TASS Russian News Agency",
    "UPI": "United Press International",
    "Xinhua": "Xinhua News Agency",
    "Yonhap": "Yonhap News Agency",
}

_BY_CODE = {code.casefold(): code for code in AGENCIES}
# Names as they appear in bylines and licence footers, including the short forms people use.
_BY_NAME = {
    **{name.casefold(): code for code, name in AGENCIES.items()},
    "the associated press": "AP",
    "mehr news": "MNA",
    "mehr": "MNA",
    "fars news": "FNA",
    "tasnim news": "Tasnim",
    "xinhua news": "Xinhua",
    "agence france presse": "AFP",
    "thomson reuters": "Reuters",
}


def agency_code(text: str) -> str | None:
    """The agency code for a code or a name in any letter case ("reuters", "Mehr News Agency")."""
    key = " ".join(text.split()).casefold()
    return _BY_CODE.get(key) or _BY_NAME.get(key)


def agency_name(code: str) -> str | None:
    """The full name for a known code, None otherwise."""
    return AGENCIES.get(code)


# Longest first, so that "Mehr News Agency" wins over "Mehr". Names match in any case, codes only as
# written: "AP" is an agency, "ap" is not.
_NAMED = re.compile(
    "|".join(
        [rf"\b(?i:{re.escape(name)})\b" for name in sorted(_BY_NAME, key=len, reverse=True)]
        + [rf"\b{re.escape(code)}\b" for code in sorted(AGENCIES, key=len, reverse=True)]
    )
)
# Names sit in a licence or copyright line; longer text is not searched.
MAX_SEARCH_CHARS = 1_000


def find_agency(text: str) -> str | None:
    """The code of the first agency named in a short text such as a licence footer."""
    found = _NAMED.search(text[:MAX_SEARCH_CHARS])
    return agency_code(found[0]) if found else None
