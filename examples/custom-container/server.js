// An FC custom container: the image's CMD starts this server on 0.0.0.0:8080 (customContainerConfig.port).
const http = require('http');

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const rid = req.headers['x-fc-request-id'];
    if (req.method !== 'POST' || req.url !== '/invoke') return res.writeHead(404, { 'x-fc-status': '404' }).end();
    console.log(`FC Invoke Start RequestId: ${rid}`);
    const event = chunks.length ? JSON.parse(Buffer.concat(chunks)) : {};
    res.end(JSON.stringify({ message: `hello from a container, ${event.name || 'world'}` }));
    console.log(`FC Invoke End RequestId: ${rid}`);
  });
});
server.keepAliveTimeout = 0;
server.timeout = 0;
server.listen(Number(process.env.FC_SERVER_PORT || 8080), '0.0.0.0');
