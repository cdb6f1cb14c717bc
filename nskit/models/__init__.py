"""Model files: format conversion and the embedded default model."""
