"""The system catalog: the weapon systems aidledger knows, and how written names map to them.

A :class:`System` has a canonical key (``himars``), a display name (``M142 HIMARS``), a
category (a key of :data:`CATEGORIES`), a country of origin and aliases. A :class:`Catalog`
holds systems and resolves the names people write to keys; :func:`default_catalog` is the one
bundled with the library (``aidledger/data/systems.toml``).

>>> catalog = default_catalog()
>>> catalog.resolve("HIMARS 142 multiple rocket launcher")
'himars'
>>> catalog.resolve("ammunition for HIMARS") is None
True

How :meth:`Catalog.resolve` reads a name:

1. Spelling: Unicode NFKC, case-folded, accents dropped; every character other than a letter
   or digit separates words, and so does a change between letters and digits, so
   ``PzH2000``, ``PzH 2000`` and ``pzh-2000`` are the same words. Calibres (``155mm``,
   ``105-mm``, ``.50 cal``, with a barrel length: ``155mm/52``, ``L/52``), drive layouts
   (``6x6``), counts (``4x`` or ``12`` first, ``x4``, ``(12)``, ``(2 batteries)``),
   possessives and plurals (``Bradleys``, ``M777s``) are dropped; a word is made singular
   only when the singular is a catalog word and the plural is not, so ``HIMARS``, ``NASAMS``
   and ``Abrams`` stay whole. Roman ``II``/``III``/``IV`` read as numbers, and Cyrillic as
   English-language lists transliterate it (T-72, BMP-1 or Buk written in Cyrillic).
2. Common phrases read as one word: ``anti-armour`` = ``anti-tank``, ``drone`` = ``UAV`` =
   ``unmanned aerial system``, ``counter-drone`` = ``counter-UAS``, ``surface-to-air``,
   ``multiple rocket launcher``, ``missile system`` = ``system``, ``command launch unit`` ...
3. The key, name and aliases of every system are read the same way and looked for as whole
   words in the name; longer matches win over the shorter ones they overlap. A match may be
   followed by a variant (``Leopard 2A6``, ``M2A2 ODS Bradley``), but an alias ending in a
   word, followed by a number below 100 that none of its system's designations has, names
   another model: ``Challenger 3`` is not ``challenger-2``.
4. Only the item counts, not what it is for: the name is cut at the first ``for``, ``to``,
   ``with`` or ``on`` (``GMLRS rockets for HIMARS`` reads ``GMLRS rockets``).
5. A generic entry (an alias made only of generic words, like ``tactical UAS``) gives way to a
   specific one (``Switchblade tactical UAS``), and a platform to a munition whose
   ``accessory_of`` it is (``MIM-23B HAWK missiles``), unless the name is a list (``,``,
   ``and``, ``&``).
6. More than one system left (``Leopard 2 and Marder``), or none, resolves to ``None``; so does
   a list with an item that is no catalog system (``Mi-17, Mi-2``).
7. Accessories are not the system: words such as ammunition, rounds, shells, spare parts,
   barrels, launch unit, training, maintenance, decoy or ship beside the match make it
   ``None`` (``Gepard ammunition``, ``spare barrels for M777``). ``missile``, ``rocket``,
   ``round`` and ``munition`` are allowed only beside a munition: ``Stinger missiles`` is
   Stinger, ``Patriot missiles`` is not the Patriot system. Accessories listed as items of
   their own do not count (``Patriot air defense battery and munitions`` is Patriot).
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
import tomllib
import types
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from aidledger._names import Index as _Index
from aidledger.errors import LoadError

__all__ = ["CATEGORIES", "Catalog", "System", "default_catalog"]

CATEGORIES: Mapping[str, str] = types.MappingProxyType(
    {
        "air-defence": "air defence system",
        "air-defence-missile": "air defence missile",
        "air-launched-munition": "air-launched munition",
        "anti-aircraft-gun": "anti-aircraft gun",
        "anti-ship-missile": "anti-ship missile",
        "anti-tank": "anti-tank weapon",
        "armoured-personnel-carrier": "armoured personnel carrier",
        "armoured-reconnaissance-vehicle": "armoured reconnaissance vehicle",
        "artillery-munition": "guided artillery munition",
        "combat-aircraft": "combat aircraft",
        "cruise-missile": "cruise missile",
        "helicopter": "helicopter",
        "infantry-fighting-vehicle": "infantry fighting vehicle",
        "loitering-munition": "loitering munition",
        "main-battle-tank": "main battle tank",
        "manpads": "man-portable air defence system",
        "protected-mobility-vehicle": "protected mobility vehicle",
        "rocket-artillery": "rocket artillery",
        "self-propelled-artillery": "self-propelled artillery",
        "towed-artillery": "towed artillery",
        "uav": "unmanned aerial vehicle",
        "utility-vehicle": "utility vehicle",
    }
)
"""Category key -> English label. Every system's category is a key here."""

_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ORIGIN = re.compile(r"[A-Z]{2}")


class _InvalidField(ValueError):
    """A field value the catalog rejects; keeps the field so loaders can say where."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {value!r} {reason}")


def _check_key(field: str, value: object) -> None:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise _InvalidField(
            field,
            value,
            "is not a system key (lower-case letters and digits, in words joined by single"
            " hyphens, like 'pzh-2000')",
        )


def _check_text(field: str, value: object) -> None:
    if not isinstance(value, str) or not any(char.isalnum() for char in value):
        raise _InvalidField(field, value, "is not a name (it needs a letter or a digit)")


def _validate_key(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_key(attribute.name, value)


def _validate_name(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_text(attribute.name, value)


def _validate_category(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value not in CATEGORIES:
        raise _InvalidField(
            attribute.name, value, f"is not a catalog category (one of {', '.join(CATEGORIES)})"
        )


def _validate_origin(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _ORIGIN.fullmatch(value):
        raise _InvalidField(
            attribute.name, value, "is not a two-letter upper-case country code (like 'US')"
        )


def _validate_aliases(_: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for alias in value:
        _check_text(attribute.name, alias)


def _validate_munition(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise _InvalidField(attribute.name, value, "is not true or false")


def _validate_accessory_of(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_key(attribute.name, value)


def _to_aliases(value: Iterable[str] | str) -> tuple[str, ...]:
    """Aliases as a tuple; one string is one alias, not a sequence of letters."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen
class System:
    """One weapon system (or item class) of the catalog.

    >>> System("himars", "M142 HIMARS", "rocket-artillery", "US", ["HIMARS", "M142"]).aliases
    ('HIMARS', 'M142')

    ``munition`` marks a system that is itself a munition ("Stinger missiles" are Stinger);
    ``accessory_of`` names the platform a munition entry belongs to ("hawk-missile" ->
    "hawk"). Invalid values raise ``ValueError`` naming the field.
    """

    key: str = attrs.field(validator=_validate_key)
    name: str = attrs.field(validator=_validate_name)
    category: str = attrs.field(validator=_validate_category)
    origin: str = attrs.field(validator=_validate_origin)
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_to_aliases, validator=_validate_aliases
    )
    munition: bool = attrs.field(default=False, validator=_validate_munition)
    accessory_of: str | None = attrs.field(default=None, validator=_validate_accessory_of)


# --- reading names --------------------------------------------------------------------------


class _Memo:
    """A catalog's mutable caches: its index and the names it resolved."""

    __slots__ = ("index", "resolved")

    def __init__(self) -> None:
        self.index: _Index | None = None
        self.resolved: dict[str, str | None] = {}


_CACHE_LIMIT = 8192


def _catalog_problem(systems: tuple[Any, ...]) -> tuple[int, str, object, str] | None:
    """The first problem of a list of systems as ``(index, field, value, reason)``, or None."""
    first_index: dict[str, int] = {}
    for index, system in enumerate(systems):
        if not isinstance(system, System):
            return index, "systems", system, "is not a System"
        if system.key in first_index:
            return (
                index,
                "key",
                system.key,
                f"is already the key of system[{first_index[system.key]}]",
            )
        first_index[system.key] = index
    for index, system in enumerate(systems):
        if system.accessory_of == system.key:
            return index, "accessory_of", system.accessory_of, "names the system itself"
        if system.accessory_of is not None and system.accessory_of not in first_index:
            return index, "accessory_of", system.accessory_of, "is not a key in the catalog"
    return None


def _to_systems(value: Iterable[System]) -> tuple[System, ...]:
    return tuple(value)


def _validate_systems(_: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    problem = _catalog_problem(value)
    if problem is not None:
        index, field, bad, reason = problem
        raise _InvalidField(f"systems[{index}].{field}", bad, reason)


@attrs.frozen
class Catalog:
    """A set of systems, looked up by key and resolved from the names people write.

    >>> catalog = default_catalog()
    >>> catalog["nasams"].origin, "nasams" in catalog, catalog.get("unknown")
    ('NO', True, None)
    >>> catalog.resolve("Leopard 2A6"), catalog.resolve("Leopard 2 and Marder")
    ('leopard-2', None)

    Keys are unique and every ``accessory_of`` names a key of the catalog (else
    ``ValueError``). Iteration follows the order of *systems*.
    """

    systems: tuple[System, ...] = attrs.field(converter=_to_systems, validator=_validate_systems)
    _by_key: dict[str, System] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: {s.key: s for s in self.systems}, takes_self=True),
    )
    _memo: _Memo = attrs.field(init=False, eq=False, repr=False, factory=_Memo)

    def _index(self) -> _Index:
        if self._memo.index is None:
            self._memo.index = _Index(self.systems)
        return self._memo.index

    def resolve(self, name: str) -> str | None:
        """The key of the catalog system *name* denotes, or ``None`` (see the module doc).

        ``None`` means the name is not one catalog system: unknown, empty, ambiguous or an
        accessory of a system (ammunition, spare parts, training ...).

        >>> default_catalog().resolve("M2A2 ODS Bradleys")
        'bradley'
        """
        resolved = self._memo.resolved
        if name in resolved:
            return resolved[name]
        key = self._index().resolve(name) if name else None
        if len(resolved) >= _CACHE_LIMIT:
            resolved.clear()
        resolved[name] = key
        return key

    def __getitem__(self, key: str) -> System:
        """The system with canonical *key*; ``KeyError`` when there is none."""
        return self._by_key[key]

    def get(self, key: str) -> System | None:
        """The system with canonical *key*, or ``None``."""
        return self._by_key.get(key)

    def __contains__(self, key: object) -> bool:
        """Whether *key* is a canonical key of the catalog (aliases are not keys)."""
        return isinstance(key, str) and key in self._by_key

    def __iter__(self) -> Iterator[System]:
        return iter(self.systems)

    def __len__(self) -> int:
        return len(self.systems)

    def closest(self, name: str, n: int = 3) -> list[str]:
        """Keys of up to *n* systems whose key, name or aliases look most like *name*.

        For "did you mean" hints (difflib similarity of the normalised spellings, at least 0.6).

        >>> default_catalog().closest("Leopard")
        ['leopard-1', 'leopard-2', 'gepard']
        """
        return self._index().closest(name, n)

    def extend(self, systems: Iterable[System]) -> Catalog:
        """A new catalog with *systems* added; a key already present is replaced in place.

        >>> mine = System("himars", "HIMARS (mine)", "rocket-artillery", "US")
        >>> default_catalog().extend([mine])["himars"].name
        'HIMARS (mine)'
        """
        added: dict[str, System] = {}
        for system in systems:
            if not isinstance(system, System):
                raise TypeError(f"{system!r} is not a System")
            if system.key in added:
                raise _InvalidField("key", system.key, "is given twice")
            added[system.key] = system
        kept = [added.pop(system.key, system) for system in self.systems]
        return Catalog((*kept, *added.values()))

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Catalog:
        """A catalog read from a TOML file laid out like the bundled ``systems.toml``.

        One ``[[system]]`` table per system with ``key``, ``name``, ``category``, ``origin``
        and optionally ``aliases``, ``munition`` and ``accessory_of``. Bad content raises
        :class:`~aidledger.errors.LoadError` naming the file, the line of the table, the field
        and the system (``systems.toml:12: origin: 'usa' is not a two-letter upper-case
        country code (like 'US') (system[1] 'himars')``); an unreadable file raises ``OSError``.
        """
        file = os.fspath(path)
        with open(file, "rb") as stream:
            data = stream.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LoadError(f"is not UTF-8 text ({error.reason})", file=file) from None
        return _parse_catalog(text, file)


_FIELDS: dict[str, tuple[type, str]] = {
    "key": (str, "a string"),
    "name": (str, "a string"),
    "category": (str, "a string"),
    "origin": (str, "a string"),
    "aliases": (list, "a list of strings"),
    "munition": (bool, "true or false"),
    "accessory_of": (str, "a string"),
}
_REQUIRED = ("key", "name", "category", "origin")
_TABLE_HEADER = re.compile(r"\s*\[\[\s*system\s*\]\]")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _parse_catalog(text: str, file: str) -> Catalog:
    """The catalog in TOML *text*; problems are LoadErrors located in *file*."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        reason = _TOML_POSITION.sub("", message)
        raise LoadError(f"is not valid TOML: {reason}", file=file, line=line) from None
    for name in document:
        if name != "system":
            raise LoadError(
                "is not a catalog table (only [[system]] tables)", file=file, field=name
            )
    tables = document.get("system", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise LoadError("must be a list of [[system]] tables", file=file, field="system")
    header_lines = [
        number for number, line in enumerate(text.splitlines(), 1) if _TABLE_HEADER.match(line)
    ]
    if len(header_lines) != len(tables):
        header_lines = []

    def fail(index: int, field: str, value: object, reason: str) -> LoadError:
        key = tables[index].get("key")
        where = f"system[{index}]" + (f" {key!r}" if isinstance(key, str) else "")
        shown = value if isinstance(value, str) else None
        if value is not None and shown is None:
            reason = f"{value!r} {reason}"
        line = header_lines[index] if header_lines else None
        return LoadError(
            f"{reason} ({where})", file=file, line=line, record=index, field=field, value=shown
        )

    systems: list[System] = []
    for index, table in enumerate(tables):
        for field, value in table.items():
            if field not in _FIELDS:
                raise fail(index, field, None, f"is not a system field ({', '.join(_FIELDS)})")
            expected, what = _FIELDS[field]
            if not isinstance(value, expected) or (
                isinstance(value, list) and not all(isinstance(item, str) for item in value)
            ):
                raise fail(index, field, value, f"is not {what}")
        for field in _REQUIRED:
            if field not in table:
                raise fail(index, field, None, "is missing")
        try:
            systems.append(System(**table))
        except _InvalidField as error:
            raise fail(index, error.field, error.value, error.reason) from None
    problem = _catalog_problem(tuple(systems))
    if problem is not None:
        raise fail(*problem)
    return Catalog(systems)


@functools.cache
def default_catalog() -> Catalog:
    """The catalog bundled with aidledger (``aidledger/data/systems.toml``), read once."""
    resource = importlib.resources.files("aidledger") / "data" / "systems.toml"
    return _parse_catalog(resource.read_text(encoding="utf-8"), "aidledger/data/systems.toml")
