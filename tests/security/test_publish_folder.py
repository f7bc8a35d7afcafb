"""``publish --site DIR`` never deletes what outcomelab did not create.

Attack (issue 14): ``outcomelab publish EVALS --site DIR`` deleted DIR with everything in it, even
an unrelated folder and even when DIR was the parent of EVALS (exit 0, the evaluations gone).

Rule under test: the site is built in a fresh temporary sibling and swapped in; an existing DIR is
replaced only when it is empty or a site outcomelab built (its marker lists every file it wrote)
and holds nothing else. Anything else is refused before a byte is written, and a refused or failed
build leaves DIR (and every other folder) exactly as it was.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from outcomelab.errors import InputError
from outcomelab.publish import build_site
from outcomelab.publish.swap import MARKER


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def evals(tmp_path: Path, results_maker) -> Path:
    make_results, write_evaluation = results_maker
    root = tmp_path / "work" / "evaluations"
    write_evaluation(
        root,
        make_results(
            "INT-A",
            name="Vägen till arbete",
            organisation="Norrköping",
            code="0581",
            target_group="unemployed",
            estimate=0.08,
        ),
    )
    return root


def test_unrelated_folder_is_refused_and_kept(evals: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my documents"
    (mine / "letters").mkdir(parents=True)
    (mine / "letters" / "to the board.txt").write_text("do not lose me")
    (mine / "budget.xlsx").write_bytes(b"PK\x03\x04 not really")
    before = _snapshot(mine)
    with pytest.raises(InputError, match="did not create"):
        build_site(evals, mine)
    assert _snapshot(mine) == before


def test_parent_of_the_evaluations_is_refused(evals: Path) -> None:
    parent = evals.parent
    before = _snapshot(parent)
    with pytest.raises(InputError, match="must not be replaced"):
        build_site(evals, parent)
    assert _snapshot(parent) == before
    assert (evals / next(iter(os.listdir(evals))) / "results.json").is_file()


def test_cli_refuses_with_exit_one_and_keeps_the_folder(cli, evals: Path, tmp_path: Path) -> None:
    target = tmp_path / "keep"
    target.mkdir()
    (target / "notes.md").write_text("mine")
    code, _, err = cli("publish", str(evals), "--site", str(target))
    assert code == 1 and "did not create" in err and "Internal error" not in err
    assert (target / "notes.md").read_text() == "mine"


def test_a_site_of_ours_is_replaced_atomically(evals: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(evals, site)
    assert (site / MARKER).is_file()
    marker = json.loads((site / MARKER).read_text())
    assert "index.html" in marker["files"]
    (site / "en" / "index.html").write_text("stale")
    build_site(evals, site)
    assert (site / "en" / "index.html").read_text() != "stale"
    leftovers = [p.name for p in site.parent.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_without_an_atomic_exchange_the_old_site_is_moved_aside(
    evals: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import outcomelab.publish.swap as swap

    monkeypatch.setattr(swap, "_exchange", lambda a, b: False)
    site = tmp_path / "site"
    build_site(evals, site)
    (site / "en" / "index.html").write_text("stale")
    build_site(evals, site)
    assert (site / "en" / "index.html").read_text() != "stale"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]


def test_a_file_added_during_the_build_is_never_deleted(tmp_path: Path) -> None:
    from outcomelab.publish.swap import _remove_listed, replace_folder

    target = tmp_path / "out"
    replace_folder(target, lambda d: (d / "a.txt").write_text("1"))

    def build(staging: Path) -> None:
        (staging / "a.txt").write_text("2")
        (target / "late.txt").write_text("mine")  # dropped into the old folder meanwhile

    with pytest.raises(InputError, match=r"late\.txt"):
        replace_folder(target, build)
    assert (target / "late.txt").read_text() == "mine"
    assert (target / "a.txt").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    # and the removal of an old folder deletes only the files it lists
    (target / "sub").mkdir()
    (target / "sub" / "x.txt").write_text("x")
    _remove_listed(target, {"a.txt", "sub/x.txt", MARKER})
    assert sorted(p.name for p in target.rglob("*")) == ["late.txt"]


def test_a_site_of_ours_with_a_foreign_file_is_refused(evals: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(evals, site)
    (site / "en" / "my-notes.txt").write_text("added by hand")
    before = _snapshot(site)
    with pytest.raises(InputError, match=r"my-notes\.txt"):
        build_site(evals, site)
    assert _snapshot(site) == before


def test_evaluations_inside_an_old_site_are_refused(evals: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(evals, site)
    moved = site / "evaluations"
    evals.rename(moved)
    before = _snapshot(site)
    with pytest.raises(InputError):
        build_site(moved, site)
    assert _snapshot(site) == before


def test_empty_folder_and_new_folder_are_fine(evals: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(evals, empty)
    assert (empty / "index.html").is_file()
    build_site(evals, tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper" / "index.html").is_file()


def test_a_file_or_a_link_as_site_is_refused(evals: Path, tmp_path: Path) -> None:
    file = tmp_path / "site.html"
    file.write_text("mine")
    with pytest.raises(InputError, match="not a folder"):
        build_site(evals, file)
    assert file.read_text() == "mine"
    real = tmp_path / "real"
    build_site(evals, real)
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(InputError, match="link"):
        build_site(evals, link)
    assert link.is_symlink()


def test_a_user_folder_named_like_the_old_staging_folder_survives(
    evals: Path, tmp_path: Path
) -> None:
    # the old code removed <site>.building unconditionally before building
    sibling = tmp_path / "site.building"
    sibling.mkdir()
    (sibling / "draft.txt").write_text("mine")
    build_site(evals, tmp_path / "site")
    assert (sibling / "draft.txt").read_text() == "mine"


def test_a_failed_build_leaves_the_old_site_and_no_staging(
    evals: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import outcomelab.publish.site as site_module

    site = tmp_path / "site"
    build_site(evals, site)
    before = _snapshot(site)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(site_module, "_write_site", broken)
    with pytest.raises(OSError, match="disk full"):
        build_site(evals, site)
    assert _snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]
