"""Who may see a BID's figures and export its incidents."""

from __future__ import annotations

from shopwatch.accounts.viewer import Viewer


def may_see_area_summary(viewer: Viewer, bid_id: int) -> bool:
    """The BID's managers, the police teams covering it and administrators; never shop staff."""
    return viewer.is_admin or bid_id in viewer.managed_bid_ids or bid_id in viewer.police_bid_ids
