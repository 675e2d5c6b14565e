// The reference issuer for `npm run bench`: panva's oidc-provider (the certified
// OpenID provider for Node) issuing RFC 9068 JWT access tokens (RS256, typ at+jwt)
// for the client-credentials grant, one client using client_secret_basic, everything
// in memory. The bench starts it as a child process on a loopback port:
//
//   PEER_PORT=… PEER_CLIENT_ID=… PEER_CLIENT_SECRET=… node test/bench/peer-server.mjs
//
// It prints "ready <url>" on stdout once listening and exits when its stdin closes
// (the bench died) or on SIGTERM/SIGINT.
import { generateKeyPairSync } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.PEER_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('peer-server: PEER_PORT must be a port number');
  process.exit(2);
}
const clientId = process.env.PEER_CLIENT_ID || 'bench';
const clientSecret = process.env.PEER_CLIENT_SECRET;
if (!clientSecret) {
  console.error('peer-server: PEER_CLIENT_SECRET is required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const resource = process.env.PEER_RESOURCE || issuer;
const scopes = 'read:subjects write:subjects';

// One RSA-2048 signing key, made at start like keymint's first signing key.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  jwks: { keys: [signingJwk] },
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  cookies: { keys: [`bench-peer-${clientSecret}`] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // Requests without `resource` get the one API, as keymint's default audience.
      defaultResource: async (_ctx, _client, oneOf) => oneOf || resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget('unknown resource');
        return {
          scope: scopes,
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 300 },
});

provider.on('server_error', (_ctx, err) => console.error('peer server_error:', err?.message ?? err));

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});

const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
