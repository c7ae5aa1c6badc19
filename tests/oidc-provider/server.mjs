// A real, OpenID Certified authorization server (panva/oidc-provider, pinned in
// package.json) configured the way an MCP authorization server is expected to
// behave, for McpOAuth.Client's tests. Loopback only, in-memory state only.
//
// Environment (all optional):
//   PORT               TCP port on 127.0.0.1; 0 (default) = ephemeral.
//   ACCESS_TOKEN_TTL   access token lifetime in seconds (default 60).
//   REFRESH_TOKEN_TTL  refresh token lifetime in seconds (default 86400).
//   ACCESS_TOKEN_ALG   JWS alg of the JWT access tokens: RS256 (default) or ES256.
//   MCP_RESOURCES      space- or comma-separated list of accepted resource
//                      indicators (RFC 8707); default: any http://127.0.0.1:<port>/...,
//                      http://localhost:<port>/... or http://[::1]:<port>/... URL.
//   MCP_SCOPES         scopes a resource grants (default "mcp:read mcp:write").
//   OAUTH_METADATA     "0" makes /.well-known/oauth-authorization-server (RFC 8414)
//                      a 404, so only /.well-known/openid-configuration answers;
//                      default: oidc-provider serves the same document at both.
//   OFFLINE_ACCESS_IMPLIES_CONSENT  "0" keeps oidc-provider's OpenID Connect rule
//                      that offline_access is dropped from an authorization request
//                      without prompt=consent (so no refresh token is issued);
//                      default "1": a GET /auth that asks for offline_access and
//                      carries no prompt gets prompt=consent added (native clients
//                      are always shown the consent page anyway), since MCP clients
//                      ask for offline_access but never send prompt=consent.
//
// Protocol with the test code: prints exactly one line "READY <issuer>" on stdout
// once it accepts connections (the issuer carries the chosen port). Anything else
// it writes (oidc-provider notices, a request log) is diagnostic. It exits when
// its stdin closes (the parent went away) or on SIGTERM/SIGINT.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import process from 'node:process';

import Provider, { errors } from 'oidc-provider';

const log = (msg) => process.stderr.write(`oidc-provider-test: ${msg}\n`);

function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    log(`${name} must be a non-negative integer, got '${raw}'`);
    process.exit(2);
  }
  return value;
}

const port = intFromEnv('PORT', 0);
const accessTokenTtl = intFromEnv('ACCESS_TOKEN_TTL', 60);
const refreshTokenTtl = intFromEnv('REFRESH_TOKEN_TTL', 86400);
const accessTokenAlg = process.env.ACCESS_TOKEN_ALG || 'RS256';
if (!['RS256', 'ES256'].includes(accessTokenAlg)) {
  log(`ACCESS_TOKEN_ALG must be RS256 or ES256, got '${accessTokenAlg}'`);
  process.exit(2);
}
if (accessTokenTtl < 1 || refreshTokenTtl < 1) {
  log('ACCESS_TOKEN_TTL and REFRESH_TOKEN_TTL must be at least 1');
  process.exit(2);
}
const resourceScope = (process.env.MCP_SCOPES || 'mcp:read mcp:write').split(/\s+/).filter(Boolean).join(' ');
const resourceList = (process.env.MCP_RESOURCES || '').split(/[\s,]+/).filter(Boolean);
const serveOAuthMetadata = process.env.OAUTH_METADATA !== '0';
const offlineAccessImpliesConsent = process.env.OFFLINE_ACCESS_IMPLIES_CONSENT !== '0';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function resourceAllowed(resource) {
  if (resourceList.length !== 0) return resourceList.includes(resource);
  const url = URL.parse(resource);
  return url !== null && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !url.hash;
}

// Fresh signing keys per process: tests fetch them from jwks_uri.
function signingJwk(type, options, alg) {
  const { privateKey } = crypto.generateKeyPairSync(type, options);
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${crypto.randomBytes(6).toString('hex')}` };
}
const jwks = {
  keys: [
    signingJwk('rsa', { modulusLength: 2048 }, 'RS256'),
    signingJwk('ec', { namedCurve: 'P-256' }, 'ES256'),
  ],
};

const configuration = {
  jwks,
  cookies: {
    keys: [crypto.randomBytes(32).toString('base64url')],
    // Over plain http koa refuses Secure cookies; oidc-provider only sets
    // Secure when the request is https (ctx.secure), so these stay false here.
    long: { httpOnly: true, sameSite: 'lax', secure: false },
    short: { httpOnly: true, sameSite: 'lax', secure: false },
  },
  // The resource's scopes are listed here too (not only in getResourceServerInfo)
  // so that they are in scopes_supported and a DCR request carrying
  // "scope": "mcp:read ..." is accepted (oidc-provider rejects client metadata
  // scopes it does not list). offline_access makes refresh_token a grant type.
  scopes: ['openid', 'offline_access', ...resourceScope.split(' ')],
  claims: { openid: ['sub'] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  pkce: { required: () => true }, // S256 is the only method oidc-provider implements.
  rotateRefreshToken: true, // rotation; reuse of a rotated token revokes the grant.
  // RFC 7591 defaults, as shipped: a client must ask for the refresh_token grant and
  // for token_endpoint_auth_method "none" (else it is a confidential client).
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  },
  responseTypes: ['code'],
  ttl: {
    AccessToken: () => accessTokenTtl,
    AuthorizationCode: 60,
    ClientCredentials: () => accessTokenTtl,
    Grant: () => refreshTokenTtl,
    IdToken: () => 3600,
    Interaction: () => 3600,
    RefreshToken: () => refreshTokenTtl,
    Session: () => 3600,
  },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true, initialAccessToken: false },
    registrationManagement: { enabled: false },
    revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
    introspection: {
      enabled: true,
      // A public client may introspect its own tokens (the default policy, made explicit).
      allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client.clientId,
    },
    dPoP: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    rpInitiatedLogout: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // No resource requested: no audience-restricted token (opaque userinfo token).
      defaultResource: async (_ctx, _client, oneOf) => oneOf ?? undefined,
      // On refresh without a resource parameter, keep the resource of the grant.
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (!resourceAllowed(resource)) {
          throw new errors.InvalidTarget(`resource ${resource} is not served here`);
        }
        return {
          scope: resourceScope,
          audience: resource,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: accessTokenAlg } },
        };
      },
    },
  },
};

const server = http.createServer();
server.on('clientError', (err, socket) => socket.destroy(err));

server.listen(port, '127.0.0.1', () => {
  const { port: actualPort } = server.address();
  const issuer = `http://127.0.0.1:${actualPort}`;
  let provider;
  try {
    provider = new Provider(issuer, configuration);
  } catch (err) {
    log(`provider configuration failed: ${err.stack || err}`);
    process.exit(1);
  }

  provider.on('server_error', (_ctx, err) => log(`server_error: ${err.stack || err}`));

  // Request log (path only: queries carry codes and state), the RFC 8414 switch,
  // and offline_access without prompt=consent (GET only; MCP clients use GET).
  provider.use(async (ctx, next) => {
    if (!serveOAuthMetadata && ctx.path === '/.well-known/oauth-authorization-server') {
      ctx.status = 404;
      ctx.body = { error: 'not_found' };
      log(`${ctx.method} ${ctx.path} -> 404 (OAUTH_METADATA=0)`);
      return;
    }
    if (offlineAccessImpliesConsent && ctx.method === 'GET' && ctx.path === '/auth') {
      const { scope, prompt } = ctx.query;
      if (typeof scope === 'string' && scope.split(' ').includes('offline_access') && prompt === undefined) {
        ctx.querystring = `${ctx.querystring}&prompt=consent`;
      }
    }
    await next();
    log(`${ctx.method} ${ctx.path} -> ${ctx.status}`);
  });

  server.on('request', provider.callback());
  process.stdout.write(`READY ${issuer}\n`);
});

server.on('error', (err) => {
  log(`listen failed: ${err.stack || err}`);
  process.exit(1);
});

let stopping = false;
function stop(reason) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  server.close();
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.stdin.on('end', () => stop('stdin closed'));
process.stdin.on('close', () => stop('stdin closed'));
process.stdin.on('error', () => stop('stdin error'));
process.stdin.resume();
