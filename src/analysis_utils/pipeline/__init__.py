"""Running the notebooks.

The notebook contract (parameters, inputs, outputs), the runner and
parameter sweeps.
"""
