"""The intermediate representation: the model merged, resolved, ordered and located (:mod:`.model`), the
names derived from it (:mod:`.names`) and the facts derived from it once (:mod:`.answers`)."""
