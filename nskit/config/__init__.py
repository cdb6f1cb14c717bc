"""Typed, validated configuration: `++key=value` overrides, generation settings, cluster YAML, prompt configs."""
