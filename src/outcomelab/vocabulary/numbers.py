"""Numbers as a reader sees them, per language: decimals, counts, p-values, levels and effects.

The one place numbers are written for people. Swedish uses a decimal comma and a no-break space
between thousands; both languages use a real minus sign (U+2212). Effects are written per outcome
kind (:func:`effect_scale`, :func:`effect_decimals`, :func:`format_effect`): shares per 100
participants, kronor whole, other kinds to the scale of their interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from outcomelab.vocabulary.kinds import Kind
from outcomelab.vocabulary.texts import t

__all__ = [
    "MINUS",
    "ShownEffect",
    "effect_decimals",
    "effect_scale",
    "fmt_cell",
    "fmt_int",
    "fmt_money",
    "fmt_num",
    "fmt_p",
    "fmt_p_relation",
    "fmt_pct",
    "format_effect",
    "format_interval",
    "show_effect",
]

MINUS = "\u2212"
_NBSP = "\u00a0"
#: the fewest decimals an effect of each kind is shown with (shares are per 100, kronor whole)
_MIN_DECIMALS: dict[str, int] = {
    "rate": 1,
    "count": 1,
    "days": 1,
    "amount_sek": 0,
    "time_to_event": 1,
    "continuous": 0,
}
_MAX_DECIMALS = 4


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def fmt_num(x: float | None, lang: str, decimals: int = 1) -> str:
    """``x`` with ``decimals`` decimals, a decimal comma in Swedish and a real minus sign.

    Examples
    --------
    >>> fmt_num(-1234.56, "sv", 1)
    '−1\\xa0234,6'
    >>> fmt_num(None, "en")
    '–'
    """
    if _missing(x):
        return "–"
    r = round(float(x), decimals) + 0.0  # type: ignore[arg-type]
    text = f"{abs(r):,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", _NBSP).replace(".", ",")
    return (MINUS + text) if r < 0 else text


def fmt_int(n: int | None, lang: str) -> str:
    """A count with a thousands separator (a no-break space in Swedish, a comma in English).

    Examples
    --------
    >>> fmt_int(12345, "en")
    '12,345'
    """
    if n is None:
        return "–"
    return f"{n:,}".replace(",", _NBSP) if lang == "sv" else f"{n:,}"


def fmt_p(p: float | None, lang: str) -> str:
    """A p-value: three decimals, ``< 0.001`` for smaller ones.

    Examples
    --------
    >>> fmt_p(0.0456, "sv"), fmt_p(0.00001, "en")
    ('0,046', '< 0.001')
    """
    if _missing(p):
        return "–"
    if p < 0.001:  # type: ignore[operator]
        return "< 0,001" if lang == "sv" else "< 0.001"
    return fmt_num(p, lang, 3)


def fmt_p_relation(p: float | None, lang: str) -> str:
    """A p-value as it follows the letter p in a sentence: ``= 0,046`` or ``< 0,001``.

    Never "p = < 0,001" nor "p = 0,000": a sentence writes ``p {p}`` with this value.

    Examples
    --------
    >>> fmt_p_relation(0.0456, "sv"), fmt_p_relation(0.00001, "en")
    ('= 0,046', '< 0.001')
    """
    shown = fmt_p(p, lang)
    return shown if shown.startswith("<") else f"= {shown}"


def fmt_pct(x: float, lang: str) -> str:
    """A level such as 95 (from ``1 - alpha``) without decimals where whole.

    Examples
    --------
    >>> fmt_pct(0.95, "sv"), fmt_pct(0.975, "sv")
    ('95', '97,5')
    """
    value = 100 * x
    return str(round(value)) if abs(value - round(value)) < 1e-9 else fmt_num(value, lang, 1)


def fmt_cell(value: object, lang: str) -> str:
    """A table cell: a number with separators (whole numbers without decimals, others with two),
    text as it is, a missing value as a dash.

    Examples
    --------
    >>> fmt_cell(1234567.0, "sv"), fmt_cell(0.25, "en"), fmt_cell("SIB", "en"), fmt_cell(None, "sv")
    ('1\xa0234\xa0567', '0.25', 'SIB', '–')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–" if value is None else str(value)
    if not math.isfinite(value):
        return "–"
    return fmt_num(value, lang, 0 if float(value).is_integer() else 2)


def fmt_money(value: float | None, lang: str) -> str:
    """An amount in whole kronor with its unit: ``1 234 kr`` in Swedish, ``1,234 SEK`` in English.

    Examples
    --------
    >>> fmt_money(1234.4, "sv"), fmt_money(-5e6, "en")
    ('1\xa0234 kr', '−5,000,000 SEK')
    """
    if _missing(value):
        return "–"
    return f"{fmt_num(value, lang, 0)} {t('unit_amount_sek', lang)}"


def effect_scale(kind: Kind | str) -> float:
    """What an effect of ``kind`` is multiplied by for the reader: 100 for shares (per 100)."""
    return 100.0 if kind == "rate" else 1.0


def effect_decimals(kind: Kind | str, half_width: float | None = None) -> int:
    """Decimals for an effect of ``kind`` whose interval has ``half_width`` (in shown units).

    Two significant digits of the interval's half-width, at least the kind's minimum (one
    decimal per 100 for shares and for days, whole kronor) and at most four: an effect of 0.019
    on a log rate with an interval of ±0.05 is shown as 0.019, not 0.0.

    Examples
    --------
    >>> effect_decimals("rate", 5.0), effect_decimals("continuous", 0.05)
    (1, 3)
    >>> effect_decimals("amount_sek", 0.3), effect_decimals("continuous", 40.0)
    (0, 0)
    """
    low = _MIN_DECIMALS.get(str(kind), 1)
    if kind == "amount_sek":
        return 0
    if half_width is None or not math.isfinite(half_width) or half_width <= 0:
        return 2 if kind == "continuous" else low  # no interval: two decimals for any real value
    wanted = 1 - math.floor(math.log10(half_width))
    return min(max(wanted, low), _MAX_DECIMALS)


@dataclass(frozen=True)
class ShownEffect:
    """An effect and its interval as the reader sees them (one scale, one number of decimals)."""

    estimate: str
    low: str
    high: str

    @property
    def interval(self) -> str:
        """``low – high``, or a dash when there is no interval."""
        return "–" if self.low == "–" else f"{self.low} – {self.high}"


def show_effect(
    estimate: float | None,
    conf_low: float | None,
    conf_high: float | None,
    kind: Kind | str,
    lang: str,
) -> ShownEffect:
    """An effect and its interval in the reader's units (per 100 for shares), rounded to the
    scale of the interval (:func:`effect_decimals`).

    Examples
    --------
    >>> show_effect(0.081, 0.031, 0.131, "rate", "sv")
    ShownEffect(estimate='8,1', low='3,1', high='13,1')
    >>> show_effect(0.019, -0.031, 0.069, "continuous", "en").estimate
    '0.019'
    """
    scale = effect_scale(kind)
    decimals = effect_decimals(kind, _half_width(conf_low, conf_high, scale))

    def shown(x: float | None) -> str:
        return "–" if _missing(x) else fmt_num(float(x) * scale, lang, decimals)  # type: ignore[arg-type]

    interval = not (_missing(conf_low) or _missing(conf_high))
    return ShownEffect(
        shown(estimate),
        shown(conf_low) if interval else "–",
        shown(conf_high) if interval else "–",
    )


def format_effect(
    estimate: float | None,
    kind: Kind | str,
    lang: str,
    *,
    conf_low: float | None = None,
    conf_high: float | None = None,
) -> str:
    """The effect alone as :func:`show_effect` shows it."""
    return show_effect(estimate, conf_low, conf_high, kind, lang).estimate


def format_interval(
    conf_low: float | None, conf_high: float | None, kind: Kind | str, lang: str
) -> tuple[str, str]:
    """The two ends of an effect's interval as :func:`show_effect` shows them."""
    shown = show_effect(None, conf_low, conf_high, kind, lang)
    return shown.low, shown.high


def _half_width(low: float | None, high: float | None, scale: float) -> float | None:
    if _missing(low) or _missing(high):
        return None
    return abs(float(high) - float(low)) * scale / 2  # type: ignore[arg-type]
