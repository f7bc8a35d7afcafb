"""The O(n log n) greedy kernel gives the matches of the O(n^2) greedy rule, ties included."""

from __future__ import annotations

import numpy as np
import pytest

from outcomelab.matching.nearest import greedy_mahalanobis, greedy_scalar


def brute_force(t_score, c_score, order, ratio, caliper, replace, t_index, c_index):
    """MatchIt's greedy rule as its matrix code path runs it, by full search: the nearest
    available comparison unit inside the caliper; on an equal distance the smallest id
    (``which.min`` over the columns in id order). Distances within 1e-10 times the scores'
    magnitude are equal (on this grid equidistant scores differ only by rounding)."""
    n1 = len(t_score)
    mm = np.full((n1, ratio), -1)
    used = np.zeros(len(c_score), bool)
    cal = np.inf if caliper is None else caliper
    for r in range(ratio):
        for i in order:
            if r > 0 and mm[i, r - 1] < 0:
                continue
            free = [
                j for j in range(len(c_score))
                if not ((not replace and used[j]) or (replace and j in mm[i, :r]))
                and abs(c_score[j] - t_score[i]) <= cal
            ]  # fmt: skip
            best = -1
            if free:
                dist = {j: abs(c_score[j] - t_score[i]) for j in free}
                dmin = min(dist.values())
                scale = 1e-10 * max(abs(t_score[i]), *(abs(c_score[j]) for j in free))
                best = min((j for j in free if dist[j] <= dmin + scale), key=lambda j: c_index[j])
            if best >= 0:
                mm[i, r] = best
                used[best] = True
    return mm


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    ("ratio", "replace", "caliper"),
    [(1, False, None), (2, False, None), (1, False, 0.15), (3, True, None), (2, True, 0.2)],
)
def test_kernel_equals_quadratic_rule_with_ties(seed, ratio, replace, caliper):
    rng = np.random.default_rng(seed)
    n1, n0 = 40, 90
    # few distinct values -> many exact ties in score and in distance
    t_score = rng.integers(0, 25, n1) / 20
    c_score = rng.integers(0, 25, n0) / 20
    rows = rng.permutation(n1 + n0)
    t_index, c_index = rows[:n1], rows[n1:]
    order = np.argsort(-t_score, kind="stable")
    ours = greedy_scalar(
        t_score, c_score, order=order, ratio=ratio, caliper=caliper, replace=replace,
        t_index=t_index, c_index=c_index,
    )  # fmt: skip
    ref = brute_force(t_score, c_score, order, ratio, caliper, replace, t_index, c_index)
    np.testing.assert_array_equal(ours, ref)


def test_kernel_equals_quadratic_rule_continuous_scores():
    rng = np.random.default_rng(11)
    t_score, c_score = rng.normal(0.5, 1, 150), rng.normal(0, 1, 400)
    order = rng.permutation(150)
    ours = greedy_scalar(t_score, c_score, order=order, ratio=2, caliper=0.3)
    ref = brute_force(t_score, c_score, order, 2, 0.3, False, np.arange(150), np.arange(150, 550))
    np.testing.assert_array_equal(ours, ref)


def test_without_replacement_each_control_used_once_and_caliper_respected():
    rng = np.random.default_rng(3)
    t_score, c_score = rng.random(300), rng.random(500)
    mm = greedy_scalar(t_score, c_score, order=np.arange(300), ratio=1, caliper=0.01)
    got = mm[mm >= 0]
    assert len(got) == len(np.unique(got))
    assert np.all(np.abs(t_score[mm[:, 0] >= 0] - c_score[got]) <= 0.01)


def test_mahalanobis_kernel_picks_first_nearest_in_data_order():
    Xt = np.array([[0.0, 0.0], [1.0, 1.0]])
    Xc = np.array([[0.5, 0.5], [-0.5, -0.5], [1.0, 1.0], [0.0, 0.0]])
    mm = greedy_mahalanobis(Xt, Xc, order=np.array([0, 1]), ratio=2)
    # treated 0: nearest is Xc[3] (distance 0), then Xc[0] and Xc[1] tie -> first in data order
    np.testing.assert_array_equal(mm, [[3, 0], [2, 1]])


def test_same_group_neighbour_is_the_nearest_other_unit():
    """The conditional-variance neighbour (scipy cKDTree in 2+ dimensions, sorted scan in 1)
    equals a brute-force search."""
    from outcomelab.matching.variance import _same_group_neighbour

    rng = np.random.default_rng(4)
    for q in (1, 3):
        Z = rng.normal(size=(300, q))
        d = np.linalg.norm(Z[:, None, :] - Z[None, :, :], axis=2)
        np.fill_diagonal(d, np.inf)
        np.testing.assert_array_equal(_same_group_neighbour(Z), d.argmin(axis=1))


def test_scores_equal_to_a_relative_1e10_are_tied():
    """Tied scores perturbed by a relative 1e-13 (two logit fits' disagreement) give the matches of
    the exact ties; scores 1e-8 apart stay distinct."""
    from outcomelab.matching.ties import merge_near_ties

    rng = np.random.default_rng(8)
    t_score = rng.integers(1, 25, 40) / 20
    c_score = rng.integers(1, 25, 90) / 20
    order = np.argsort(-t_score, kind="stable")
    exact = greedy_scalar(t_score, c_score, order=order, ratio=2)
    noisy_t = t_score * (1 + 1e-13 * rng.standard_normal(40))
    noisy_c = c_score * (1 + 1e-13 * rng.standard_normal(90))
    noisy = greedy_scalar(noisy_t, noisy_c, order=order, ratio=2)
    np.testing.assert_array_equal(noisy, exact)
    assert merge_near_ties(np.array([1.0, 1.0 + 1e-11, 1.0 + 1e-8])).tolist() == [
        1.0,
        1.0,
        1.0 + 1e-8,
    ]
    # runs are anchored at their first value: a chain of small steps does not merge far values
    chain = 1.0 + np.arange(5) * 0.6e-10
    assert merge_near_ties(chain).tolist() == [chain[0], chain[0], chain[2], chain[2], chain[4]]


@pytest.mark.parametrize("seed", range(4))
def test_one_sort_gives_the_stable_lexsort_order(seed):
    """insertion_positions sorts once (any order among equal scores) and reorders each run of
    equal merged scores by id: the result is the stable lexsort by (merged score, id)."""
    from outcomelab.matching.nearest import insertion_positions
    from outcomelab.matching.ties import merge_near_ties

    rng = np.random.default_rng(seed)
    n1, n0 = 300, 900
    t_score = rng.integers(0, 40, n1) / 7 * (1 + 1e-13 * rng.standard_normal(n1))
    c_score = rng.integers(0, 40, n0) / 7 * (1 + 1e-13 * rng.standard_normal(n0))
    ids = rng.integers(0, 200, n1 + n0)  # repeated ids too: then treated first, in input order
    t_merged, c_order, c_sorted, t_pos = insertion_positions(t_score, c_score, ids[:n1], ids[n1:])
    merged = merge_near_ties(np.concatenate([t_score, c_score]))
    joint = np.lexsort((ids, merged))
    is_c = joint >= n1
    np.testing.assert_array_equal(t_merged, merged[:n1])
    np.testing.assert_array_equal(c_order, joint[is_c] - n1)
    np.testing.assert_array_equal(c_sorted, merged[n1:][c_order])
    expected_pos = np.empty(n1, dtype=np.int64)
    expected_pos[joint[~is_c]] = (np.cumsum(is_c) - is_c)[~is_c]
    np.testing.assert_array_equal(t_pos, expected_pos)
