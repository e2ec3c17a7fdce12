"""Site profiles: lines that repeat across many pages of one site are that site's chrome.

A batch often holds many pages of one site: the same menu, footer and sidebar lines on
every page, worded as no general rule could know. Counting on how many pages of a site
each line occurs finds them:

* ``cleanpipe learn`` writes them as ordinary chrome rules (``kind: phrase``, scoped
  with ``hosts``) that a person can read, edit and commit;
* ``cleanpipe run --learn`` learns them on the fly: a first pass counts, a second
  cleans with what was learned.

Pages are grouped by the host of their url, else by their folder. Memory stays bounded:
only lines up to ``max_line_chars`` are counted, by a 32-bit hash of their phrase key
(case, white space and framing ignored, as phrase rules compare), and each site keeps
at most ``max_entries`` counters.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cleanpipe.document import Document
from cleanpipe.stages.chrome import Chrome, ChromeRule, line_hash, page_host, phrase_key


def site_of(source: str, url: str | None = None, host: str | None = None) -> str:
    """The group a page belongs to: ``host`` if given, the url's host, else its folder."""
    if host:
        return host
    found = page_host(url)
    if found:
        return found
    folder = os.path.dirname(source)
    return f"folder:{folder or '.'}"


@dataclass
class RepeatCounter:
    """How many pages of each site hold each short line, in bounded memory."""

    max_line_chars: int = 300
    max_entries: int = 50_000
    pages: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def add(self, site: str, text: str) -> None:
        """Count the distinct short lines of one page of ``site``."""
        self.pages[site] = self.pages.get(site, 0) + 1
        counts = self.counts.setdefault(site, {})
        seen = {h for ln in text.split("\n")
                if 0 < len(ln) <= self.max_line_chars and (h := line_hash(ln)) is not None}
        for h in seen:
            n = counts.get(h)
            if n is not None:
                counts[h] = n + 1
            elif len(counts) < self.max_entries:
                counts[h] = 1
        if len(counts) >= self.max_entries:
            # lines seen on one page only cannot be a site's chrome yet: make room
            for h in [h for h, n in counts.items() if n == 1]:
                del counts[h]

    def learned(self, min_pages: int = 3, min_share: float = 0.5) -> dict[str, frozenset[int]]:
        """Per site with at least ``min_pages`` pages: the hashes of the lines found on at
        least ``max(min_pages, min_share * pages)`` of them."""
        out = {}
        for site, counts in self.counts.items():
            pages = self.pages[site]
            if pages < min_pages:
                continue
            need = max(min_pages, min_share * pages)
            found = frozenset(h for h, n in counts.items() if n >= need)
            if found:
                out[site] = found
        return out


@dataclass(frozen=True)
class SiteProfile:
    """The learned chrome lines of one site, as they were first seen."""

    site: str
    pages: int
    lines: tuple[str, ...]

    @property
    def host(self) -> str | None:
        return None if self.site.startswith("folder:") else self.site

    def rule(self, host: str | None = None) -> ChromeRule:
        """An ordinary phrase rule; scoped to the site's host when it is known."""
        host = host or self.host
        name = host or os.path.basename(self.site[len("folder:"):].rstrip("/")) or "site"
        rule_id = "site-" + "-".join(part for part in _slug(name).split("-") if part)
        return ChromeRule(
            id=rule_id, kind="phrase", pattern=self.lines, where="anywhere",
            hosts=(host,) if host else (),
            description=f"Lines repeated across the {self.pages} pages of {self.label(host)}"
            " (learned by cleanpipe learn).")

    def label(self, host: str | None = None) -> str:
        """The site as a person would name it."""
        host = host or self.host
        return host or "the folder " + self.site[len("folder:"):]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())


def collect_lines(pages: Iterable[tuple[str, str]], learned: Mapping[str, frozenset[int]],
                  skip: Iterable[str] = ()) -> dict[str, list[str]]:
    """Second pass for ``learn``: the text of each learned line, as first seen.

    ``pages`` yields ``(site, text)``; lines whose phrase key is in ``skip`` (lines the
    default rules already remove) are left out of the profile.
    """
    skipped = set(skip)
    out: dict[str, dict[int, str]] = {}
    for site, text in pages:
        wanted = learned.get(site)
        if not wanted:
            continue
        found = out.setdefault(site, {})
        for ln in text.split("\n"):
            line = ln.strip()
            h = line_hash(line) if line else None
            if h is not None and h in wanted and h not in found \
                    and phrase_key(line) not in skipped:
                found[h] = line
    return {site: list(lines.values()) for site, lines in out.items()}


def profiles_yaml(profiles: Iterable[SiteProfile], min_pages: int, min_share: float,
                  host: str | None = None) -> str:
    """The rules file ``cleanpipe learn`` writes: commented, one rule per site."""
    import json

    out = [
        "# Site profile learned by `cleanpipe learn`: lines that occur on at least",
        f"# max({min_pages}, {min_share} x pages) of the pages of one site. Review it: delete",
        "# a line that is part of the articles, then use it with `cleanpipe run --rules`.",
        "stage: chrome",
        "rules:",
    ]
    count = 0
    for profile in profiles:
        if not profile.lines:
            continue
        count += 1
        rule = profile.rule(host)
        if not rule.hosts:
            out.append(f"  # {profile.label()}: the pages had no url and no --host was given,")
            out.append("  # so this rule applies to every page; add 'hosts: [HOST]' to scope it.")
        out.append(f"  - id: {rule.id}")
        out.append("    kind: phrase")
        out.append("    where: anywhere")
        if rule.hosts:
            out.append(f"    hosts: [{', '.join(json.dumps(h) for h in rule.hosts)}]")
        out.append(f"    description: {json.dumps(rule.description, ensure_ascii=False)}")
        out.append("    pattern:")
        out.extend(f"      - {json.dumps(line, ensure_ascii=False)}" for line in rule.pattern)
    if not count:
        out[-1] = "rules: []   # no line repeats often enough"
    return "\n".join(out) + "\n"


def chrome_input(pipeline: Any, data: bytes | str, source: str,
                 metadata: Mapping[str, Any] | None = None) -> Document | None:
    """The document as the chrome stage would receive it (``None`` if a stage fails)."""
    doc = (Document(source=source, text=data, metadata=dict(metadata or {}))
           if isinstance(data, str) else
           Document(source=source, raw=data, metadata=dict(metadata or {})))
    try:
        for stage in pipeline.stages:
            if stage.name == "chrome":
                break
            doc = stage(doc)
    except Exception:  # noqa: BLE001 - a page that fails is not counted, it fails later
        return None
    return doc


def count_repeats(pipeline: Any, items: Iterable[tuple[str, bytes | str, Mapping[str, Any]]],
                  host: str | None = None, counter: RepeatCounter | None = None
                  ) -> RepeatCounter:
    """First pass: count the repeated lines of ``(source, data, metadata)`` items."""
    counter = counter or RepeatCounter()
    for source, data, meta in items:
        doc = chrome_input(pipeline, data, source, meta)
        if doc is not None:
            counter.add(site_of(source, doc.metadata.get("url"), host), doc.text)
    return counter


def use_profiles(pipeline: Any, profiles: Mapping[str, frozenset[int]]) -> None:
    """Let the pipeline's chrome stage remove the learned lines of each site."""
    for stage in pipeline.stages:
        if isinstance(stage, Chrome):
            stage.site_profiles = dict(profiles)
