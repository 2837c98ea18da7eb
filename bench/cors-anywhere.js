// cors-anywhere as the benchmark runs it (`cargo xtask bench proxy`): loopback only, the console's
// origin only, and (unlike cors-anywhere's default, which sends `Connection: close` upstream and so
// pays a TLS handshake per request) a keep-alive agent, so it is compared at its best, like nginx.
// Usage: PORT=NNNN NODE_EXTRA_CA_CERTS=ca.pem node cors-anywhere.js
'use strict';
const https = require('https');
const corsAnywhere = require('cors-anywhere');

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('cors-anywhere.js: set PORT');
  process.exit(2);
}
const keepAlive = process.env.CORS_ANYWHERE_KEEPALIVE !== '0';
corsAnywhere
  .createServer({
    originWhitelist: ['http://localhost:8080', 'http://127.0.0.1:8080'],
    requireHeader: ['origin'],
    removeHeaders: ['cookie', 'cookie2'],
    httpProxyOptions: keepAlive ? { agent: new https.Agent({ keepAlive: true }) } : {},
  })
  .listen(port, '127.0.0.1', () => console.log(`cors-anywhere listening on 127.0.0.1:${port}`));
