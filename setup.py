"""Package list for setuptools: pyproject.toml cannot combine package discovery with the `benchmarks/` mapping.

Everything else (metadata, dependencies, package-dir, package data) is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["nskit", "nskit.*"]), "nskit_benchmarks"])
