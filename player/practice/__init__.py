"""The practice log: sittings and streaks."""
