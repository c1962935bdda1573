// Answers every lifecycle hook and logs each call, so the Instances suite can count them in the log channel.
const http = require('http');

let invocations = 0;

const routes = {
  'POST /initialize': (rid) => {
    console.log(`FC Initialize Start RequestId: ${rid}`);
    console.log(`FC Initialize End RequestId: ${rid}`);
    return 'initialized';
  },
  'POST /invoke': (rid) => {
    console.log(`FC Invoke Start RequestId: ${rid}`);
    invocations++;
    console.log(`FC Invoke End RequestId: ${rid}`);
    return JSON.stringify({ invocations });
  },
  'GET /pre-freeze': (rid) => {
    console.log(`pre-freeze ${rid}`);
    return 'frozen';
  },
  'GET /pre-stop': (rid) => {
    console.log(`pre-stop ${rid}`);
    return 'stopping';
  },
};

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const route = routes[`${req.method} ${req.url}`];
    if (!route) return res.writeHead(404, { 'x-fc-status': '404' }).end('not found');
    res.end(route(req.headers['x-fc-request-id']));
  });
});
server.keepAliveTimeout = 0;
server.timeout = 0;
server.listen(Number(process.env.FC_SERVER_PORT || 9000), '0.0.0.0');
