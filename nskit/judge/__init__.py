"""The LLM judge: prompt, verdict parsing, resumable judging of output files, token usage and cost."""

from nskit.judge.verdict import NO_TEXT, YES_TEXT, Verdict, parse_verdict

__all__ = ["NO_TEXT", "YES_TEXT", "Verdict", "parse_verdict"]
