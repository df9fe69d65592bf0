"""Reports over a model and what it generates: ``trace`` (clause -> model -> artifacts -> tests), ``docs`` (the
published API reference with the matrix) and ``diff`` (the API impact of a change between two models)."""
