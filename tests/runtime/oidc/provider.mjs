// A real OAuth 2.0 authorization server for the tests: node's oidc-provider, configured with one
// confidential client (the MCData server) that may use the client credentials grant, issuing signed JWT
// access tokens (RFC 9068) for the message store as resource, published through its JWKS.
// Configured by environment: PORT, CERT, KEY (TLS), SIGNING_JWK (private JWK, JSON), CLIENT_ID,
// CLIENT_SECRET, SCOPE, RESOURCE, TTL (access token lifetime, seconds).
import https from 'node:https';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};
const port = Number(env('PORT'));
const issuer = `https://localhost:${port}`;
const resource = env('RESOURCE');
const scope = env('SCOPE');

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('CLIENT_ID'),
    client_secret: env('CLIENT_SECRET'),
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [JSON.parse(env('SIGNING_JWK'))] },
  scopes: [scope],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) throw new Error(`unknown resource ${indicator}`);
        return {
          scope,
          audience: resource,
          accessTokenTTL: Number(env('TTL')),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        };
      },
    },
  },
});
provider.proxy = false;

const server = https.createServer({ key: fs.readFileSync(env('KEY')), cert: fs.readFileSync(env('CERT')) },
  provider.callback());
server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
