"""An estimator's own failure on a secondary outcome is said in the reader's language (issue 15).

The estimators raise English messages (for the caller); the report shows the reason with the
error's text key (``OutcomelabError(key=, values=)``) or a sentence for its kind, so a Swedish
report never shows an English estimator message.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomelab.errors import (
    EmptyGroupError,
    EstimationError,
    NoOverlapError,
    SingularDesignError,
)
from outcomelab.evaluation.estimates import failure_phrase
from outcomelab.vocabulary import lab_catalogue

EMPLOYMENT = lab_catalogue()["employment"]


def _no_comparison_cells() -> EmptyGroupError:
    """att_gt's own error when every unit starts in the same year (no comparison cells)."""
    from outcomelab.did import att_gt

    rng = np.random.default_rng(1)
    panel = pd.DataFrame(
        [(u, t, 2018, rng.random()) for u in range(20) for t in range(2015, 2021)],
        columns=["unit", "period", "cohort", "y"],
    )
    with pytest.warns(UserWarning), pytest.raises(EmptyGroupError) as caught:
        att_gt(panel, outcome="y", unit="unit", time="period", cohort="cohort")
    return caught.value


def test_an_estimators_own_error_is_said_in_swedish_and_english() -> None:
    err = _no_comparison_cells()
    assert err.key == "ne_no_comparison_cells" and "comparison units" in str(err)
    said = failure_phrase(err, EMPLOYMENT)
    assert said.text("sv") == (
        "För förvärvsarbete finns inga jämförelsepersoner under de år som skulle jämföras: "
        "alla som ingår har fått insatsen vid den tiden."
    )
    assert said.text("en").startswith("For employment there are no comparison persons")


@pytest.mark.parametrize(
    ("err", "swedish"),
    [
        (NoOverlapError("Propensity scores separate the groups."), "inga jämförbara personer"),
        (SingularDesignError("Columns x and z are collinear."), "hänger helt ihop"),
        (EmptyGroupError("Cohort 2019 has no rows."), "saknas jämförelsepersoner"),
        (EstimationError("The solver did not converge."), "kunde inte ge en tillförlitlig"),
    ],
)
def test_each_kind_of_failure_has_a_swedish_sentence(err: EstimationError, swedish: str) -> None:
    said = failure_phrase(err, EMPLOYMENT)
    assert said.text("sv").startswith(("För förvärvsarbete", "Metoden kunde inte"))
    assert swedish in said.text("sv")
    message = str(err).rstrip(".")
    if type(err) is EstimationError:
        # an error of no known kind: its English message is quoted, and said to be English
        assert f"(metodens felmeddelande, på engelska: {message})" in said.text("sv")
        assert f"({message})" in said.text("en")
    else:
        assert message not in said.text("sv") and message not in said.text("en")


def test_the_swedish_report_says_a_secondary_outcomes_estimator_failure_in_swedish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One secondary outcome's DiD estimator fails (its real error): the Swedish results
    section says why in Swedish, the English one in English; the rest is estimated."""
    from outcomelab.evaluation import estimates, run_evaluation
    from outcomelab.example import generate_example
    from outcomelab.reports.render import section_results

    generate_example(tmp_path, n_participants=120, n_pool=500, seed=11)
    failure = _no_comparison_cells()
    real = estimates.did_effects
    failing: list[str] = []

    def did_effects(panel, *, outcomes, **options):  # type: ignore[no-untyped-def]
        found = real(panel, outcomes=outcomes, **options)
        if not failing:  # the first secondary outcome's estimator fails with its real error
            failing.append(list(outcomes)[1])
        found[failing[0]] = failure
        return found

    monkeypatch.setattr(estimates, "did_effects", did_effects)
    ev = run_evaluation({"data_dir": str(tmp_path), "lang": "sv", "seed": 7, "design": "did"})
    code = failing[0]
    name = ev.setup.catalogue[code].name("sv").lower()
    record = next(r for r in ev.outcome_records() if r["code"] == code)
    assert record["estimate"] is None and record["verdict"] == "not_estimable"
    page = " ".join(str(section_results(ev)).split())
    assert (
        f"Effekten på {name} kunde inte skattas: För {name} finns inga jämförelsepersoner "
        "under de år som skulle jämföras"
    ) in page
    assert "comparison units" not in page and "No group-time cell" not in page
    english = " ".join(str(section_results(ev.in_language("en"))).split())
    assert "there are no comparison persons in the years to be compared" in english
    assert sum(r["estimate"] is not None for r in ev.outcome_records()) >= 2
