// The benchmark's server: the smallest FC custom runtime (echoes the event), quiet, keep-alive forever.
const http = require('http');

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => res.end(Buffer.concat(chunks)));
});
server.keepAliveTimeout = 0;
server.listen(Number(process.env.FC_SERVER_PORT || 9000), '0.0.0.0');
