"""``outcomelab contract``: check an outcome-contract file and settle its payments."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from outcomelab.cli.main import HELP_MARKUP, app

contract_app = typer.Typer(
    rich_markup_mode=HELP_MARKUP,
    help="Outcome contracts: check a contract file, settle its outcome payments.",
    no_args_is_help=True,
)
app.add_typer(contract_app, name="contract")

EXPORTS = ("indigo",)


@contract_app.command("check")
def check_command(
    contract: Path = typer.Argument(..., help="The contract YAML file."),
) -> None:
    """Read a contract file and report whether it is valid (errors name the field and line)."""
    from outcomelab.contracts import load_contract

    c = load_contract(contract)
    typer.echo(
        f"{contract}: valid. {c.name}; {c.participants} participants; "
        f"{len(c.metrics)} outcome metric(s): "
        + ", ".join(f"{m.id} ({m.payment_rule})" for m in c.metrics)
        + "."
    )
    if c.investment is not None:
        typer.echo(
            f"Investor {c.investment.investor}: principal {c.investment.principal_sek:,.0f} SEK, "
            f"return at most {c.investment.max_return:.0%}, so at most "
            f"{c.investment.repayment_cap_sek:,.0f} SEK back."
        )


@contract_app.command("settle")
def settle_command(
    contract: Path = typer.Argument(..., help="The contract YAML file."),
    evaluation: Path | None = typer.Option(
        None, "--evaluation", help="Evaluation output folder holding results.json."
    ),
    verified: Path | None = typer.Option(
        None, "--verified", help="CSV metric_id,count of verified outcomes (rate-card metrics)."
    ),
    out: Path = typer.Option(Path("contract-settlement"), "--out", help="Folder to write to."),
    export: str | None = typer.Option(
        None, "--export", help="Also write the contract and results in a standard: indigo."
    ),
    payment_type: str = typer.Option(
        "planned", "--payment-type", help="planned (amounts due) or actual (amounts paid)."
    ),
    lang: str = typer.Option("sv", "--lang", help="Report language: sv or en."),
    report: bool = typer.Option(
        True, "--report/--no-report", help="Run the report section (templates/outcome_contract)."
    ),
) -> None:
    """Settle a contract: payment schedule (CSV), steps, settlement JSON and a report section."""
    from outcomelab._checks import check_choice
    from outcomelab.contracts import settle_files, to_indigo

    if export is not None:
        check_choice("--export", export, EXPORTS)
    check_choice("--payment-type", payment_type, ("planned", "actual"))
    check_choice("--lang", lang, ("sv", "en"))
    result = settle_files(contract, evaluation, verified, payment_type=payment_type)  # type: ignore[arg-type]
    c = result.contract
    out.mkdir(parents=True, exist_ok=True)
    result.payments.to_csv(out / "payment_schedule.csv", index=False)
    result.steps.to_csv(out / "settlement_steps.csv", index=False)
    (out / "settlement.json").write_text(
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    written = ["payment_schedule.csv", "settlement_steps.csv", "settlement.json"]
    if export == "indigo":
        (out / "indigo.json").write_text(
            json.dumps(to_indigo(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append("indigo.json")
    if report:
        written.extend(_report(contract, evaluation, verified, out, lang, payment_type))
    typer.echo(f"Outcome payments due under {c.name}: {result.total_sek:,.0f} SEK.")
    for note in result.notes:
        typer.echo(f"Note: {note}")
    typer.echo(f"Wrote {', '.join(written)} to {out}.")


def _report(
    contract: Path,
    evaluation: Path | None,
    verified: Path | None,
    out: Path,
    lang: str,
    payment_type: str,
) -> list[str]:
    """Run the outcome-contract report template and export it as HTML without code."""
    from outcomelab.reports.api import run_report
    from outcomelab.vocabulary.texts import t

    run_report(
        "contract",
        {
            "contract_path": str(contract.resolve()),
            "evaluation_dir": "" if evaluation is None else str(evaluation.resolve()),
            "verified_path": "" if verified is None else str(verified.resolve()),
            "payment_type": payment_type,
            "lang": lang,
        },
        notebook=out / "outcome_contract.ipynb",
        title=t("ct_title", lang),
        timeout=300,
    )
    return ["outcome_contract.ipynb", "outcome_contract.html"]
