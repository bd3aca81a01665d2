"""partners: a multi-stakeholder partnership tracker for alliances against online CSEA."""

__version__ = "0.1.0"
