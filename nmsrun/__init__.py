"""The runtime: what runs the generated server (``nmsgen serve``: TLS, token keys, uvicorn, the development
token service) on the reference store (:mod:`refstore`). It imports the generated package; the generator
(:mod:`generator`) never imports it."""
