"""Ratios in grouped report rows (pure functions, no ORM; see lib/).

A pivot, graph or grouped list shows one value per group. For a ratio such as an
attainment percentage that value is the ratio of the group's sums (attained /
target), never the sum or the average of the rows' ratios.
"""


def ratio_fields(fields, ratios):
    """The fields a grouped read needs to compute the ``ratios`` asked for in
    ``fields``: ``ratios`` maps a ratio's name to (numerator, denominator,
    factor)."""
    needed = list(fields)
    for name, (numerator, denominator, _factor) in ratios.items():
        if name in fields:
            needed += [part for part in (numerator, denominator) if part not in needed]
    return needed


def apply_ratios(groups, fields, ratios):
    """Set each asked ratio of each group (a dict of sums) to
    factor * numerator / denominator, or 0.0 when the denominator is not
    positive."""
    for group in groups:
        for name, (numerator, denominator, factor) in ratios.items():
            if name not in fields:
                continue
            bottom = group.get(denominator) or 0.0
            top = group.get(numerator) or 0.0
            group[name] = factor * top / bottom if bottom > 0 else 0.0
    return groups
