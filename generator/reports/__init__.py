"""Reports over models and their output: ``trace`` (clause -> model -> artifacts -> tests) and ``diff`` (the
API impact of a change between two models)."""
