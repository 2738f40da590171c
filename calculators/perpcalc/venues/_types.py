"""The shapes of the venue records and the vocabularies they share, defined once.

Every venue module (``perpcalc.venues.<key>``) builds one [`Venue`][perpcalc.venues.Venue]
from these records; the string vocabularies (side, contract, margin mode, funding method,
scaling, averaging, shortening, valuation, margin formula, ADL and mark-price methods) are
``Literal`` types here, with a tuple of their values beside each for choices and checks.

The fields are documented in the docstring of ``perpcalc.venues`` (the API reference shows it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, get_args

__all__ = [
    "ADL_METHODS",
    "AVERAGINGS",
    "CONTRACTS",
    "FUNDING_METHODS",
    "MARGIN_FORMULAS",
    "MARGIN_MODES",
    "MARK_METHODS",
    "SCALINGS",
    "SHORTENINGS",
    "SIDES",
    "VALUED_AT",
    "AdlMethod",
    "Averaging",
    "BorrowRule",
    "CapRule",
    "Contract",
    "Envelope",
    "ExportFormat",
    "FieldReader",
    "FundingFile",
    "FundingMethod",
    "FundingRules",
    "LossRule",
    "MarginFormula",
    "MarginMode",
    "MarginRule",
    "MarkMethod",
    "PaymentFile",
    "Scaling",
    "Shortening",
    "Side",
    "SizeMargin",
    "StageRule",
    "TierSchedule",
    "TierTable",
    "ValuedAt",
    "Venue",
]

# ----------------------------------------------------------------- vocabularies

Side = Literal["long", "short"]
Contract = Literal["linear", "inverse"]
MarginMode = Literal["isolated", "cross"]
FundingMethod = Literal["clamp", "dead_band", "premium"]
Scaling = Literal["n_over_8", "per_interval", "n_over_24"]
Averaging = Literal["time_weighted", "mean"]
Shortening = Literal["jump", "step", "none"]
ValuedAt = Literal["mark", "entry"]
#: keys of ``perpcalc.margin.FORMULAS``
MarginFormula = Literal["at_mark", "wallet_cum", "entry_deduction", "bankruptcy_offset", "margin_available",
                        "at_entry"]
#: ranking kernels of ``perpcalc.insolvency.score_kernel``
AdlMethod = Literal["pnl_times_leverage", "price_ratio_leverage", "pnl_over_margin"]
#: mark-price rules of ``perpcalc.pricing.mark_price``
MarkMethod = Literal["fair_price", "median_of_three", "median_of_three_8h"]

SIDES: tuple[Side, ...] = get_args(Side)
CONTRACTS: tuple[Contract, ...] = get_args(Contract)
MARGIN_MODES: tuple[MarginMode, ...] = get_args(MarginMode)
FUNDING_METHODS: tuple[FundingMethod, ...] = get_args(FundingMethod)
SCALINGS: tuple[Scaling, ...] = get_args(Scaling)
AVERAGINGS: tuple[Averaging, ...] = get_args(Averaging)
SHORTENINGS: tuple[Shortening, ...] = get_args(Shortening)
VALUED_AT: tuple[ValuedAt, ...] = get_args(ValuedAt)
MARGIN_FORMULAS: tuple[MarginFormula, ...] = get_args(MarginFormula)
ADL_METHODS: tuple[AdlMethod, ...] = get_args(AdlMethod)
MARK_METHODS: tuple[MarkMethod, ...] = get_args(MarkMethod)

_NONE: Mapping = MappingProxyType({})


# ----------------------------------------------------------------- the rule records


@dataclass(frozen=True)
class FundingRules:
    """One venue's funding rules (see the module docstring for each field)."""

    key: str
    name: str
    interval_hours: Decimal
    method: FundingMethod
    interest_rate: Decimal
    clamp: Decimal
    dead_band: Decimal
    cap: Decimal | None
    cap_rule: str
    scaling: Scaling
    averaging: Averaging
    sampling: str
    payment_price: str
    shortening: Shortening
    shortest_interval_hours: int
    source: str
    as_of: str
    confidence: str
    note: str = ""
    #: False where the venue settles only at its usual interval and documents no rule for N-hour
    #: settlements (BitMEX): ``scaling`` is then what the calculators assume, not a venue fact.
    scaling_documented: bool = True
    return_after: int | None = None
    return_within: Decimal | None = None
    return_to_hours: int | None = None

    @property
    def cap_8h(self) -> Decimal | None:
        """The cap restated per 8 h (for comparing venues with different intervals).

        Returns
        -------
        Decimal | None
            ``cap × 8 / interval_hours`` as a fraction; ``None`` when no cap figure is recorded.
        """
        return None if self.cap is None else self.cap * 8 / self.interval_hours


@dataclass(frozen=True)
class MarginRule:
    """One venue's margin and liquidation rule (see the module docstring for each field)."""

    formula: MarginFormula
    valued_at: ValuedAt
    maintenance_amount: bool
    fee_to_close: bool
    tiers: bool
    tier_table: str | None
    inverse: bool
    default_mmr: Decimal | None
    mmr_rule: str
    formula_text: dict[str, str]
    source: str
    as_of: str
    confidence: str
    default_contract: Contract = "linear"
    note: str = ""
    inverse_gap: str = ""
    mmr_from_max_leverage: bool = False

    def refuse_inverse(self, venue: str) -> str:
        """Why an inverse position cannot be computed with this record (``inverse`` is False).

        Returns
        -------
        str
            A sentence for the reader naming ``venue`` and what is missing.
        """
        if self.inverse_gap:
            return f"{venue}: {self.inverse_gap}; use the generic rule for an inverse position"
        return f"{venue} lists only linear (USDC-margined) perpetuals"

    def text(self, contract: str = "linear", margin_mode: str = "isolated") -> str:
        """The formula text for a contract type and margin mode (falls back to linear).

        Returns
        -------
        str
            The ``inverse_cross`` text for an inverse cross position when recorded, else the
            text for ``contract``, else the linear one.
        """
        if contract == "inverse" and margin_mode == "cross" and "inverse_cross" in self.formula_text:
            return self.formula_text["inverse_cross"]
        return self.formula_text.get(contract, self.formula_text["linear"])

    def maintenance_fraction(self, max_leverage: Decimal | None) -> Decimal | None:
        """The maintenance fraction a venue derives from the asset's maximum leverage.

        Returns
        -------
        Decimal | None
            ``1 / (2 × max_leverage)`` when ``mmr_from_max_leverage`` is set and a maximum
            leverage is given; ``None`` otherwise (the rate given applies).

        Examples
        --------
        >>> from perpcalc.venues import VENUES
        >>> VENUES["hyperliquid"].margin.maintenance_fraction(Decimal(40))
        Decimal('0.0125')
        """
        if not self.mmr_from_max_leverage or max_leverage is None:
            return None
        return 1 / (2 * max_leverage)


@dataclass(frozen=True)
class LossRule:
    """What happens to a loss a liquidation leaves (see the module docstring for each field)."""

    insurance_fund: str
    adl: AdlMethod | None
    adl_text: str
    socialisation: str
    pool: str | None
    source: str
    as_of: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class BorrowRule:
    """A pool venue's borrow fee on open positions (see the module docstring for each field)."""

    model: str
    rate_rule: str
    paid_to: str
    source: str
    as_of: str
    confidence: str
    note: str = ""
    hourly_rate: Decimal | None = None


@dataclass(frozen=True)
class TierTable:
    """A dated table of maintenance tiers: (notional floor, maintenance rate) rows, ascending."""

    symbol: str
    currency: str
    tiers: tuple[tuple[str, str], ...]
    source: str
    as_of: str
    confidence: str = "M"


@dataclass(frozen=True)
class TierSchedule:
    """A position-tier schedule: listed tiers, then a fixed step per further tier.

    ``tiers`` lists (max contracts, maintenance rate, initial rate), ascending. Beyond the
    last listed tier each tier adds ``step`` contracts and ``mmr_step`` / ``imr_step`` to
    the rates (OKX: "increase by … conts, 0.5 % and 0.5 % from the previous tier"), so
    tier n's limit is the last listed limit + (n − k) × step. ``face_value`` is the coins
    per contract of the instrument the schedule belongs to.
    """

    symbol: str
    tiers: tuple[tuple[Decimal, Decimal, Decimal], ...]
    step: Decimal
    mmr_step: Decimal
    imr_step: Decimal
    face_value: Decimal
    source: str
    as_of: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class SizeMargin:
    """Margin rates that grow with position size: rate = base + rate_per_unit × size (coins)."""

    im_base: Decimal
    mm_base: Decimal
    rate_per_unit: Decimal


@dataclass(frozen=True)
class CapRule:
    """How a venue derives its funding cap from the contract's margin rates.

    ``basis``: ``mmr`` (k × the maintenance rate, per settlement, k given by the reader) or
    ``im_minus_mm`` (``factor`` × (initial − maintenance rate)); ``per``: ``settlement``
    (the figure holds per settlement, pro-rated to the interval from an 8-hour figure when
    ``basis`` is ``im_minus_mm``) or ``8h`` (the figure holds per 8 h). ``text`` is the rule
    as the reader is told it.
    """

    basis: Literal["mmr", "im_minus_mm"]
    per: Literal["settlement", "8h"]
    text: str
    factor: Decimal | None = None


@dataclass(frozen=True)
class StageRule:
    """The stages of a liquidation on a venue that backstops or insures it.

    ``kind``: ``backstop`` (a vault takes the position over below ``backstop share`` of
    maintenance) or ``fillable`` (a liquidation order may fill down to a fillable price; the
    insurance fund pays beyond bankruptcy). ``first_stage`` says what happens at the
    liquidation price.
    """

    kind: Literal["backstop", "fillable"]
    first_stage: str


@dataclass(frozen=True)
class Envelope:
    """A venue's JSON response object around the list of records.

    ``path``: where the list is (``result.list``, ``data``); ``status``: the field whose
    value other than ``ok`` marks an error, which ``message`` (else ``status``) explains;
    ``markers``: the keys whose presence identifies the venue's response object.
    """

    path: str
    status: str
    ok: str
    message: str
    markers: tuple[str, ...]


@dataclass(frozen=True)
class ExportFormat:
    """How a venue's funding-rate history API names its fields (its JSON, or CSV with those fields).

    ``symbol``, ``time``: field names; ``rates``: rate fields in order of preference;
    ``envelope``: the response object around the records, if any; ``error_keys``: the keys
    of the venue's bare error object, if it has one; ``web_header``: the header of the
    venue's website CSV export. Which files are read this way, and how each is recognised,
    is in the venue's ``funding_files``.
    """

    symbol: str
    time: str
    rates: tuple[str, ...]
    envelope: Envelope | None = None
    error_keys: tuple[str, ...] = ()
    web_header: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldReader:
    """Where a funding-history file that is read field by field keeps each value.

    ``path``: the keys leading to the list of records in the response (``()``: the file is
    the list); ``symbol``: the symbol field (``None``: the file names none); ``time``,
    ``rate``: fields; ``interval``: a field holding the interval, a fixed number of hours,
    or ``None`` to infer it from the times. Dotted names reach inside a record
    (``delta.fundingRate``).
    """

    path: tuple[str, ...]
    symbol: str | None
    time: str
    rate: str
    interval: str | float | None


@dataclass(frozen=True)
class FundingFile:
    """One kind of funding-rate history file a venue (or a library) writes.

    ``key``: the format's name (``binance_api``); ``what``: what the file is, as a reader is
    told; ``fields``: the lower-case field names it always has, and ``one_of``: names one of
    which it also has (empty: no such condition); a file is recognised by its whole set of
    fields, the formats tried by ``detect_order``, lowest first. ``reader``: how its records
    are read field by field; ``None`` reads it through the venue's
    [`ExportFormat`][perpcalc.venues.ExportFormat] (its API fields or website header).
    """

    key: str
    what: str
    fields: frozenset[str]
    detect_order: int
    one_of: frozenset[str] = frozenset()
    reader: FieldReader | None = None


@dataclass(frozen=True)
class PaymentFile:
    """One kind of ledger of funding payments a venue writes (account statement, income history).

    ``key``: the ledger's name (``binance_income``); ``what``: what it is, as a reader is told;
    ``fields``: the lower-case field names it always has; ``path``: the keys leading to the
    list of records in a JSON response (``()``: the file is the list, or CSV); ``kind``,
    ``kind_value``: the field naming an entry's kind and the value that marks a funding
    payment; ``time``, ``symbol`` (``None``: the file names none), ``amount``, ``asset``:
    fields; ``sign``: +1 where a positive amount was received, −1 where it was paid;
    ``local_time``: its times carry no zone, being in the zone the account displays (which
    the downloaded file's name may give), where the others are UTC.
    """

    key: str
    what: str
    fields: frozenset[str]
    path: tuple[str, ...]
    kind: str
    kind_value: str
    time: str
    symbol: str | None
    amount: str
    sign: int
    asset: str
    local_time: bool = False


@dataclass(frozen=True)
class Venue:
    """One venue: its key, display name, dated rule records (``None`` = none recorded) and
    everything else the calculators need to know about it (see the module docstring)."""

    key: str
    name: str
    funding: FundingRules | None = None
    margin: MarginRule | None = None
    loss: LossRule | None = None
    borrow: BorrowRule | None = None
    settles_in: str | None = None
    tier_tables: Mapping[str, TierTable] = field(default_factory=lambda: _NONE)
    tier_schedules: Mapping[str, TierSchedule] = field(default_factory=lambda: _NONE)
    size_margins: Mapping[str, SizeMargin] = field(default_factory=lambda: _NONE)
    impact_margin: Mapping[str, Decimal] = field(default_factory=lambda: _NONE)
    funding_caps: Mapping[str, Decimal] = field(default_factory=lambda: _NONE)
    cap_from_margin: CapRule | None = None
    mark_method: MarkMethod | None = None
    stages: StageRule | None = None
    export: ExportFormat | None = None
    funding_files: tuple[FundingFile, ...] = ()
    payment_files: tuple[PaymentFile, ...] = ()
