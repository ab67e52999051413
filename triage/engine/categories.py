"""The seven complaint categories the classifier predicts (keys and labels: :mod:`portal.categories`).

The table itself lives in :mod:`portal.categories`, a pure module shared with the portal, so the two can never
disagree; this module is the engine's view of it.
"""

from __future__ import annotations

from portal.categories import CATEGORIES, CATEGORY_KEYS, CategoryInfo, category_info, category_key

__all__ = ["CATEGORIES", "CATEGORY_KEYS", "CategoryInfo", "category_info", "category_key"]
