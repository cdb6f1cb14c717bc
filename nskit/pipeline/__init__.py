"""Plans: the `ns` command lines a run consists of, their order and the server they need."""
