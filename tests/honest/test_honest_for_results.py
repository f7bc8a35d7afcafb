"""HonestDiD on outcomelab event studies: synthetic DiD results and the Result protocol."""

from __future__ import annotations

import json

import numpy as np
import pytest

from outcomelab.errors import InputError
from outcomelab.example.municipal import municipal_panel
from outcomelab.honest import honest_did, honest_did_for
from outcomelab.results.protocol import Result
from outcomelab.synth import synthdid


@pytest.fixture(scope="module")
def sdid_result():
    panel, _ = municipal_panel(n_treated=3, seed=21)
    return synthdid(
        panel,
        outcome="employment",
        unit="municipality",
        time="year",
        treatment="treated",
        replications=60,
        seed=4,
    )


def test_honest_did_for_sdid_uses_its_event_study(sdid_result) -> None:
    res = honest_did_for(sdid_result, m_values=[0, 1, 2], num_pre=5)
    es = sdid_result.event_study.set_index("event_time")
    assert res.estimate == pytest.approx(es.loc[0, "estimate"])
    assert res.std_error == pytest.approx(es.loc[0, "std_error"])
    assert res.num_pre == 5 and res.num_post == 6
    assert res.event_times == (-6.0, -5.0, -4.0, -3.0, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
    direct = honest_did(
        es.loc[[-6, -5, -4, -3, -2, 0, 1, 2, 3, 4, 5], "estimate"].to_numpy(),
        np.asarray(sdid_result.event_vcov)[
            np.ix_(
                [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
                [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
            )
        ],
        num_pre=5,
        num_post=6,
        m_values=[0, 1, 2],
    )
    np.testing.assert_allclose(res.table[["lb", "ub"]], direct.table[["lb", "ub"]])
    assert isinstance(res, Result)
    json.dumps(res.to_dict())


def test_later_post_period_and_bad_choices(sdid_result) -> None:
    res = honest_did_for(sdid_result, method="smoothness", post_period=2, m_values=[0, 0.005])
    es = sdid_result.event_study.set_index("event_time")
    assert res.estimate == pytest.approx(es.loc[2, "estimate"])
    with pytest.raises(InputError, match="post_period"):
        honest_did_for(sdid_result, post_period=9)
    with pytest.raises(InputError, match="covariance"):
        honest_did_for(object())


def test_results_follow_the_protocol(sdid_result) -> None:
    assert isinstance(sdid_result, Result)


def test_honest_did_for_first_post_periods_or_their_average() -> None:
    from types import SimpleNamespace

    import pandas as pd

    es = pd.DataFrame({"event_time": [-3, -2, 0, 1, 2], "estimate": [0.01, -0.01, 0.5, 0.6, 0.7]})
    cov = np.diag([0.01, 0.012, 0.02, 0.03, 0.04])
    result = SimpleNamespace(event_study=es, event_vcov=cov, alpha=0.05)
    # num_post=1: the first post period alone, as honest_did on the truncated event study
    first = honest_did_for(result, num_post=1, m_values=[0, 1])
    direct = honest_did(es["estimate"][:3], cov[:3, :3], num_pre=2, num_post=1, m_values=[0, 1])
    assert first.num_post == 1 and first.l_vec == (1.0,)
    pd.testing.assert_frame_equal(first.table, direct.table)
    # "average": theta is the mean of the post-period effects
    average = honest_did_for(result, post_period="average", method="smoothness", m_values=[0])
    assert average.l_vec == pytest.approx((1 / 3,) * 3)
    assert average.estimate == pytest.approx(0.6)
    assert average.std_error == pytest.approx(np.sqrt((0.02 + 0.03 + 0.04) / 9))
    with pytest.raises(InputError, match="'average' or between 0 and 2"):
        honest_did_for(result, post_period=3)
