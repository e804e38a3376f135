"""chiso — PAR INDEX and SIPAS analysis for Vietnamese provinces."""

__version__ = "0.1.0"
