"""HTML sections of the outcome-contract report (``templates/outcome_contract.ipynb``).

Each ``section_*`` function returns escaped HTML in the report language from a
:class:`~outcomelab.contracts.Settlement`; the template's cells only call them.
"""

from __future__ import annotations

from outcomelab._checks import Lang
from outcomelab.contracts import Settlement
from outcomelab.contracts.settlement import PAYMENT_COLUMNS
from outcomelab.vocabulary.numbers import fmt_cell, fmt_int, fmt_money, fmt_num
from outcomelab.vocabulary.texts import t
from outcomelab.webpage import Markup, bullets, heading, join, paragraph, table

__all__ = [
    "section_assumptions",
    "section_caps",
    "section_payments",
    "section_steps",
    "section_summary",
]


def section_summary(settlement: Settlement, lang: Lang) -> Markup:
    """The contract's name, participants, total payments, the investor's cap and the evaluation."""
    c = settlement.contract
    parts = [
        heading(t("ct_title", lang)),
        paragraph(c.name, strong=True),
    ]
    if c.description:
        parts.append(paragraph(c.description))
    total = t(
        "ct_total",
        lang,
        participants=fmt_int(c.participants, lang),
        total=fmt_money(settlement.total_sek, lang),
    )
    parts.append(paragraph(total))
    inv = c.investment
    if inv is not None:
        cap = t(
            "ct_investor_cap",
            lang,
            cap=fmt_money(inv.repayment_cap_sek, lang),
            principal=fmt_money(inv.principal_sek, lang),
            rate=fmt_num(100 * inv.max_return, lang, 0),
        )
        parts.append(paragraph(cap))
    if settlement.evaluation_id:
        parts.append(paragraph(t("ct_evaluation", lang, id=settlement.evaluation_id)))
    return join(*parts)


def section_assumptions(settlement: Settlement, lang: Lang) -> Markup:
    """What the contract file says is assumed rather than public fact, and its sources."""
    c = settlement.contract
    parts = []
    if c.assumptions:
        parts += [paragraph(t("ct_assumptions", lang)), bullets(c.assumptions)]
    if c.sources:
        parts.append(paragraph(t("ct_sources", lang) + " " + " ".join(c.sources)))
    return join(*parts)


def section_steps(settlement: Settlement, lang: Lang) -> Markup:
    """The calculation per metric: quantity, price, gross, caps and net, with a total row."""
    steps = settlement.steps_table(lang)
    rows = [[fmt_cell(v, lang) for v in row] for row in steps.to_numpy().tolist()]
    return join(
        heading(t("ct_steps", lang), 3),
        paragraph(t("ct_steps_intro", lang)),
        table([str(c) for c in steps.columns], rows),
    )


def section_caps(settlement: Settlement, lang: Lang) -> Markup:
    """Every cap: its limit, the amount before it, whether it binds and by how much."""
    header = [t(f"ct_c_{k}", lang) for k in ("cap", "limit", "before", "binding", "reduction")]
    rows = [
        [
            t(f"ct_cap_{r['cap']}", lang),
            fmt_cell(r["limit_sek"], lang),
            fmt_cell(r["amount_before_sek"], lang),
            t("yes" if r["binding"] else "no", lang),
            fmt_cell(r["reduction_sek"], lang),
        ]
        for r in settlement.caps.to_dict(orient="records")
    ]
    return join(heading(t("ct_caps", lang), 3), table(header, rows))


def section_payments(settlement: Settlement, lang: Lang) -> Markup:
    """The payment schedule (who pays whom how much, when) and the settlement's notes."""
    keys = ("period_start", "period_end", "metric", "payer", "recipient", "amount", "type")
    rows = []
    for r in settlement.payments.to_dict(orient="records"):
        row = [fmt_cell(r[c], lang) for c in PAYMENT_COLUMNS]
        row[-1] = t(f"ct_{r['type']}", lang)
        rows.append(row)
    notes = [paragraph(n, "ol-note") for n in settlement.notes_in(lang)]
    return join(
        heading(t("ct_payments", lang), 3),
        table([t(f"ct_c_{k}", lang) for k in keys], rows),
        *notes,
    )
