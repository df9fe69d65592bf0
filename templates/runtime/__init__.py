# copied unchanged from nmsgen's templates/runtime/ - do not edit
"""The static runtime of the generated package: the same for every model, copied verbatim by nmsgen (never
rendered, so no model text is in it). The generated modules import it; of the generated code it uses only
the models' base class (``_base.NmsModel``) and the OMA error body every model has (``models.RequestError``).

* :mod:`.values`: what travels besides NMS models (:class:`~.values.Payload`, :class:`~.values.Answer`) and
  the rows of the generated tables (:class:`~.values.Outcome`, :class:`~.values.Body`); server and client share them.
* :mod:`.requests`: how the server reads a request: bounded bodies, strict JSON, multipart parts, path and
  query parameters; invalid input raises :class:`~.requests.BadRequest`.
* :mod:`.errors`: what the clients raise (:class:`~.errors.NmsApiError`, :class:`~.errors.TokenError`).
* :mod:`.tokens`: the clients' MCData-7 Bearer token auth and the helpers of their token handling.
* :mod:`.keys`: the server's verification keys: JWK sets (file, text or HTTPS URL) and PEM public keys.
"""
