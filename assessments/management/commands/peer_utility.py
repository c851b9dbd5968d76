"""How far released quartiles fall from the true ones, for the configured privacy loss."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from assessments import peers


class Command(BaseCommand):
    help = "Mean absolute error of released quartiles against the true ones, per group size."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trials", type=int, default=200)
        parser.add_argument("--epsilon", type=float, default=None, help="ε per statistic")

    def handle(self, *args: object, trials: int, epsilon: float | None, **options: object) -> None:
        epsilon = epsilon or settings.PEER_EPSILON_PER_STATISTIC
        errors = peers.utility((5, 10, 20, 50), epsilon_per_statistic=epsilon, trials=trials)
        self.stdout.write(f"ε per statistic = {epsilon:g}; {trials} trials per size")
        self.stdout.write("group size | mean absolute error of Q1, median, Q3 (score points)")
        for n, error in errors.items():
            self.stdout.write(f"{n:>10} | {error:.1f}")
