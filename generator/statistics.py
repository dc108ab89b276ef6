"""The catalogue in numbers: what the statistics page charts and ``procedures.json`` publishes.

Provinces report the share of procedures offered at online-service level 3–4 (Decree
42/2022/NĐ-CP: "một phần" and "toàn trình") against their digital-government targets, so
that share is computed here once, overall and per field, agency and tier, from the same
validated catalogue the pages come from. Plain data only, so the page and the open-data
export cannot disagree and the export needs no knowledge of the charts.
"""

from __future__ import annotations

from collections import defaultdict

from generator.levels import LEVELS
from generator.model import Catalogue
from generator.text import sort_key

ONLINE_LEVELS = (3, 4)


def share(part: int, whole: int) -> float | None:
    """A fraction rounded to 4 decimals: the same text in JSON on every run and platform."""
    return round(part / whole, 4) if whole else None


def figures(catalogue: Catalogue) -> dict:
    """Counts of the catalogue's procedures, JSON-able, in a deterministic order.

    The shape is published in ``procedures.json`` and must stay stable::

        {
          "total": 2642,                    # procedures in the catalogue
          "level_3_4": 1800,                # of them at online-service level 3 or 4
          "level_3_4_share": 0.6813,        # level_3_4 / total, 4 decimals; null when total is 0
          "by_level": [                     # always the four levels, 1 to 4
            {"level": 1, "name": "Cung cấp thông tin trực tuyến", "count": 12}, ...
          ],
          "by_field":  [GROUP, ...],        # groups with at least one procedure, largest first,
          "by_agency": [GROUP, ...],        # ties by Vietnamese name, then id
          "by_tier":   [GROUP, ...],
        }

    where GROUP is::

        {"id": "ho-tich", "name": "Hộ tịch", "count": 40,
         "levels": [3, 5, 20, 12],          # procedures at level 1, 2, 3, 4
         "level_3_4": 32, "level_3_4_share": 0.8}

    A procedure done at several tiers counts once in each, so ``by_tier`` counts may add up
    to more than ``total``; fields and agencies add up to exactly ``total``.
    """
    entries = [e.procedure for e in catalogue.entries]
    by_level = {n: 0 for n in LEVELS}
    members: dict[str, dict[str, list[int]]] = {kind: defaultdict(list) for kind in ("fields", "agencies", "tiers")}
    for p in entries:
        by_level[p.level] += 1
        members["fields"][p.field].append(p.level)
        members["agencies"][p.agency].append(p.level)
        for tier in dict.fromkeys(p.tiers):
            members["tiers"][tier].append(p.level)
    online = sum(by_level[n] for n in ONLINE_LEVELS)
    return {
        "total": len(entries),
        "level_3_4": online,
        "level_3_4_share": share(online, len(entries)),
        "by_level": [{"level": n, "name": LEVELS[n].name, "count": by_level[n]} for n in sorted(LEVELS)],
        "by_field": _groups(members["fields"], catalogue.fields),
        "by_agency": _groups(members["agencies"], catalogue.agencies),
        "by_tier": _groups(members["tiers"], catalogue.tiers),
    }


def _groups(members: dict[str, list[int]], registry: dict) -> list[dict]:
    rows = []
    for group_id, levels in members.items():
        counts = [levels.count(n) for n in sorted(LEVELS)]
        online = sum(levels.count(n) for n in ONLINE_LEVELS)
        rows.append({"id": group_id, "name": registry[group_id].name, "count": len(levels), "levels": counts,
                     "level_3_4": online, "level_3_4_share": share(online, len(levels))})
    return sorted(rows, key=lambda r: (-r["count"], sort_key(r["name"]), r["id"]))
