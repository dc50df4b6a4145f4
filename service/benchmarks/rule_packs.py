"""Rule packs: every compliance rule carries the markets it applies to (a pack per jurisdiction, or
`any` for the universal rules), so a product is judged by the law of where it operates."""

from dataclasses import dataclass

from service.benchmarks.models import Relief, Rule

ANY = "any"     # a universal rule: it applies wherever the product operates


@dataclass(frozen=True)
class PackRule(Rule):
    """A rule of one or more packs; `red_line`: a practice regulators stop, fixed before anything else."""

    jurisdictions: tuple[str, ...] = (ANY,)
    red_line: bool = False

    @property
    def universal(self) -> bool:
        return ANY in self.jurisdictions


@dataclass(frozen=True)
class PackRelief(Relief):
    """A relief that exists only in some markets (a sandbox, the mainland's product certification)."""

    jurisdictions: tuple[str, ...] = (ANY,)


def packs_applied(markets, rules) -> tuple[str, ...]:
    """The packs a product's markets are scored on: each market that has one, and the universal rules."""
    with_pack = {j for rule in rules for j in getattr(rule, "jurisdictions", (ANY,)) if j != ANY}
    return (*sorted(set(markets) & with_pack), ANY)
