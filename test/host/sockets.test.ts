import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { classify, listeningSockets } from '../../src/host/sockets';

const listen = (host: string): Promise<net.Server> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host, port: 0 }, () => resolve(srv));
  });
const portOf = (srv: net.Server) => (srv.address() as net.AddressInfo).port;
const close = (srv: net.Server) => new Promise((r) => srv.close(r));

/** The bound-address check that replaces connecting to other loopback addresses (we send traffic to 127.0.0.1 only). */
describe('host/sockets', function () {
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it('reads the bound address of a port: 0.0.0.0 and :: are reachable, 127.0.0.1 is loopback only', async () => {
    const any = await listen('0.0.0.0');
    const six = await listen('::');
    const lo = await listen('127.0.0.1');
    try {
      assert.deepEqual(listeningSockets(process.pid, undefined, portOf(any)), [{ address: '0.0.0.0', port: portOf(any) }]);
      assert.deepEqual(classify(listeningSockets(process.pid, undefined, portOf(six)) ?? [], portOf(six)), { state: 'reachable', address: '::' });
      assert.deepEqual(classify(listeningSockets(process.pid, undefined, portOf(lo)) ?? [], portOf(lo)), { state: 'loopback', address: '127.0.0.1' });
      assert.deepEqual(classify(listeningSockets(process.pid, undefined, 1) ?? [], 1), { state: 'absent' });
    } finally {
      await Promise.all([any, six, lo].map(close));
    }
  });

  it('finds listeners beyond the first page of /proc/net/tcp, and ignores connections', async () => {
    const many = await Promise.all(Array.from({ length: 80 }, () => listen('127.0.0.1')));
    const client = net.connect({ host: '127.0.0.1', port: portOf(many[0]) });
    await new Promise((r) => client.once('connect', r));
    try {
      const seen = new Set(listeningSockets(process.pid)?.map((s) => s.port));
      for (const srv of many) assert.ok(seen.has(portOf(srv)), `port ${portOf(srv)} listed`);
      assert.deepEqual(listeningSockets(process.pid, undefined, portOf(many[0]))?.length, 1, 'the accepted connection is not a listener');
    } finally {
      client.destroy();
      await Promise.all(many.map(close));
    }
  });
});
