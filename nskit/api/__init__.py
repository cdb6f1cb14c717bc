"""The Python API: one function per `ns` command, with the command's options as typed parameters.

```python
from nskit import eval, summarize_results
eval("gsm8k:4", output_dir="results", server_type="openai", server_address="http://127.0.0.1:8000/v1",
     overrides=["++max_samples=20"])
metrics = summarize_results("results").to_json()   # {benchmark: {row: {column: value}}}
```
The CLI is a thin layer over these functions: they raise (`nskit.errors.UserError` for bad input) where the
command prints a message and exits.
"""

from nskit.api._eval import eval
from nskit.api._files import fill_majority, grade, summarize_results
from nskit.api._generate import generate
from nskit.api._judge import llm_math_judge

__all__ = ["eval", "fill_majority", "generate", "grade", "llm_math_judge", "summarize_results"]
