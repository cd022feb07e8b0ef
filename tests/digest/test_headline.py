"""The reaction in a digest's headline: one reaction named "mostly" or "leads" only when it is
ahead of every other; a shared lead is called a tie."""

from __future__ import annotations

import pytest

from bot.digest.contents import Totals
from bot.digest.headline import reaction_phrase

ORDER = ("demand", "frustration", "optimism", "skepticism", "defeatism")


def totals(**counts: int) -> Totals:
    categories = {name: counts.get(name, 0) for name in ORDER}
    return Totals(
        seen=0, requests=sum(categories.values()), mean_compound=0.0, categories=categories
    )


@pytest.mark.parametrize(
    ("counts", "phrase"),
    [
        ({}, None),
        ({"optimism": 1}, "mostly optimism"),
        ({"optimism": 2, "skepticism": 1}, "mostly optimism"),
        ({"optimism": 2, "demand": 1, "frustration": 1, "skepticism": 1}, "mostly optimism"),
        ({"optimism": 2, **{name: 1 for name in ORDER if name != "optimism"}}, "optimism leads"),
        ({"optimism": 1, "skepticism": 1}, "optimism and skepticism tied"),
        ({"skepticism": 3, "optimism": 3, "demand": 1}, "optimism and skepticism tied"),
        ({"demand": 1, "frustration": 1, "optimism": 1}, "demands, frustration and optimism tied"),
        (
            {name: 2 for name in ORDER},
            "demands, frustration, optimism, skepticism and defeatism tied",
        ),
    ],
)
def test_a_shared_lead_is_a_tie_never_mostly(counts: dict[str, int], phrase: str | None) -> None:
    assert reaction_phrase(totals(**counts)) == phrase
