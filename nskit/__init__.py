"""nskit: evaluate LLMs on math reasoning benchmarks."""
