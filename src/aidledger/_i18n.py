"""Locales: which ones aidledger speaks, and its own labels in each (gettext catalogs).

Names of countries, numbers, currencies and dates come from CLDR through babel; the
labels aidledger writes itself ("Committed", "Under discussion") come from the gettext
catalogs in ``aidledger/locales`` (extracted and compiled with babel's tools, see
docs/translations.md). English is the source language and needs no catalog.
"""

from __future__ import annotations

import functools
from importlib import resources

from babel import Locale
from babel import UnknownLocaleError as BabelUnknownLocaleError
from babel.support import NullTranslations, Translations

from aidledger.errors import UnknownLocaleError

__all__ = ["DOMAIN", "LOCALES", "locale", "translations"]

#: The gettext domain of aidledger's catalogs.
DOMAIN = "aidledger"
#: The languages aidledger has labels for (English is the source language).
LOCALES = ("de", "en", "fr", "pl", "uk")


@functools.cache
def locale(name: str) -> Locale:
    """The babel locale for *name* (``de``, ``de_DE``, ``de-AT``), if aidledger speaks its
    language; else :class:`UnknownLocaleError` listing the languages it does."""
    try:
        parsed = Locale.parse(name.replace("-", "_"))
    except (ValueError, TypeError, LookupError, BabelUnknownLocaleError):
        raise UnknownLocaleError(
            f"unknown locale {name!r}: aidledger speaks {', '.join(LOCALES)}"
        ) from None
    if parsed.language not in LOCALES:
        raise UnknownLocaleError(f"no labels for {name!r}: aidledger speaks {', '.join(LOCALES)}")
    return parsed


@functools.cache
def translations(name: str) -> NullTranslations:
    """aidledger's own labels in the language of locale *name*."""
    language = locale(name).language
    if language == "en":
        return NullTranslations()
    with resources.as_file(resources.files("aidledger") / "locales") as folder:
        return Translations.load(str(folder), [language], DOMAIN)
