"""Which grassroots union a ledger means: 名州镇工会, 名州镇, 绥德县名州镇总工会 and 名州镇總工會 all name
名州镇总工会. Names are compared by their core — simplified, without the county's name in front and without
总工会 / 工会委员会 / 工会 behind — and a core that fits exactly one union is a match, said to the
caseworker to confirm (a different union is chosen in the value map)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assist_desktop.services.ledger import cells

_TAIL = re.compile(r"(?:工会联合会|总工会|工会委员会|工会工作委员会|联合工会|工会|委员会)$")


def core(name: str, county: str = "") -> str:
    text = cells.simplified(cells.compact_text(name))
    text = text.replace("（", "(").replace("）", ")")
    for prefix in (county, county.removesuffix("总工会")):
        if prefix and text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
    while True:
        stripped = _TAIL.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    return text


@dataclass(frozen=True)
class UnionMatch:
    unit_id: str
    name: str
    exact: bool  # the ledger wrote the union's own name


class UnionMatcher:
    def __init__(self, unions: list[tuple[str, str]], county_name: str) -> None:
        """``unions``: (id, name) of this unit's grassroots unions; ``county_name``: 绥德县总工会."""
        self.county = cells.compact_text(county_name)
        self.by_name = {cells.compact_text(n): (i, n) for i, n in unions}
        self.by_id = {i: n for i, n in unions}
        cores: dict[str, list[tuple[str, str]]] = {}
        for unit_id, name in unions:
            cores.setdefault(core(name, self.county), []).append((unit_id, name))
        self.cores = cores
        self._seen: dict[str, UnionMatch | None] = {}

    def find(self, text: str, value_map: dict[str, str] | None = None) -> UnionMatch | None:
        if not value_map:
            if text not in self._seen:  # a ledger names the same few unions thousands of times
                self._seen[text] = self._find(text, None)
            return self._seen[text]
        return self._find(text, value_map)

    def _find(self, text: str, value_map: dict[str, str] | None) -> UnionMatch | None:
        word = cells.compact_text(text)
        if not word:
            return None
        chosen = (value_map or {}).get(cells.simplified(word)) or (value_map or {}).get(word)
        if chosen:
            if chosen in self.by_id:
                return UnionMatch(chosen, self.by_id[chosen], True)
            named = self.by_name.get(cells.compact_text(chosen))
            if named:
                return UnionMatch(named[0], named[1], True)
        if word in self.by_name:
            unit_id, name = self.by_name[word]
            return UnionMatch(unit_id, name, True)
        found = self.cores.get(core(word, self.county), [])
        if len(found) == 1:
            return UnionMatch(found[0][0], found[0][1], False)
        return None
