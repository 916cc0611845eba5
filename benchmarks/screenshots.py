"""Look at the reports and charts as a reader does: in a real browser, on a screen and on
paper, in every language; write the pictures the docs show.

    apt-get install -y chromium        # Debian's; any Chromium or Chrome will do
    python benchmarks/screenshots.py [--out docs/_static] [--browser /usr/bin/chromium]

For each locale, the HTML report of the bundled ledger (as of 2023-01-05, in EUR at a
fixed rate) is opened in headless Chromium twice, 1280 px wide (a screen) and 680 px wide
(A4 less 15 mm margins at 96 dpi, as printed), and a script in the page measures every
table: one wider than its page fails the run (exit 1), naming the locale and the table.
Then it writes screenshots of the English and Ukrainian reports and two charts (value
over time, units per system) into ``--out`` (``report-en.png``, ``report-uk.png``,
``chart-money-en.png``, ``chart-units-en.png``). The test suite holds the same width by
construction (tests/test_report_honest.py); this is the check in a browser.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import aidledger
from aidledger._i18n import LOCALES
from aidledger.fx import RateTable

#: Widths to check, in CSS pixels: a 1280 px screen, and A4 printed (180 mm at 96 dpi).
WIDTHS = {"screen": 1280, "a4": 680}
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# Measures each table against the page's width and writes the result into the page.
_MEASURE = """
<script>
addEventListener("load", () => {
  const page = document.body.clientWidth;
  const tables = [...document.querySelectorAll("table")].map((t, n) => ({
    n, width: Math.ceil(t.getBoundingClientRect().width),
    heading: (t.previousElementSibling || {}).textContent || ""}));
  const out = document.createElement("pre");
  out.id = "widths";
  out.textContent = JSON.stringify({page, wide: tables.filter(t => t.width > page)});
  document.body.appendChild(out);
});
</script>
"""


def _summary() -> aidledger.Summary:
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    return aidledger.bundled().summarize(as_of="2023-01-05", currency="EUR", rates=rates)


def _chromium(browser: str, profile: Path, *arguments: str) -> str:
    done = subprocess.run(
        [browser, *_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def check_widths(browser: str, work: Path) -> list[str]:
    """Every table of every locale's report against each width; the problems found."""
    problems = []
    summary = _summary()
    for locale in LOCALES:
        for by in ("donor", "system"):
            page = work / f"report-{locale}-{by}.html"
            html = summary.render("html", locale, by=by)
            page.write_text(html.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
            for name, width in WIDTHS.items():
                dom = _chromium(
                    browser, work / "profile", f"--window-size={width},900", "--dump-dom",
                    page.as_uri(),
                )  # fmt: skip
                found = re.search(r'<pre id="widths">(.*?)</pre>', dom, re.DOTALL)
                if found is None:
                    problems.append(f"{locale} {by} {name}: the page was not measured")
                    continue
                result = json.loads(found.group(1).replace("&quot;", '"'))
                for table in result["wide"]:
                    problems.append(
                        f"{locale} {by} {name}: table {table['n']} ({table['heading']!r}) is "
                        f"{table['width']} px wide on a page of {result['page']} px"
                    )
                print(f"{locale:2} {by:6} {name:6} page {result['page']} px: "
                      f"{len(result['wide'])} tables too wide")  # fmt: skip
    return problems


def screenshots(browser: str, work: Path, out: Path) -> None:
    """The pictures the docs show."""
    out.mkdir(parents=True, exist_ok=True)
    summary = _summary()
    for locale in ("en", "uk"):
        page = work / f"shot-{locale}.html"
        page.write_text(summary.render("html", locale), encoding="utf-8")
        _chromium(
            browser, work / "profile", "--window-size=1280,1800",
            f"--screenshot={out / f'report-{locale}.png'}", page.as_uri(),
        )  # fmt: skip
    bundled = aidledger.bundled().summarize(as_of="2023-01-06")
    bundled.plot(out / "chart-money-en.png")
    bundled.plot(out / "chart-units-en.png", units=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/_static"))
    parser.add_argument("--browser", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        problems = check_widths(args.browser, work)
        screenshots(args.browser, work, args.out)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
