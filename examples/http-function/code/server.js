// An HTTP function: FC passes method, path, query, headers and body through (x-fc-control-path: /http-invoke).
const http = require('http');

const server = http.createServer((req, res) => {
  // On the system path /2016-08-15/proxy/{service}/{function}/... the prefix stays in the URL; strip it here so
  // the same routes work behind a custom domain (seed 001 §7.2.8).
  const base = (req.headers['x-fc-base-path'] || '/').replace(/\/$/, '');
  const url = new URL(req.url.slice(base.length) || '/', 'http://local');
  console.log(`${req.method} ${url.pathname} (request ${req.headers['x-fc-request-id']})`);
  if (url.pathname === '/greet') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end(`hello, ${url.searchParams.get('name') || 'world'}\n`);
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('try /greet?name=you\n');
});
server.keepAliveTimeout = 0;
server.timeout = 0;
server.listen(Number(process.env.FC_SERVER_PORT || 9000), '0.0.0.0');
