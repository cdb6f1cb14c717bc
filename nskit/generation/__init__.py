"""Generation: the transport to OpenAI-compatible servers, prompt jobs, the generation loop and its strategies."""
