"""Processes outcomelab owns skip jsonschema's slow IRI grammar; results.json is still checked."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _python(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return out.stdout.strip()


def test_the_iri_grammar_is_not_built_and_results_are_still_validated() -> None:
    printed = _python(
        "import sys\n"
        "from outcomelab.reports.startup import skip_iri_grammar\n"
        "skip_iri_grammar()\n"
        "import nbformat\n"
        "from outcomelab.errors import ReportError\n"
        "from outcomelab.reports.results_json import validate_results\n"
        "try:\n"
        "    validate_results({'schema_version': '1.0'})\n"
        "except ReportError as err:\n"
        "    print('refused:', str(err).splitlines()[0][:40])\n"
        "print('lark' in sys.modules, 'rfc3987_syntax' in sys.modules)\n"
    )
    refused, modules = printed.splitlines()
    assert refused.startswith("refused:")  # the schema check still runs and still refuses
    assert modules == "False True"  # marked absent: jsonschema never built the grammar


def test_too_late_when_jsonschema_has_its_formats_already() -> None:
    pytest.importorskip("rfc3987_syntax")
    printed = _python(
        "import sys, jsonschema\n"
        "from outcomelab.reports.startup import skip_iri_grammar\n"
        "skip_iri_grammar()\n"
        "print(sys.modules.get('rfc3987_syntax') is not None)\n"
    )
    assert printed == "True"  # imported on purpose before: left alone


def test_the_command_and_batch_workers_call_it() -> None:
    import inspect

    from outcomelab.batch import runner
    from outcomelab.cli import main

    assert "skip_iri_grammar()" in inspect.getsource(main.run)
    assert "initializer=skip_iri_grammar" in inspect.getsource(runner.run_batch)
