"""Training data from generations: rejection sampling into chat-format SFT data, the next round's problems,
and the contamination guard against test sets (`ns collect`, `ns check_contamination`)."""

from nskit.training.collect import REASONS, CollectResult, CollectSettings, collect, short_problems, write_collected
from nskit.training.contamination import check_contamination, load_test_problems
from nskit.training.trajectory import TrajectoryFormatError, split_tool_turns, trajectory_failure
from nskit.training.verdicts import VERDICTS, judged_correct

__all__ = [
    "REASONS",
    "VERDICTS",
    "CollectResult",
    "CollectSettings",
    "TrajectoryFormatError",
    "check_contamination",
    "collect",
    "judged_correct",
    "load_test_problems",
    "short_problems",
    "split_tool_turns",
    "trajectory_failure",
    "write_collected",
]
