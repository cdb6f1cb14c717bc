"""Running plans: child processes that never outlive `ns`, the local executor and the Slurm executor."""
