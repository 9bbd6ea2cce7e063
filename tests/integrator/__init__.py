"""The issue's done-when, as an integrator would try it: clients generated from the committed contract."""
