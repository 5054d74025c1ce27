"""The classroom stage: people taking part, playing actors against the model."""
