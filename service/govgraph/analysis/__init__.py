"""What researchers take away: networks (:mod:`network`), data frames (:mod:`frames`) and
changes over time (:mod:`diff`), all computed from the named queries of ``queries/``."""
