// A dependency-free FC custom runtime: an HTTP server on 0.0.0.0:$FC_SERVER_PORT (default 9000).
const http = require('http');

let greeting = 'hello';

const routes = {
  'POST /initialize': (rid) => {
    console.log(`FC Initialize Start RequestId: ${rid}`);
    greeting = 'hello'; // open connections, load config ... once per instance
    console.log(`FC Initialize End RequestId: ${rid}`);
    return 'initialized';
  },
  'POST /invoke': (rid, body) => {
    console.log(`FC Invoke Start RequestId: ${rid}`);
    const event = body.length ? JSON.parse(body) : {};
    const reply = JSON.stringify({ message: `${greeting}, ${event.name || 'world'}` });
    console.log(`FC Invoke End RequestId: ${rid}`);
    return reply;
  },
  'GET /pre-stop': (rid) => {
    console.log(`pre-stop ${rid}: flushing and closing connections`);
    return 'stopped';
  },
};

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const route = routes[`${req.method} ${req.url}`];
    if (!route) return res.writeHead(404, { 'x-fc-status': '404' }).end('not found');
    try {
      res.end(route(req.headers['x-fc-request-id'], Buffer.concat(chunks).toString()));
    } catch (e) {
      console.error(e.stack);
      res.writeHead(500, { 'x-fc-status': '404' }).end(String(e.message));
    }
  });
});
// FC keeps connections to the server open between invocations: never time them out.
server.keepAliveTimeout = 0;
server.timeout = 0;
server.listen(Number(process.env.FC_SERVER_PORT || 9000), '0.0.0.0');
