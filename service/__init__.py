"""Scores fintech product concepts for differentiation, homogeneity risk and compliance risk."""


def create_app(settings=None, data=None):
    """Build the Flask app; imported lazily so that the scoring core never pulls in Flask."""
    from service.api.app import create_app as _create_app

    return _create_app(settings, data)
