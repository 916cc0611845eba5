"""Tests of the system catalog: the bundled data, the model's checks, TOML loading and above
all name resolution (module doc of ``aidledger.catalog``), on the spellings people write."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import babel
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidledger.catalog import CATEGORIES, Catalog, System, default_catalog
from aidledger.errors import LoadError

CATALOG = default_catalog()
SPELLINGS = sorted(
    {
        (text, system.key)
        for system in CATALOG
        for text in (system.key, system.name, *system.aliases)
    }
)
PLATFORMS = sorted(s.key for s in CATALOG if not s.munition)

# --- the bundled data ---------------------------------------------------------------------

REQUIRED_KEYS = [
    *("himars", "m270", "nasams", "patriot", "iris-t", "gepard", "hawk", "hawk-missile"),
    *("stinger", "javelin", "nlaw", "at4", "light-anti-armour-weapon", "tow", "harpoon"),
    *("switchblade", "phoenix-ghost", "puma-uas", "tactical-uas", "puma-ifv"),
    *("bradley", "marder", "cv90", "stryker", "m113", "m1117", "humvee", "mrap"),
    *("abrams", "leopard-1", "leopard-2", "challenger-2", "t-72", "amx-10-rc"),
    *("m777", "caesar", "pzh-2000", "krab", "archer", "m109", "f-16", "mi-17"),
]


def test_bundled_catalog_has_the_systems_the_ledger_and_examples_use() -> None:
    assert set(REQUIRED_KEYS) <= {s.key for s in CATALOG}
    assert 60 <= len(CATALOG) <= 200


def test_bundled_file_is_tidy_one_table_per_system_sorted_by_key() -> None:
    text = (importlib.resources.files("aidledger") / "data" / "systems.toml").read_text("utf-8")
    keys = re.findall(r'^key = "([^"]+)"$', text, flags=re.MULTILINE)
    assert keys == sorted(keys) == [s.key for s in CATALOG]
    assert len(re.findall(r"^\[\[system\]\]$", text, flags=re.MULTILINE)) == len(CATALOG)


def test_every_category_is_a_catalog_category_with_a_label() -> None:
    assert {s.category for s in CATALOG} <= set(CATEGORIES)
    assert all(
        re.fullmatch(r"[a-z]+(-[a-z]+)*", key) and label for key, label in CATEGORIES.items()
    )


def test_every_origin_is_a_cldr_territory() -> None:
    territories = babel.Locale("en").territories
    assert {s.origin for s in CATALOG} <= set(territories)


@pytest.mark.parametrize(
    ("key", "origin"),
    [
        ("nasams", "NO"),
        ("iris-t", "DE"),
        ("caesar", "FR"),
        ("krab", "PL"),
        ("archer", "SE"),
        ("cv90", "SE"),
        ("leopard-2", "DE"),
        ("challenger-2", "GB"),
        ("nlaw", "GB"),
        ("t-72", "RU"),
        ("mi-17", "RU"),
        ("bayraktar-tb2", "TR"),
        ("dana", "CZ"),
        ("zuzana", "SK"),
        ("himars", "US"),
    ],
)
def test_origins(key: str, origin: str) -> None:
    assert CATALOG[key].origin == origin


def test_munitions_and_accessories() -> None:
    assert CATALOG["stinger"].munition and not CATALOG["patriot"].munition
    assert CATALOG["hawk-missile"].accessory_of == "hawk"
    assert CATALOG["hawk-missile"].munition
    assert all(CATALOG[s.accessory_of] for s in CATALOG if s.accessory_of)


def test_default_catalog_is_loaded_once_and_equals_the_file_read_by_from_toml() -> None:
    assert default_catalog() is CATALOG
    resource = importlib.resources.files("aidledger") / "data" / "systems.toml"
    with importlib.resources.as_file(resource) as path:
        assert Catalog.from_toml(path) == CATALOG


# --- the model ------------------------------------------------------------------------------


def test_system_defaults_and_alias_conversion() -> None:
    system = System("himars", "M142 HIMARS", "rocket-artillery", "US", ["HIMARS", "M142"])
    assert system.aliases == ("HIMARS", "M142")
    assert (system.munition, system.accessory_of) == (False, None)
    assert System("x", "X", "uav", "US", "X-1").aliases == ("X-1",)  # one alias, not letters


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("key", "HIMARS"),
        ("key", "him ars"),
        ("key", "himars-"),
        ("key", ""),
        ("name", " "),
        ("category", "rocket artillery"),
        ("origin", "us"),
        ("origin", "USA"),
        ("aliases", ["ok", "--"]),
        ("munition", "yes"),
        ("accessory_of", "Hawk"),
    ],
)
def test_system_rejects_bad_fields_naming_the_field(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "key": "himars",
        "name": "M142 HIMARS",
        "category": "rocket-artillery",
        "origin": "US",
    }
    fields[field] = value
    with pytest.raises(ValueError, match=f"^{field}: "):
        System(**fields)  # type: ignore[arg-type]


def test_catalog_rejects_duplicate_keys_and_unknown_accessories() -> None:
    himars = CATALOG["himars"]
    with pytest.raises(ValueError, match="already the key"):
        Catalog([himars, himars])
    with pytest.raises(ValueError, match="not a key in the catalog"):
        Catalog([CATALOG["hawk-missile"]])
    with pytest.raises(ValueError, match="itself"):
        Catalog([System("loop", "Loop", "uav", "US", accessory_of="loop")])


def test_lookup_by_key() -> None:
    assert CATALOG["himars"].name == "M142 HIMARS"
    assert CATALOG.get("himars") is CATALOG["himars"]
    assert CATALOG.get("HIMARS") is None
    assert "himars" in CATALOG
    assert "HIMARS" not in CATALOG and 42 not in CATALOG
    assert [s.key for s in CATALOG][:2] == ["2a36", "2a65"]
    with pytest.raises(KeyError):
        CATALOG["HIMARS"]


def test_caches_leave_equality_and_hash_alone() -> None:
    fresh = Catalog(list(CATALOG))
    assert fresh.resolve("HIMARS") == "himars" == fresh.resolve("HIMARS")
    assert fresh == CATALOG
    assert hash(fresh) == hash(CATALOG)
    assert "_memo" not in repr(fresh)


def test_extend_replaces_a_present_key_in_place_and_appends_new_ones() -> None:
    mine = System("himars", "HIMARS (mine)", "rocket-artillery", "US", ["HIMARS"])
    pantsir = System("pantsir", "Pantsir-S1", "air-defence", "RU", ["Pantsir"])
    extended = CATALOG.extend([mine, pantsir])
    assert extended["himars"] is mine
    assert [s.key for s in extended] == [*(s.key for s in CATALOG), "pantsir"]
    assert len(extended) == len(CATALOG) + 1
    assert extended.resolve("Pantsir-S1 systems") == "pantsir"
    assert extended.resolve("M142") is None  # the replaced entry's aliases are gone
    assert CATALOG["himars"].name == "M142 HIMARS"  # the original is unchanged
    assert CATALOG.resolve("Pantsir") is None


def test_extend_rejects_a_key_given_twice_and_broken_accessories() -> None:
    pantsir = System("pantsir", "Pantsir-S1", "air-defence", "RU")
    with pytest.raises(ValueError, match="given twice"):
        CATALOG.extend([pantsir, pantsir])
    with pytest.raises(ValueError, match="accessory_of"):
        CATALOG.extend([System("ammo", "Ammo", "uav", "US", accessory_of="nothing")])


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Leopard", "leopard-2"), ("Bradly", "bradley"), ("Stinnger", "stinger"), ("Krabb", "krab")],
)
def test_closest_suggests_keys(name: str, expected: str) -> None:
    assert expected in CATALOG.closest(name)


def test_closest_limits() -> None:
    assert CATALOG.closest("Leopard", n=1) in (["leopard-1"], ["leopard-2"])
    assert CATALOG.closest("") == []
    assert CATALOG.closest("completely unrelated words") == []


# --- from_toml ------------------------------------------------------------------------------

GOOD = """\
# a small catalog
[[system]]
key = "hawk"
name = "MIM-23 HAWK"
category = "air-defence"
origin = "US"

[[system]]
key = "hawk-missile"
name = "MIM-23 HAWK missile"
category = "air-defence-missile"
origin = "US"
aliases = ["HAWK missile"]
munition = true
accessory_of = "hawk"
"""


def test_from_toml_reads_a_catalog(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    catalog = Catalog.from_toml(path)
    assert [s.key for s in catalog] == ["hawk", "hawk-missile"]
    assert catalog.resolve("HAWK missiles") == "hawk-missile"
    assert Catalog.from_toml(str(path)) == catalog


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "record"),
    [
        ('origin = "US"\n\n', 'origin = "usa"\n\n', "origin", 2, 0),
        ('category = "air-defence"', 'category = "sam"', "category", 2, 0),
        ('name = "MIM-23 HAWK"\n', "", "name", 2, 0),
        ('name = "MIM-23 HAWK"\n', 'name = "MIM-23 HAWK"\ncolour = "green"\n', "colour", 2, 0),
        ('aliases = ["HAWK missile"]', 'aliases = "HAWK missile"', "aliases", 8, 1),
        ('aliases = ["HAWK missile"]', 'aliases = ["HAWK", 3]', "aliases", 8, 1),
        ("munition = true", 'munition = "yes"', "munition", 8, 1),
        ('key = "hawk-missile"', 'key = "hawk"', "key", 8, 1),
        ('key = "hawk-missile"', 'key = "Hawk Missile"', "key", 8, 1),
        ('accessory_of = "hawk"', 'accessory_of = "hawks"', "accessory_of", 8, 1),
    ],
)
def test_from_toml_errors_name_file_line_system_and_field(
    tmp_path: Path, old: str, new: str, field: str, line: int, record: int
) -> None:
    assert old in GOOD
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        Catalog.from_toml(path)
    error = caught.value
    assert (error.file, error.field, error.line, error.record) == (str(path), field, line, record)
    assert str(error).startswith(f"{path}:{line}: {field}: ")
    assert f"system[{record}]" in str(error)


def test_from_toml_error_names_the_system_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('origin = "US"\n\n', 'origin = "usa"\n\n'), encoding="utf-8")
    with pytest.raises(LoadError, match=r"'usa' is not a two-letter .* \(system\[0\] 'hawk'\)"):
        Catalog.from_toml(path)


@pytest.mark.parametrize(
    ("content", "field", "line"),
    [
        ("[[system]]\nkey = \n", None, 2),
        ("[meta]\nversion = 1\n", "meta", None),
        ("system = 3\n", "system", None),
    ],
)
def test_from_toml_rejects_files_that_are_no_catalog(
    tmp_path: Path, content: str, field: str | None, line: int | None
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        Catalog.from_toml(path)
    assert (caught.value.file, caught.value.field, caught.value.line) == (str(path), field, line)


def test_from_toml_rejects_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("MIM-23 HAWK", "Flugabwehr-Rakete HAWK \xfc").encode("latin-1"))
    with pytest.raises(LoadError, match="UTF-8"):
        Catalog.from_toml(path)


def test_from_toml_of_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Catalog.from_toml(tmp_path / "missing.toml")


def test_an_empty_file_is_an_empty_catalog(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    catalog = Catalog.from_toml(path)
    assert len(catalog) == 0
    assert catalog.resolve("HIMARS") is None


# --- resolution: the spellings of the brief and of the seed --------------------------------

SPELLED = [
    ("M142 HIMARS", "himars"),
    ("HIMARS", "himars"),
    ("HIMARS 142 multiple rocket launcher", "himars"),
    ("High Mobility Artillery Rocket Systems (HIMARS)", "himars"),
    ("4x HIMARS", "himars"),
    ("M270A1 MLRS", "m270"),
    ("MIM-104 Patriot", "patriot"),
    ("Patriot air defense battery", "patriot"),
    ("Patriot air and missile defense system", "patriot"),
    ("PzH 2000 155mm", "pzh-2000"),
    ("PzH2000", "pzh-2000"),
    ("pzh-2000", "pzh-2000"),
    ("Panzerhaubitze 2000", "pzh-2000"),
    ("Leopard 2A6", "leopard-2"),
    ("Leopard 2A4", "leopard-2"),
    ("Leopard II", "leopard-2"),
    ("Leo 2A6", "leopard-2"),
    ("Leopard 1A5", "leopard-1"),
    ("Leopard 1A5DK", "leopard-1"),
    ("M2A2 Bradley", "bradley"),
    ("M2A2 ODS Bradley", "bradley"),
    ("M2A2-ODS Bradley IFVs", "bradley"),
    ("Bradley Fighting Vehicles", "bradley"),
    ("M1A1 Abrams", "abrams"),
    ("M1A2 Abrams", "abrams"),
    ("Abrams tanks", "abrams"),
    ("M777 howitzer", "m777"),
    ("M777A2", "m777"),
    ("M777s", "m777"),
    ("155 mm M777", "m777"),
    ("CAESAR artillery howitzer", "caesar"),
    ("Caesar self-propelled howitzer", "caesar"),
    ("Caesar 8x8", "caesar"),
    ("12 Caesars", "caesar"),
    ("National Advanced Surface-to-Air Missile System (NASAMS)", "nasams"),
    ("NASAMS", "nasams"),
    ("NASAMS batteries", "nasams"),
    ("IRIS-T SLM", "iris-t"),
    ("IRIS-T SLS", "iris-t"),
    ("Gepard rapid-fire armored vehicle", "gepard"),
    ("Flakpanzer Gepard", "gepard"),
    ("Gepard self-propelled anti-aircraft guns", "gepard"),
    ("AMX-10 RC", "amx-10-rc"),
    ("AMX-10RC", "amx-10-rc"),
    ("AMX 10 RC light tank", "amx-10-rc"),
    ("AMX10RC", "amx-10-rc"),
    ("M113 armored personnel carrier", "m113"),
    ("M113A3", "m113"),
    ("M109A6 Paladin", "m109"),
    ("M109 A3GM 155mm howitzer", "m109"),
    ("T-72", "t-72"),
    ("T-72M1", "t-72"),
    ("T-72s", "t-72"),
    ("T72 tanks", "t-72"),
    ("Mi-17 helicopter", "mi-17"),
    ("Mi-17V-5", "mi-17"),
    ("Switchblade 300", "switchblade"),
    ("Switchblade 600", "switchblade"),
    ("Switchblade drones", "switchblade"),
    ("Phoenix Ghost", "phoenix-ghost"),
    ("FIM-92 Stinger", "stinger"),
    ("Stinger missiles", "stinger"),
    ("Stingers", "stinger"),
    ("1,000 Stingers", "stinger"),
    ("FGM-148 Javelin", "javelin"),
    ("Javelin anti-tank missiles", "javelin"),
    ("Javelins", "javelin"),
    ("NLAW anti-tank weapon", "nlaw"),
    ("NLAWs", "nlaw"),
    ("AT-4", "at4"),
    ("AT4", "at4"),
    ("AT4s", "at4"),
    ("BGM-71 TOW", "tow"),
    ("TOW missiles", "tow"),
    ("TOW 2A missiles", "tow"),
    ("Harpoon coastal defence system", "harpoon"),
    ("Harpoon missiles", "harpoon"),
    ("M1117 Armored Security Vehicle", "m1117"),
    ("M1117", "m1117"),
    ("HMMWV", "humvee"),
    ("HMMWVs", "humvee"),
    ("Humvee", "humvee"),
    ("up-armored Humvees", "humvee"),
    ("MRAP", "mrap"),
    ("MRAPs", "mrap"),
    ("Krab 155mm self-propelled howitzer", "krab"),
    ("Archer", "archer"),
    ("Archer FH77BW L52", "archer"),
    ("CV90", "cv90"),
    ("CV9040C", "cv90"),
    ("Challenger 2 tank", "challenger-2"),
    ("Challenger II", "challenger-2"),
    ("Stryker", "stryker"),
    ("M1126 Stryker ICV", "stryker"),
    ("Marder 1A3", "marder"),
    ("HAWK", "hawk"),
    ("MIM-23 HAWK", "hawk"),
    ("HAWK launchers", "hawk"),
    ("HAWK missile launchers", "hawk"),
    ("HAWK missiles", "hawk-missile"),
    ("MIM-23B HAWK missiles", "hawk-missile"),
    ("I-HAWK missiles", "hawk-missile"),
    ("Puma UAS", "puma-uas"),
    ("RQ-20 Puma", "puma-uas"),
    ("Puma drones", "puma-uas"),
    ("Puma IFV", "puma-ifv"),
    ("Schützenpanzer Puma", "puma-ifv"),
    ("Puma infantry fighting vehicles", "puma-ifv"),
    ("GMLRS rockets for HIMARS", "gmlrs"),
    ("Zuzana 2 howitzers", "zuzana"),
    ("2S1 Gvozdika 122mm", "2s1"),
    ("Carl-Gustaf M4", "carl-gustaf"),
    ("Bayraktar TB2 UAVs", "bayraktar-tb2"),
    ("F-16s", "f-16"),
    ("MiG-29 fighter jets", "mig-29"),
    ("Storm Shadow cruise missiles", "storm-shadow"),
    ("ＨＩＭＡＲＳ", "himars"),  # full-width letters
    ("light anti-armor weapon", "light-anti-armour-weapon"),
    ("light anti-tank weapons", "light-anti-armour-weapon"),
    ("tactical unmanned aerial systems", "tactical-uas"),
    # counts and lists of accessories
    ("HIMARS (4)", "himars"),
    ("Gepard (15 units)", "gepard"),
    ("HIMARS x4", "himars"),
    ("Leopard 2A4 and 2A6", "leopard-2"),
    ("M2A2 and M2A3 Bradleys", "bradley"),
    ("Patriot air defense battery and munitions", "patriot"),
    ("High Mobility Artillery Rocket Systems and ammunition", "himars"),
    ("Mi-17 helicopters and spare parts", "mi-17"),
    ("Leopard 2 tanks with ammunition", "leopard-2"),
    # generic words inside an alias
    ("HAWK air defense missiles", "hawk-missile"),
    # the seed article
    ("light AMX-10 RC armored combat vehicles", "amx-10-rc"),
    ("shoulder-fired Stinger anti-aircraft missiles", "stinger"),
    ("the HIMARS rocket system", "himars"),
    ("the Patriot missile system", "patriot"),
    ("German-made Leopard 2 tanks", "leopard-2"),
    # Soviet and British artillery, air defence and vehicles as lists write them
    ("AS90 155mm", "as-90"),
    ("122mm D-30 howitzer", "d-30"),
    ("105mm L119 light gun", "l119"),
    ("L118", "l119"),
    ("M119A3", "m119"),
    ("M101A1", "m101"),
    ("2S19 Msta-S", "2s19"),
    ("9K37M1 Buk", "buk"),
    ("Buk-M1", "buk"),
    ("9K35M Strela-10", "strela-10"),
    ("Strela-2M", "strela"),
    ("Osa-AKM", "osa"),
    ("Dingo 2", "dingo"),
    ("Roshel Senator APC", "senator"),
    ("Mirage 2000-5F", "mirage-2000"),
    ("RM-70 Vampire", "rm-70"),  # the modernised RM-70, not the VAMPIRE counter-drone system
    ("VAMPIRE", "vampire"),
    ("RBS 70 NG", "rbs-70"),
    ("RGM-84L", "harpoon"),
    ("Kirpi II", "kirpi"),
    ("Lockheed Martin Desert Hawk", "desert-hawk"),  # a drone, not the Hawk
    ("Desert Hawk III", "desert-hawk"),
    ("VAMPIRE Counter-Unmanned Aerial System", "vampire"),
    ("Mamba 4x4 armoured vehicle", "mamba"),
    ("Lince armoured car", "iveco-lmv"),
    ("M80A infantry fighting vehicle", "m-80a"),
    ("Hellfire missiles", "hellfire"),
    # counts in brackets, with what is counted
    ("Patriot (1 battery)", "patriot"),
    ("NASAMS (2 fire units)", "nasams"),
    ("HIMARS (4 launchers)", "himars"),
    # calibres with the barrel length
    ("Krab 155 mm/52", "krab"),
    ("PzH 2000 155mm L/52", "pzh-2000"),
    ("M109A3GN 155/39", "m109"),
    # Cyrillic, as Ukrainian and Russian sources write Soviet designations
    ("Т-72", "t-72"),
    ("БМП-1", "bmp-1"),
    ("2С1 Гвоздика", "2s1"),
    ("Мі-8", "mi-8"),
    ("Бук-М1", "buk"),
    # what the tracker's current workbook names (its variants and designations)
    ("BMP-2", "bmp-2"),
    ("BMP-2M", "bmp-2"),
    ("BVP-2 infantry fighting vehicle", "bmp-2"),
    ("2S22 Bohdana", "2s22-bohdana"),
    ("Bogdana self-propelled howitzer", "2s22-bohdana"),
    ("ShKH vz. 77 DANA", "dana"),
    ("DANA M2", "dana"),
    ("PT-91 Twardy tanks", "pt-91"),
    ("Leopard 1A5DK", "leopard-1"),
    ("Leopard 1 A5", "leopard-1"),
    ("Leopard-1A5BE", "leopard-1"),
    ("F-16AM/BM", "f-16"),
    ("F-16 MLU fighter jets", "f-16"),
    ("F16 Block 15", "f-16"),
    ("MARS II multiple rocket launcher", "m270"),
    ("AMRAAM rockets (for NASAMS)", "aim-120"),  # the missiles, not NASAMS
    ("AIM-7 missile for air defense", "aim-7"),
    ("RIM-7 missile", "aim-7"),
    ("AIM-9X Sidewinder", "aim-9"),
    ("ASTER 30 missile", "aster"),
    ("high-speed anti-radiation missile (HARM)", "agm-88"),
    ("JDAM-ER", "jdam"),
    ("GBU-62 JDAM-ER", "jdam"),
    ("Hydra-70 aircraft rocket", "hydra-70"),
    ("Zuni aircraft rocket", "zuni"),
    ("Lightweight Multirole Missiles (LMM)", "lmm"),
    ("2K12 KUB", "2k12-kub"),
    ("Bandvagn 206 tracked all-terrain vehicles", "bv-206"),
    ("BvS10 armoured all-terrain vehicle", "bvs-10"),
    ("PBV 302 armored personnel carrier", "pbv-302"),
    ("Bofors L70 anti-aircraft gun", "bofors-l70"),
    ("RQ-11B Raven", "raven"),
    ("penguin unmanned aerial systems", "penguin-uas"),
    ("Soviet-made RPG-7 anti-tank missile launcher", "rpg-7"),
    ("M141 rocket launcher", "m141"),
    ("M577 Command Post Carrier", "m577"),
    ("Patriot air defense system, fully equipped", "patriot"),
    # other languages' generic words (German, French): the system all the same
    ("Panzerhaubitze 2000", "pzh-2000"),
    ("Panzerhaubitze M109A3GN", "m109"),
    ("Kampfpanzer Leopard 2A6", "leopard-2"),
    ("Leopard Kampfpanzer 2A6", "leopard-2"),
    ("Schützenpanzer Marder 1A3", "marder"),
    ("Flugabwehrkanonenpanzer Gepard", "gepard"),
    ("Mehrfachraketenwerfer MARS II", "m270"),
    ("Flugabwehrsystem IRIS-T SLM", "iris-t"),
    ("Transportpanzer Fuchs and Haubitze", None),  # no Fuchs in the catalog
    ("obusier automoteur CAESAR", "caesar"),
    ("véhicule blindé VAB", "vab"),
    # what Oryx-style lists and the tracker's other donors name
    ("Msta-B", "2a65"),  # the towed howitzer, not the 2S19 Msta-S
    ("2S19 Msta-S", "2s19"),
    ("Black Hawk helicopters", "uh-60"),
    ("UH-60M Black Hawk", "uh-60"),
    ("RM-70 Grad", "rm-70"),  # a Grad of its own, not the BM-21
    ("BM-21 Grad", "bm-21"),
    ("Sisu XA-185 APC", "xa-180"),
    ("Piranha III", "piranha"),
    ("Kozak-2M1", "kozak-2"),
    ("9M113 Konkurs ATGM", "konkurs"),
    ("9M133 Kornet anti-tank missiles", "kornet"),
    ("ammunition for Kornet", None),
    ("Igla-S MANPADS", "igla"),
    ("Evolved Sea Sparrow Missiles", "essm"),  # not the Sea Sparrow (AIM-7)
    ("RIM-7 Sea Sparrow", "aim-7"),
    ("RCH 155 on Boxer", "rch-155"),
    ("JAS 39 Gripen C/D", "gripen"),
    ("Tatra T815 trucks", "tatra"),
    ("OT-64 SKOT", "ot-64"),
    ("FV432 Bulldog", "fv432"),
    ("K9A1 Thunder", "k9"),
    ("2S1 Goździk", "2s1"),  # the Polish name
    ("BWP-1", "bmp-1"),
    ("S-125 Pechora-2M", "s-125"),
    ("Tor-M1", "tor"),
    ("Tor missiles", None),  # missiles of a platform that is no munition
    ("K9 and K2", None),
]

NOT_A_SYSTEM = [
    # accessories of a platform
    "ammunition for HIMARS",
    "HIMARS ammunition",
    "HIMARS rockets",
    "HIMARS pods",
    "Gepard ammunition",
    "Gepard ammunition round",
    "spare barrels for M777",
    "M777 spare barrels",
    "155mm ammunition for M777",
    "Patriot missiles",
    "Patriot PAC-3 MSE missiles",
    "IRIS-T missiles",
    "NASAMS munitions",
    "Stinger spare parts",
    "Javelin command launch unit",
    "Leopard 2 training",
    "Abrams tank training",
    "Patriot radar",
    "Leopard 2 recovery vehicle",
    "HIMARS decoys",
    "Carl Gustaf ammunition",
    "Mistral-class ship",
    # two systems, or a list with something else
    "Leopard 2 and Marder",
    "Stinger and Javelin",
    "HIMARS and GMLRS",
    "Mi-17, Mi-2",
    "Leopard 1 and 2",
    "Abrams and German-made Leopard tanks",
    "Patriot missiles and launchers",
    "Missiles for HAWK air defense systems",
    "NASAMS surface-to-air missiles",  # the missiles, not the system
    # other systems that look alike
    "M2 Browning machine gun",
    "M2HB",
    "T-80",
    "T-64",
    "BMP-3",  # neither the BMP-1 nor the BMP-2
    "Msta",  # the 2A65 Msta-B (towed) or the 2S19 Msta-S (self-propelled)?
    "RM-70 and VAMPIRE",
    "Counter-Unmanned Aerial System",
    "Hellfire missiles guidance unit",
    "Challenger 3",
    "Leopard 3",
    "Marder 2",
    "AMX-10P",
    "AH-1 Cobra helicopters",  # no AH-1 in the catalog, and not the Otokar Cobra
    "Puma",  # the drone or the infantry fighting vehicle?
    "Leopards",  # 1 or 2?
    "Bv 206 and BvS 10",
    "Penguin missile",  # the anti-ship missile, not the Penguin drone
    "Bofors",  # a maker, not a system
    "SAMP/T Aster missiles and launchers",
    # what is not the system: its ammunition, parts, repair, armament (the examples)
    "Ammunition for MARS II",
    "Panzerhaubitze 2000 (repair)",
    "Repair of Panzerhaubitze 2000",
    "replacement barrels for M777 howitzer",
    "F-16 armament (generic)",
    "F-16s Ammunition",
    "Spare parts and equipment for F-16",
    "Munition für Panzerhaubitze 2000",
    "Ersatzteile für Leopard 2",
    "Leopard 2 Ersatzteile",
    "Instandsetzung Gepard",
    "Bergepanzer 3 Büffel",
    "Brückenlegepanzer Biber",
    "bridge-laying Leopard 1 tanks",
    # nothing
    "",
    "   ",
    "Mystery Launcher",
    "155mm",
]


@pytest.mark.parametrize(("name", "key"), SPELLED)
def test_resolves_spellings(name: str, key: str) -> None:
    assert CATALOG.resolve(name) == key


@pytest.mark.parametrize("name", NOT_A_SYSTEM)
def test_resolves_accessories_ambiguities_and_unknowns_to_none(name: str) -> None:
    assert CATALOG.resolve(name) is None


# --- resolution: real item names of the Kiel Institute's Ukraine Support Tracker ----------
# (Kiel Institute for the World Economy, Ukraine Support Tracker, item table, 2022 layout:
# item names of military rows, verbatim.)

KIEL = [
    ("HIMARS 142 multiple rocket launcher", "himars"),
    ("ammunition for HIMARS", None),
    ("Guided Multiple Launch Rocket System round", "gmlrs"),
    ("M31A1 munition", "gmlrs"),
    ("M270 weapon system (Norway)", "m270"),
    ("Mars II", "m270"),
    ("ammunition for Mars II", None),
    ("National Advanced Surface-to-Air Missile System (NASAMS)", "nasams"),
    ("munitions for NASAMS", None),
    ("Gepard rapid-fire armored vehicle", "gepard"),
    ("GEPARD ammunition round", None),
    ("GEPARD training ammunition round", None),
    ("Iris-T SLM", "iris-t"),
    ("Panzerhaubitze 2000", "pzh-2000"),
    ("AHS Krab self-propelled howitzer", "krab"),
    ("CAESAR artillery howitzer", "caesar"),
    ("Dana Howitzer", "dana"),
    ("Zusana-2 howitzer", "zuzana"),
    ("M109 A3GM 155mm howitzer", "m109"),
    ("spare parts for M109 artillery gun", None),
    ("equipment for M109 artillery gun", None),
    ("M777 howitzer", "m777"),
    ("round of ammunition for M777 howitzer", None),
    ("replacement barrels for M777 howitzer", None),
    ("Tactical vehicle to tow 155mm howitzer", None),
    ("FH70 155mm howitzer", "fh-70"),
    ("M119 105mm howitzer", "m119"),
    ("RM-70 multiple rocket launcher", "rm-70"),
    ("missile for Czech-made RM-70 multiple rocket launcher", None),
    ("RM-70 multiple rocket launcher, Dana Howitzer", None),
    ("BM-21 GRAD Rocket", None),
    ("GRAD multiple rocket launcher rocket", None),
    ("122 mm round for 2S1 Gvozdika", None),
    ("125 mm HE ammunition for T-72", None),
    ("Modified T-72 tank (T-72A/T-72M1/M1R)", "t-72"),
    ("PT-91 Twardy", "pt-91"),
    ("T-55 tank", "t-55"),
    ("BMP-1", "bmp-1"),
    ("BVP-1 infantry fighting vehicle", "bmp-1"),
    ("YPR-765 infantry vehicle", "ypr-765"),
    ("M113 armored personnel carrier", "m113"),
    ("M113's refitting (collab with Danemark)", None),
    ("M577 Command Post Carrier", "m577"),
    ("M113 armored personnel carrier, M114 155mm Howitzer", None),
    ("Armored High Mobility Multipurpose Wheeled Vehicle", "humvee"),
    ("MaxxPro Mine Resistant Ambush Protected Vehicles", "mrap"),
    ("Bushmaster Protected Mobility Vehicles", "bushmaster"),
    ("Mastiff 6x6, Wolfhound and Husky armoured vehicle", None),
    ("Stinger anti-aircraft system", "stinger"),
    ("Stinger anti-aircraft system (Latvia)", "stinger"),
    ("Stinger missile", "stinger"),
    ("Starstreak anti-aircraft missile system", "starstreak"),
    ("anti-aircraft Starstreak missile", "starstreak"),
    ("Stormer armoured vehicle with Starstreak anti-air missile launchers", "stormer-hvm"),
    ("Mistral Air Defence Launcher", "mistral"),
    ("Mistral Air Defence Missile", "mistral"),
    ("Piorun man-portable air-defense system", "piorun"),
    ("Strela missile", "strela"),
    ("S-300 air defence system", "s-300"),
    ("Shorad Aspide anti-aircraft missile", None),
    ("Javelin", "javelin"),
    ("Javelin anti-tank missile", "javelin"),
    ("Javelin anti-armor systems", "javelin"),
    ("Javelin command launch unit", None),
    ("NLAW anti-tank weapon", "nlaw"),
    ("Missile (including NLAWs and Javelin anti-tank weapons)", None),
    ("AT4 anti-tank weapon", "at4"),
    ("light anti-armor weapon", "light-anti-armour-weapon"),
    ("ammunition for light anti-armor weapon", None),
    ("anti-armor weapon", None),
    ("M72 rocket launcher", "m72-law"),
    ("Carl Gustav M2 recoilless rifle", "carl-gustaf"),
    ("round of 84 mm ammunition", None),
    ("Panzerfaust 3", "panzerfaust-3"),
    ("missile for Panzerfaust 3", None),
    ("round of ammunition for Panzerfaust 3", None),
    ("RGW 90 Matador", "rgw-90"),
    ("Milan", "milan"),
    ("Brimstone-1 missile", "brimstone"),
    ("Tube-Launched, Optically-Tracked, Wire-Guided (TOW) missiles", "tow"),
    ("Harpoon coastal defense missile system", "harpoon"),
    ("Harpoon coastal defense missile", "harpoon"),
    ("anti-ship missile system", None),
    ("Switchblade tactical unmanned aerial system", "switchblade"),
    ("Phoenix Ghost tactical unmanned aerial system", "phoenix-ghost"),
    ("Puma unmanned aerial system", "puma-uas"),
    ("Tactical unmanned aerial system", "tactical-uas"),
    ("Scan Eagle Unmanned Aerial Systems", "scaneagle"),
    ("support equipment for Scan Eagle UAS systems", None),
    ("Bayraktar TB2 drone", "bayraktar-tb2"),
    ("Warmate drone", "warmate"),
    ("Lockheed Martin Desert Hawk", "desert-hawk"),
    ("Loitering munition", None),
    ("Counter-Unmanned Aerial System", None),
    ("Mi-17", "mi-17"),
    ("Mi-24 attack helicopter", "mi-24"),
    ("MiG-29 spare part ", None),
    ("Helicopter and spare parts (Latvia)", None),
    ("5.56 mm, 23 mm firearms for the ZU-23-2 cannon", None),
    ("Heavy weapon", None),
    ("Ammunition for heavy weapon", None),
    ("Portable defence system", None),
]


@pytest.mark.parametrize(("name", "key"), KIEL)
def test_resolves_kiel_item_names(name: str, key: str | None) -> None:
    assert CATALOG.resolve(name) == key


# --- resolution: properties -----------------------------------------------------------------

_PIECE = re.compile(r"[^\W\d_]+|\d+|[\W_]+")
_SEPARATORS = [" ", "  ", "-", " - ", "/", "_", "."]


@st.composite
def respelled(draw: st.DrawFn, text: str) -> str:
    """*text* in random letter case, with other separators between its words, or none where
    letters meet digits ("MIM-104" -> "mim104", "M142" -> "m-142")."""
    pieces = _PIECE.findall(text)
    out = [draw(st.sampled_from(["", " ", "  "]))]
    for number, piece in enumerate(pieces):
        before = pieces[number - 1] if number else ""
        after = pieces[number + 1] if number + 1 < len(pieces) else ""
        if piece[0].isalnum():
            if before[-1:].isalpha() and piece[0].isdigit():
                out.append(draw(st.sampled_from(["", "", "-", " "])))
            out.append("".join(c.upper() if draw(st.booleans()) else c.lower() for c in piece))
        elif before[-1:].isalpha() != after[:1].isalpha() and before and after:
            out.append(draw(st.sampled_from(["", *_SEPARATORS])))
        else:
            out.append(draw(st.sampled_from(_SEPARATORS)))
    out.append(draw(st.sampled_from(["", " ", "  "])))
    return "".join(out)


spellings = st.sampled_from(SPELLINGS)


@given(spellings.flatmap(lambda pair: st.tuples(respelled(pair[0]), st.just(pair[1]))))
def test_every_key_name_and_alias_resolves_to_its_system_however_written(
    spelled: tuple[str, str],
) -> None:
    name, key = spelled
    assert CATALOG.resolve(name) == key


def test_every_key_name_and_alias_resolves_to_its_system() -> None:
    for text, key in SPELLINGS:
        plural = [f"{text}s"] if re.search(r"[^\W\d_]{2,}$|\d$", text) else []
        for variant in (text, text.upper(), text.lower(), f"  {text}  ", *plural):
            assert CATALOG.resolve(variant) == key, variant


ACCESSORIES = [
    "ammunition for {}",
    "{} ammunition",
    "{} ammo",
    "spare barrels for {}",
    "{} spare parts",
    "rounds for {}",
    "training on {}",
    "{} maintenance",
    "{} (repair)",
    "repair of {}",
    "replacement barrels for {}",
    "{} armament",
]


def test_accessories_of_any_system_are_not_the_system() -> None:
    for text, key in SPELLINGS:
        for pattern in ACCESSORIES:
            name = pattern.format(text)
            assert CATALOG.resolve(name) != key, name


def test_missiles_of_a_platform_are_not_the_platform_but_a_munition_is_its_missiles() -> None:
    for text, key in SPELLINGS:
        for word in ("missiles", "rockets"):
            name = f"{text} {word}"
            assert (CATALOG.resolve(name) == key) is CATALOG[key].munition, name


@given(spellings, st.sampled_from(ACCESSORIES), st.data())
def test_accessory_phrases_never_resolve_to_the_system(
    spelling: tuple[str, str], pattern: str, data: st.DataObject
) -> None:
    text, key = spelling
    name = pattern.format(data.draw(respelled(text)))
    assert CATALOG.resolve(name) != key


@given(spellings, spellings, st.sampled_from([" and ", ", ", " & ", " + ", " or "]))
def test_two_systems_are_ambiguous(
    first: tuple[str, str], second: tuple[str, str], joint: str
) -> None:
    if first[1] != second[1]:
        assert CATALOG.resolve(first[0] + joint + second[0]) is None


names = st.one_of(
    st.text(max_size=30),
    spellings.map(lambda pair: pair[0]),
    st.sampled_from([name for name, _ in SPELLED + KIEL] + NOT_A_SYSTEM),
)


@given(names)
def test_resolve_does_not_depend_on_letter_case(name: str) -> None:
    expected = CATALOG.resolve(name)
    for variant in (name.upper(), name.lower(), name.swapcase(), name.title()):
        assert CATALOG.resolve(variant) == expected, variant


@given(names)
def test_resolve_returns_a_key_of_the_catalog_or_none(name: str) -> None:
    key = CATALOG.resolve(name)
    assert key is None or key in CATALOG
