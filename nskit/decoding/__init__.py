"""Decoding research knobs (vLLM logits processors), per-request arguments, and how servers load them.

`knobs` is plain Python (settings and client use it); `truncation` and `processor` import torch and vLLM and are
only imported inside the vLLM server.
"""
