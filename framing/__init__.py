"""framing: framing, hedging and attribution analysis of French news."""

__version__ = "0.1.0"
