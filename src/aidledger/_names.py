"""How written names resolve to catalog systems: the word rules and the index behind
:meth:`Catalog.resolve <aidledger.catalog.Catalog.resolve>` (the catalog module's
docstring says what they do, rule by rule)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from aidledger.catalog import System

__all__ = ["Index"]

_POSSESSIVE = re.compile("(?<=[a-z0-9])['\u2019]s(?![a-z0-9])")
_CALIBRE = re.compile(
    r"(?<![a-z0-9.,])(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*-?\s*"
    r"(?:mm|cm|millimet(?:er|re)s?|cal(?:iber|ibre)?)(?![a-z])"
    r"(?:\s*/\s*[0-9]+(?![0-9a-z]))?"  # and the barrel length in calibres: "155mm/52"
    r"|(?<![a-z0-9])(?:l|[0-9]{2,3})\s*/\s*[0-9]{2}(?![0-9a-z])"  # "L/52", "155/52"
)
_TIMES = "x\u00d7"  # x and the multiplication sign
_DRIVE = re.compile(rf"(?<![a-z0-9])[0-9]+\s*[{_TIMES}]\s*[0-9]+(?![a-z0-9])")  # "6x6"
_COUNT = re.compile(  # "x4", "(12)", "(4 units)", "(1 battery)"
    rf"(?<![a-z0-9])[{_TIMES}]\s*[0-9]+(?![a-z0-9])"
    rf"|\(\s*[{_TIMES}]?\s*[0-9]+(?:[.,][0-9]{{3}})*\s*"
    r"(?:(?:fire\s+)?units?|pcs|pieces?|batter(?:y|ies)|systems?|launchers?|vehicles?|sets?)?"
    r"\s*\)"
)
_LEADING_COUNT = re.compile(  # "4x", "12 ", "1,000 "
    rf"^\s*[0-9]+(?:[.,][0-9]{{3}})*(?:\s*[{_TIMES}]\s*|\s+)(?=[a-z(\"'])"
)
_WORD = re.compile(r"[a-z]+|[0-9]+|[,;&+]")

_LIST = ","  # the token every list separator ("and", ",", "&", "+", ...) becomes
_WORD_MAP = {
    "&": _LIST,
    "+": _LIST,
    ";": _LIST,
    "and": _LIST,
    "or": _LIST,
    "plus": _LIST,
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "armour": "armor",
    "armoured": "armored",
    "defence": "defense",
    "antiaircraft": "airdefense",
    "antiair": "airdefense",
    "antiarmor": "antitank",
    "antiarmour": "antitank",
    "manpad": "manpads",
    "mrl": "mlrs",
    "mrls": "mlrs",
    "helo": "helicopter",
    "drone": "uas",
    "uav": "uas",
    "rpas": "uas",
    "suas": "uas",
    "clu": "launchunit",
    "spg": "sph",
    # The generic words of other languages' designations, read as their English ones
    # ("Panzerhaubitze" is a self-propelled howitzer, "Flugabwehr" air defence).
    **dict.fromkeys(("panzerhaubitze", "automoteur"), "sph"),
    **dict.fromkeys(("haubitze", "obusier"), "howitzer"),
    "kampfpanzer": "mbt",
    "schutzenpanzer": "ifv",
    "transportpanzer": "apc",
    "spahpanzer": "recon",
    **dict.fromkeys(("flugabwehr", "flugabwehrsystem", "luftverteidigung"), "airdefense"),
    "flugabwehrkanonenpanzer": "airdefense",
    "panzerabwehr": "antitank",
    **dict.fromkeys(("raketenwerfer", "mehrfachraketenwerfer"), "mlrs"),
    **dict.fromkeys(("geschutz", "kanone", "canon"), "gun"),
    **dict.fromkeys(("fahrzeug", "vehicule"), "vehicle"),
    **dict.fromkeys(("gepanzert", "gepanzerte", "blinde"), "armored"),
    "drohne": "uas",
    "hubschrauber": "helicopter",
    "kampfflugzeug": "fighter",
    # ... and their words for what is not the item itself.
    **dict.fromkeys(("ersatzteil", "ersatzteile"), "spare"),
    **dict.fromkeys(("reparatur", "instandsetzung"), "repair"),
    **dict.fromkeys(("wartung", "instandhaltung"), "maintenance"),
    "ausbildung": "training",
    "bergepanzer": "recovery",
    "bruckenlegepanzer": "bridgelayer",
}
# Multi-word phrases -> one word (or none). Written in the spelling _WORD_MAP produces.
_PHRASES = {
    "guided multiple launch rocket system": "gmlrs",
    "guided multiple launch rocket": "gmlrs",
    "guided mlrs": "gmlrs",
    "high mobility artillery rocket system": "himars",
    "national advanced surface to air missile system": "nasams",
    "high mobility multipurpose wheeled vehicle": "hmmwv",
    "high mobility multi purpose wheeled vehicle": "hmmwv",
    "mine resistant ambush protected": "mrap",
    "tube launched optically tracked wire guided": "tow",
    "multiple launch rocket system": "mlrs",
    "multiple launch rocket": "mlrs",
    "multiple rocket launch system": "mlrs",
    "multiple rocket launching system": "mlrs",
    "multiple rocket launcher": "mlrs",
    "multiple rocket system": "mlrs",
    "rocket artillery": "mlrs",
    "man portable air defense system": "manpads",
    "man portable air defense": "manpads",
    "surface to air": "sam",
    "ground to air": "sam",
    "air to air": "aam",
    "air to surface": "asm",
    "air to ground": "asm",
    "surface to surface": "ssm",
    "anti aircraft": "airdefense",
    "anti air": "airdefense",
    "air defense": "airdefense",
    "missile defense": "airdefense",
    "anti tank": "antitank",
    "anti armor": "antitank",
    "anti ship": "antiship",
    "coastal defense": "coastaldefense",
    "counter unmanned aerial system": "cuas",
    "counter unmanned aircraft system": "cuas",
    "counter uas": "cuas",
    "anti uas": "cuas",
    "unmanned aerial system": "uas",
    "unmanned aircraft system": "uas",
    "unmanned aerial vehicle": "uas",
    "unmanned air vehicle": "uas",
    "unmanned air system": "uas",
    "unmanned aircraft": "uas",
    "unmanned aerial": "uas",
    "remotely piloted aircraft system": "uas",
    "remotely piloted aircraft": "uas",
    "loitering munition": "loitering",
    "kamikaze uas": "loitering",
    "suicide uas": "loitering",
    "infantry fighting vehicle": "ifv",
    "armored personnel carrier": "apc",
    "main battle tank": "mbt",
    "self propelled howitzer": "sph",
    "self propelled gun": "sph",
    "self propelled artillery": "sph",
    "self propelled": "sph",
    "missile system": "system",
    "rocket system": "system",
    "weapon system": "system",
    "launch system": "system",
    "launching system": "system",
    "missile complex": "system",
    "missile launcher": "launcher",
    "rocket launcher": "launcher",
    "missile battery": "battery",
    "fire unit": "battery",
    "command launch unit": "launchunit",
    "launch unit": "launchunit",
    "launching pad": "launchunit",
    "launch pad": "launchunit",
    "launch rail": "launchunit",
    "up to": "",
    "fully equipped": "",
    "as well as": _LIST,
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Generic words: they never decide which system a name is, and an alias made only of them is
# generic (it gives way to a specific match).
_GENERIC = _word_set(
    """
    system launcher howitzer gun artillery field sph towed tracked wheeled mlrs airdefense sam
    aam asm ssm manpads shoulder fired portable launched guided tank mbt ifv apc vehicle
    armored armor infantry fighting combat carrier personnel reconnaissance recon light medium
    heavy tactical weapon uas loitering helicopter aircraft fighter jet plane attack multirole
    antitank atgm antiship coastaldefense battery unit piece mrap protected mobility patrol
    utility multipurpose rapid fire recoilless modernized modernised modified upgraded
    refurbished used surplus new version variant type mk mark air ground surface anti defense
    cuas
    """
)
# Words beside a match that make the name an accessory or another item, never the system.
_NOT_THE_ITEM = _word_set(
    """
    spare part barrel launchunit component equipment kit tool sight optic radar guidance
    seeker training trainer simulator maintenance repair refit refitting retrofit overhaul
    sustainment support servicing upgrade modernization modernisation decoy mockup replica
    dummy class ship vessel boat frigate corvette counter recovery bridge bridgelayer engine
    tire tyre trailer transporter tractor documentation manual production factory
    armament weaponry replacement
    """
)
# Ammunition words: never the system, except _MUNITION_WORDS beside a munition ("Stinger
# missiles").
_AMMUNITION = _word_set(
    """
    ammunition ammo round shell missile rocket munition cartridge projectile warhead grenade
    bomb interceptor charge propellant fuze fuse reload bullet pod
    """
)
_MUNITION_WORDS = frozenset({"missile", "rocket", "round", "munition", "interceptor", "pod"})
_PREPOSITIONS = frozenset({"for", "to", "with", "on"})
# Well-known names that contain a catalog alias but are other things ("Black Hawk" is a
# helicopter).
_NOT_SYSTEMS = (
    "Black Hawk",
    "Global Hawk",
    "Sea Hawk",
    "BAE Hawk",
    "M242 Bushmaster",
    "Bushmaster cannon",
    "Bushmaster chain gun",
    "tow truck",
    "tow bar",
    "tow rope",
    "C-27J Spartan",
)


# Cyrillic letters as English-language lists transliterate Soviet and Ukrainian designations
# (T-72, BMP-1, Buk, Gvozdika, Mi-8 written in Cyrillic); accents are dropped before, so
# the short i reads as i. Escaped, as many of the letters look Latin.
_CYRILLIC = str.maketrans(
    {
        **dict(
            zip(
                "\u0430\u0431\u0432\u0433\u0491\u0434\u0435\u0437\u0438\u0456\u043a"
                "\u043b\u043c\u043d\u043e\u043f\u0440\u0441\u0442\u0443\u0444\u044b",
                "abvggdeziiklmnoprstufy",
                strict=True,
            )
        ),
        "\u0436": "zh",
        "\u0445": "kh",
        "\u0446": "ts",
        "\u0447": "ch",
        "\u0448": "sh",
        "\u0449": "shch",
        "\u044e": "yu",
        "\u044f": "ya",
        "\u0454": "ye",
        "\u044d": "e",
        "\u044c": "",
        "\u044a": "",
    }
)


def _simplify(text: str) -> str:
    """Case-folded ASCII-ish text without calibres, drive layouts, counts and possessives."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    text = text.replace("\u0131", "i")  # dotless i, so that case changes never matter
    text = text.translate(_CYRILLIC)
    text = _POSSESSIVE.sub("", text)
    text = _CALIBRE.sub(" ", text)
    text = _DRIVE.sub(" ", text)
    text = _COUNT.sub(" ", text)
    return _LEADING_COUNT.sub("", text)


def _raw_words(text: str) -> list[str]:
    return _WORD.findall(_simplify(text))


def _singular(word: str, vocabulary: frozenset[str]) -> str:
    """*word* made singular when the singular is a known word and the plural is not."""
    if word in vocabulary or len(word) < 3 or not word.isalpha():
        return word
    for suffix, replacement in (("s", ""), ("es", ""), ("ies", "y")):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in vocabulary:
            return word[: -len(suffix)] + replacement
    return word


def _phrase_end(words: list[str], start: int, phrase: tuple[str, ...]) -> int:
    """Where *phrase* ends if it starts at *start*, or -1. Commas inside the long expansions of
    acronyms are skipped ("Tube-Launched, Optically-Tracked, Wire-Guided")."""
    position = start
    for number, part in enumerate(phrase):
        if number and len(phrase) >= 4:
            while position < len(words) and words[position] == _LIST:
                position += 1
        if position >= len(words) or words[position] != part:
            return -1
        position += 1
    return position


def _phrase_table() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for phrase, replacement in _PHRASES.items():
        words = tuple(phrase.split())
        table.setdefault(words[0], []).append((words, tuple(replacement.split())))
    for entries in table.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return table


_PHRASE_TABLE = _phrase_table()
_FIXED_VOCABULARY = frozenset(
    {word for phrase in _PHRASES for word in phrase.split()}
    | set(_WORD_MAP)
    | set(_WORD_MAP.values())
    | set(_PHRASES.values())
    | _GENERIC
    | _NOT_THE_ITEM
    | _AMMUNITION
    | _PREPOSITIONS
)


def _words(text: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """The words of *text* as resolution compares them (rules 1 and 2 of the module doc)."""
    words = [_singular(word, vocabulary) for word in _raw_words(text)]
    words = [_WORD_MAP.get(word, word) for word in words]
    result: list[str] = []
    position = 0
    while position < len(words):
        for phrase, replacement in _PHRASE_TABLE.get(words[position], ()):
            end = _phrase_end(words, position, phrase)
            if end > 0:
                result.extend(replacement)
                position = end
                break
        else:
            result.append(words[position])
            position += 1
    return tuple(result)


class _Match(NamedTuple):
    start: int
    end: int
    keys: frozenset[str]  # empty for a known non-system (_NOT_SYSTEMS)
    generic: bool


class Index:
    """What resolution needs, built once per catalog on first use."""

    def __init__(self, systems: tuple[System, ...]) -> None:
        self.systems = {system.key: system for system in systems}
        spellings = [
            (system.key, text)
            for system in systems
            for text in (system.key, system.name, *system.aliases)
        ]
        raw = {word for _, text in spellings for word in _raw_words(text)}
        self.vocabulary = frozenset(raw | _FIXED_VOCABULARY)
        aliases: dict[tuple[str, ...], set[str]] = {}
        for key, text in spellings:
            words = _words(text, self.vocabulary)
            if words:
                aliases.setdefault(words, set()).add(key)
        for text in _NOT_SYSTEMS:
            aliases.setdefault(_words(text, self.vocabulary), set())
        self.by_first: dict[str, list[tuple[tuple[str, ...], frozenset[str], bool]]] = {}
        self.numbers: dict[str, set[str]] = {key: set() for key in self.systems}
        self.spellings: list[tuple[str, str]] = []
        for words, keys in aliases.items():
            generic = all(word in _GENERIC for word in words)
            self.by_first.setdefault(words[0], []).append((words, frozenset(keys), generic))
            for key in keys:
                self.numbers[key].update(word for word in words if word.isdigit())
                self.spellings.append((" ".join(words), key))

    def candidates(self, words: tuple[str, ...]) -> list[_Match]:
        """Every alias occurrence in *words* (rule 3 of the module doc)."""
        found = []
        for start, word in enumerate(words):
            for alias, keys, generic in self.by_first.get(word, ()):
                end = _alias_end(words, start, alias)
                if end < 0:
                    continue
                if keys and alias[-1].isalpha() and end < len(words):
                    following = words[end]
                    if following.isdigit() and len(following) <= 2:
                        keys = frozenset(key for key in keys if following in self.numbers[key])
                        if not keys:
                            continue
                found.append(_Match(start, end, keys, generic))
        return found

    def is_munition_of(self, match: _Match, platform: _Match) -> bool:
        return any(self.systems[key].accessory_of in platform.keys for key in match.keys)

    def resolve(self, name: str) -> str | None:
        """The key *name* resolves to (rules 3 to 7 of the module doc), or None."""
        words = _words(name, self.vocabulary)
        candidates = self.candidates(words)
        cut = next(
            (
                position
                for position, word in enumerate(words)
                if word in _PREPOSITIONS
                and not any(c.start <= position < c.end for c in candidates)
            ),
            len(words),
        )
        head = words[:cut]
        chosen: list[_Match] = []
        for candidate in sorted(
            (c for c in candidates if c.end <= cut), key=lambda c: (c.start - c.end, c.start)
        ):
            clash = [c for c in chosen if c.start < candidate.end and candidate.start < c.end]
            if not clash:
                chosen.append(candidate)
            elif all(self.is_munition_of(candidate, c) for c in clash):
                chosen = [c for c in chosen if c not in clash] + [candidate]
        matches = [c for c in chosen if c.keys]
        covered = {position for c in matches for position in range(c.start, c.end)}
        if _LIST not in head:  # in a list, each item counts
            matches = [c for c in matches if not c.generic] or matches
        keys = set().union(*(c.keys for c in matches))
        if len(keys) > 1 and _LIST not in head:
            keys -= {self.systems[key].accessory_of for key in keys}
        if len(keys) != 1:
            return None
        (key,) = keys
        return key if self._is_the_item(head, covered, self.systems[key].munition) else None

    @staticmethod
    def _is_the_item(head: tuple[str, ...], covered: set[int], munition: bool) -> bool:
        """Whether the words beside the matches leave the system as the item (rules 6, 7).

        In the list part of the match, accessory words say it is not; other list parts may
        be accessories ("Patriot battery and munitions"), but not other items ("Mi-17, Mi-2").
        Generic words, numbers and variant letters after a number ("2A6") say nothing, but a
        bare number is another model ("Leopard 1 and 2").
        """
        start = 0
        for end in [*(p for p, word in enumerate(head) if word == _LIST), len(head)]:
            matched = any(p in covered for p in range(start, end))
            if not matched and end > start and all(head[p].isdigit() for p in range(start, end)):
                return False
            for position in range(start, end):
                word = head[position]
                if position in covered:
                    continue
                accessory = word in _NOT_THE_ITEM or word in _AMMUNITION
                if matched:
                    if accessory and not (munition and word in _MUNITION_WORDS):
                        return False
                elif (
                    not accessory
                    and word.isalpha()
                    and word not in _GENERIC
                    and (position == start or not head[position - 1].isdigit())
                ):
                    return False
            start = end + 1
        return True

    def closest(self, name: str, n: int) -> list[str]:
        """Keys of up to *n* systems whose spellings look most like *name* (difflib
        similarity of the normalised spellings, at least 0.6)."""
        words = [word for word in _words(name, self.vocabulary) if word != _LIST]
        query = " ".join([word for word in words if word not in _GENERIC] or words)
        if not query or n <= 0:
            return []
        best: dict[str, float] = {}
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(query)
        for spelling, key in self.spellings:
            matcher.set_seq1(spelling)
            if (
                matcher.real_quick_ratio() >= 0.6
                and matcher.quick_ratio() >= 0.6
                and (ratio := matcher.ratio()) >= 0.6
            ):
                best[key] = max(best.get(key, 0.0), ratio)
        return sorted(best, key=lambda key: (-best[key], key))[:n]


def _alias_end(words: tuple[str, ...], start: int, alias: tuple[str, ...]) -> int:
    """Where *alias* ends if it starts at *start*, or -1; generic words may come between its
    words ("HAWK air defence missile" has "HAWK missile")."""
    position = start
    for number, part in enumerate(alias):
        if number:
            while (
                position < len(words) and words[position] != part and words[position] in _GENERIC
            ):
                position += 1
        if position >= len(words) or words[position] != part:
            return -1
        position += 1
    return position
