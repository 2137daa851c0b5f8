"""gdprkb: a searchable knowledge base of European data-protection decisions."""

__version__ = "0.1.0"
