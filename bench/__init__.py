"""Benchmarks of the API against realistic data volumes (`make bench`); results in bench/README.md."""
