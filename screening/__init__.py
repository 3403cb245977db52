"""KneeScreen engine: phone video in, per-leg knee-valgus and arch-collapse results out."""
