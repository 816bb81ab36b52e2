"""AlgoAgent Django project: settings, URL routing, the API error shape and health."""

__version__ = "0.1.0"
