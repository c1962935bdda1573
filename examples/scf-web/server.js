// A Tencent SCF web image function: any HTTP request on 0.0.0.0:9000; events arrive as POST /event-invoke.
const http = require('http');

const server = http.createServer((req, res) => {
  console.log(`${req.method} ${req.url} (request ${req.headers['x-scf-request-id']})`);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'hello from SCF', function: req.headers['x-scf-name'] || null, path: req.url }));
});
server.keepAliveTimeout = 0;
server.listen(9000, '0.0.0.0');
